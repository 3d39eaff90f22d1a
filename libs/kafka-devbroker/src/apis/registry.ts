import type { ApiHandler } from './api-handler';
import { apiVersionsApi } from './api-versions';
import { createTopicsApi } from './create-topics';
import { deleteGroupsApi } from './delete-groups';
import { deleteTopicsApi } from './delete-topics';
import { describeGroupsApi } from './describe-groups';
import { fetchApi } from './fetch';
import { findCoordinatorApi } from './find-coordinator';
import { heartbeatApi } from './heartbeat';
import { initProducerIdApi } from './init-producer-id';
import { joinGroupApi } from './join-group';
import { leaveGroupApi } from './leave-group';
import { listGroupsApi } from './list-groups';
import { listOffsetsApi } from './list-offsets';
import { metadataApi } from './metadata';
import { offsetCommitApi } from './offset-commit';
import { offsetFetchApi } from './offset-fetch';
import { produceApi } from './produce';
import { syncGroupApi } from './sync-group';

const others: ApiHandler[] = [
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  offsetCommitApi,
  offsetFetchApi,
  findCoordinatorApi,
  joinGroupApi,
  heartbeatApi,
  leaveGroupApi,
  syncGroupApi,
  describeGroupsApi,
  listGroupsApi,
  createTopicsApi,
  deleteTopicsApi,
  initProducerIdApi,
  deleteGroupsApi,
];

const all: ApiHandler[] = [];
const apiVersions = apiVersionsApi(() => all.map((a) => ({ key: a.key, min: a.minVersion, max: a.maxVersion })));
all.push(...others, apiVersions);
all.sort((a, b) => a.key - b.key);

/** Every API the broker advertises, by key. */
export const apis: ReadonlyMap<number, ApiHandler> = new Map(all.map((a) => [a.key, a]));
