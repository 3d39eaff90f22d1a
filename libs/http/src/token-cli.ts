import { parseArgs } from 'node:util';
import { Role } from '@bp/contracts';
import { isIsoDuration } from '@bp/timers';
import { loadDevSecret, signDevToken } from './auth/dev-token';

const USAGE = 'usage: token --role <buyer|seller|agent|ops|partner> --sub <user id> [--ttl PT1H]';

/** Prints a dev token; returns the exit code (kept pure of process.exit for tests). */
export const runTokenCli = (
  argv: string[],
  io: { out: (s: string) => void; err: (s: string) => void; env?: NodeJS.ProcessEnv; secretFile?: string },
): number => {
  let values: { role?: string; sub?: string; ttl?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { role: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' } } }));
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const role = Role.safeParse(values.role);
  if (!role.success || !values.sub || (values.ttl !== undefined && !isIsoDuration(values.ttl))) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  const secret = loadDevSecret({ ...(io.env ? { env: io.env } : {}), ...(io.secretFile ? { file: io.secretFile } : {}) });
  io.out(`${signDevToken({ sub: values.sub, role: role.data, secret, ...(values.ttl ? { ttl: values.ttl } : {}) })}\n`);
  return 0;
};

if (require.main === module) {
  process.exitCode = runTokenCli(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  });
}
