import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root: this file sits at libs/kafka-apache/{src,dist}/. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/** The committed Maven descriptor that names the broker version and its log binding. */
export const KAFKA_POM = join(REPO_ROOT, 'tools', 'kafka', 'pom.xml');

/** The Kafka version the descriptor fetches (its `kafka.version` property). */
export const kafkaVersion = (pom = KAFKA_POM): string => {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(pom, 'utf8'));
  if (!m) throw new Error(`no <kafka.version> in ${pom}`);
  return m[1]!;
};

/** Where the jars of a version live (ignored by git; KAFKA_CACHE_DIR moves it). */
export const cacheDir = (version = kafkaVersion()): string => join(process.env.KAFKA_CACHE_DIR ?? join(REPO_ROOT, '.cache', 'kafka'), version);

const answers = async (cmd: string, args: string[]): Promise<boolean> => {
  try {
    await run(cmd, args, { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
};

/** What this machine lacks to run Apache Kafka: empty when Java 17+ and (for a first fetch) Maven are here. */
export const missingPrerequisites = async (version = kafkaVersion()): Promise<string[]> => {
  const missing: string[] = [];
  const java = await run('java', ['-version'], { timeout: 20_000 }).then(
    (r) => r.stderr + r.stdout,
    () => undefined,
  );
  if (java === undefined) missing.push('java (Java 17 or newer)');
  else {
    const major = Number(/version "(\d+)/.exec(java)?.[1] ?? 0);
    if (major < 17) missing.push(`java 17 or newer (found ${major || 'an unknown version'})`);
  }
  if (!jarsPresent(version) && !(await answers('mvn', ['-v']))) missing.push('mvn (Apache Maven, to fetch the broker once)');
  return missing;
};

const jarsPresent = (version: string): boolean => {
  const dir = cacheDir(version);
  return existsSync(join(dir, '.complete')) && readdirSync(dir).some((f) => f.startsWith('kafka_2.13-'));
};

/**
 * The classpath folder of the broker, fetched from Maven Central on first use. Concurrent callers
 * (jest workers, two `npm start`s) are safe: each fetches into its own folder and the first rename wins.
 */
export const ensureKafkaJars = async (version = kafkaVersion()): Promise<string> => {
  const dir = cacheDir(version);
  if (jarsPresent(version)) return dir;
  const missing = await missingPrerequisites(version);
  if (missing.length) throw new Error(`Apache Kafka ${version} needs ${missing.join(' and ')} on this machine`);
  const staging = `${dir}.fetch-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    await run(
      'mvn',
      ['-q', '-B', '-f', KAFKA_POM, `-Dkafka.version=${version}`, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`],
      { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
    );
    mkdirSync(join(staging, '.complete'));
    try {
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
    } catch (err) {
      if (!jarsPresent(version)) throw err; // else another process fetched it first
    }
  } catch (err) {
    const out = (err as { stdout?: string }).stdout ?? '';
    throw new Error(`fetching Apache Kafka ${version} with Maven failed: ${(err as Error).message}\n${out.slice(-2000)}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
};
