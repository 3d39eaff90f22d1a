import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serverProperties } from './node-config';

const run = promisify(execFile);

/** A KRaft id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
export const kraftId = (): string => randomBytes(16).toString('base64url');

/**
 * What a `kafka-storage format` writes, made once per version and kept beside the jars (the
 * bootstrap metadata: feature levels only), so every node of every test cluster starts from a copy
 * and a meta.properties of its own, which saves a JVM start (~1.5 s) per node.
 */
const formattedTemplate = async (jars: string): Promise<string> => {
  const target = join(jars, '.bootstrap');
  if (existsSync(target)) return target;
  const work = mkdtempSync(join(jars, '.format-'));
  try {
    const logDir = join(work, 'data');
    const props = join(work, 'server.properties');
    const self = { nodeId: 1, port: 1, controllerPort: 2 };
    writeFileSync(props, serverProperties({ nodes: 1, partitions: 1, minSessionTimeoutMs: 6000 }, self, [self], logDir));
    await run('java', ['-cp', `${jars}/*`, 'kafka.tools.StorageTool', 'format', '-t', kraftId(), '-c', props], { timeout: 120_000 });
    // Everything the format wrote but the node's identity (4.1 writes bootstrap.checkpoint only,
    // later versions more): meta.properties is written per node below.
    rmSync(join(logDir, 'meta.properties'));
    cpSync(logDir, join(work, 'out'), { recursive: true });
    try {
      renameSync(join(work, 'out'), join(jars, '.bootstrap'));
    } catch (err) {
      if (!existsSync(target)) throw err; // another process made it first
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
};

/** Formats a node's log dir as `kafka-storage format` would: cluster id, node id, bootstrap metadata. */
export const formatLogDir = async (jars: string, logDir: string, clusterId: string, nodeId: number): Promise<void> => {
  const template = await formattedTemplate(jars);
  mkdirSync(logDir, { recursive: true });
  cpSync(template, logDir, { recursive: true });
  writeFileSync(join(logDir, 'meta.properties'), `version=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\ndirectory.id=${kraftId()}\n`);
};
