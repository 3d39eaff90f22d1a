import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serverProperties } from './node-config';

const run = promisify(execFile);

/** A KRaft id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
export const kraftId = (): string => randomBytes(16).toString('base64url');

/**
 * The bootstrap metadata a `kafka-storage format` writes, made once per version and kept beside the
 * jars: it holds only feature levels, so every node of every test cluster can start from a copy and
 * a meta.properties of its own, which saves a JVM start (~1.5 s) per node.
 */
const bootstrapCheckpoint = async (jars: string): Promise<string> => {
  const target = join(jars, '.bootstrap', 'bootstrap.checkpoint');
  if (existsSync(target)) return target;
  const work = mkdtempSync(join(jars, '.format-'));
  try {
    const logDir = join(work, 'data');
    const props = join(work, 'server.properties');
    const self = { nodeId: 1, port: 1, controllerPort: 2 };
    writeFileSync(props, serverProperties({ nodes: 1, partitions: 1, minSessionTimeoutMs: 6000 }, self, [self], logDir));
    await run('java', ['-cp', `${jars}/*`, 'kafka.tools.StorageTool', 'format', '-t', kraftId(), '-c', props], { timeout: 120_000 });
    mkdirSync(join(work, 'out'));
    copyFileSync(join(logDir, 'bootstrap.checkpoint'), join(work, 'out', 'bootstrap.checkpoint'));
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
  const checkpoint = await bootstrapCheckpoint(jars);
  mkdirSync(logDir, { recursive: true });
  copyFileSync(checkpoint, join(logDir, 'bootstrap.checkpoint'));
  writeFileSync(join(logDir, 'meta.properties'), `version=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\ndirectory.id=${kraftId()}\n`);
};
