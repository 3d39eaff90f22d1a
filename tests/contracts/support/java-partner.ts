import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** tools/kafka/partner-consumer: a partner's client on kafka-clients with its defaults (PartnerClient.java). */
export const PARTNER_PROJECT = resolve(__dirname, '../../../tools/kafka/partner-consumer');
const SOURCE = join(PARTNER_PROJECT, 'src/main/java/bp/partner/PartnerClient.java');
const CLASS = join(PARTNER_PROJECT, 'target/classes/bp/partner/PartnerClient.class');
const LIB = join(PARTNER_PROJECT, 'target/lib');

const answers = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
  return !r.error && r.status === 0;
};

let missing: string | undefined | null = null;
/** Why the Java partner client cannot run here (no Java, or not built and no Maven), or undefined. */
export const javaPartnerMissing = (): string | undefined => {
  if (missing !== null) return missing;
  if (!answers('java', ['-version'])) return (missing = 'java is not installed (Java 17+)');
  if (!built() && !answers('mvn', ['-v'])) return (missing = 'mvn is not installed (Maven builds the Java partner client once)');
  return (missing = undefined);
};

/** `it` for a test that runs the Java client: without Java a skipped test saying so; under CI=true a failure. */
export const itJava = (name: string, fn: () => Promise<unknown>, timeoutMs?: number): void => {
  const why = javaPartnerMissing();
  if (!why) it(name, fn, timeoutMs);
  else if (process.env.CI === 'true')
    it(name, () => {
      throw new Error(`${why}: under CI=true that is a failure`);
    });
  else it.skip(`SKIPPED (${why}): ${name}`, () => {});
};

const built = () =>
  existsSync(CLASS) && existsSync(LIB) && readdirSync(LIB).some((f) => f.startsWith('kafka-clients-')) && statSync(CLASS).mtimeMs >= statSync(SOURCE).mtimeMs;

/**
 * Builds the Java partner client with Maven when its classes are missing or older than the source.
 * Two test files may ask at once (jest workers): one builds under a lock folder, the other waits.
 */
export const buildJavaPartner = async (): Promise<void> => {
  if (built() || javaPartnerMissing()) return;
  const lock = join(PARTNER_PROJECT, '.build-lock');
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (built()) return;
      if (Date.now() > deadline) throw new Error(`${lock} held for 10 minutes: remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (!built()) await run('mvn', ['-q', '-B', '-f', join(PARTNER_PROJECT, 'pom.xml'), 'package'], { timeout: 600_000, maxBuffer: 16 << 20 });
  } catch (err) {
    throw new Error(`building ${PARTNER_PROJECT} failed: ${(err as Error).message}\n${String((err as { stdout?: string }).stdout ?? '').slice(-2000)}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
};

export interface JavaRun {
  code: number | null;
  lines: string[];
  stderr: string;
}

/** Runs PartnerClient with `args` (consume … | produce …) to completion; stdout split in lines. */
export const runJavaPartner = (args: string[], timeoutMs = 120_000): Promise<JavaRun> =>
  new Promise((resolvePromise, reject) => {
    const p = spawn(
      'java',
      [
        '-Xmx128m',
        '-XX:TieredStopAtLevel=1',
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-cp',
        `${join(PARTNER_PROJECT, 'target/classes')}:${LIB}/*`,
        'bp.partner.PartnerClient',
        ...args,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`PartnerClient ${args.join(' ')} timed out after ${timeoutMs} ms; stderr: ${err.slice(-2000)}`));
    }, timeoutMs);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, lines: out.split('\n').filter(Boolean), stderr: err });
    });
  });
