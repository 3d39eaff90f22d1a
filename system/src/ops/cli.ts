import { durationMs, isIsoDuration } from '@bp/timers';
import { isServiceName, serviceModule } from '../modules';
import { opsContextFromEnv, type OpsContext } from './context';
import { deadLetters, printDeadLetters } from './dead-letters';
import { parked, printParked } from './parked';
import { type DltSelector, parseDltSelector, printRedrive, redrive } from './redrive';
import { parseBound, republish } from './republish';
import { printReplay, replay } from './replay';
import { parseResetTarget, resetOffsets } from './reset-offsets';
import { printTimeline, timeline } from './timeline';
import { printTimers, timers } from './timers';
import { printVerify, verify } from './verify';

const USAGE = `usage: npm run ops -- <command>
  timeline <orderId>                          every service's events about the order, in time order
  timers [--overdue]                          pending (or overdue) deadlines per service
  parked [--older-than <ISO duration>]        facts waiting for an earlier fact (exit 1 if any older than given)
  verify                                      ledger conservation + cross-service consistency (exit 1 on violations)
  replay <service>                            rebuild the service's read models; checksums before/after
  republish <service> --from <pos|time> [--to <pos|time>]   re-send public events (same ce_id)
  reset-offsets <group> --to earliest|<time>  move a stopped consumer group's offsets
  dead-letters [<group>]                      every consumer group's (or one group's) dead letters
  redrive <group> --offset <[partition:]n>… | --all   re-send dead letters to their topic, once each
Configuration: the services' environment (DATABASE_URL, KAFKA_BROKERS, SERVICE_URLS, JWT_SECRET…),
defaulting to what \`npm start\` runs.`;

class UsageError extends Error {}

/** Every value of a repeatable flag (`--offset 3 --offset 5`). */
const flagValues = (args: string[], name: string): string[] =>
  args.flatMap((a, i) => {
    if (a !== name) return [];
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return [v];
  });
const flag = (args: string[], name: string): string | undefined => flagValues(args, name)[0];
const service = (s: string | undefined) => {
  if (!s || !isServiceName(s)) throw new UsageError(`expected a service: order, escrow, dispute or notification (got ${s ?? 'nothing'})`);
  return serviceModule(s);
};

/** Runs one command; returns the exit code. */
export const runOps = async (ctx: OpsContext, argv: string[]): Promise<number> => {
  const [command, ...args] = argv;
  switch (command) {
    case 'timeline': {
      if (!args[0]) throw new UsageError('timeline <orderId>');
      printTimeline(ctx, args[0], await timeline(ctx, args[0]));
      return 0;
    }
    case 'timers': {
      const overdue = args.includes('--overdue');
      const r = await timers(ctx, { overdue });
      printTimers(ctx, r, overdue);
      return overdue && r.rows.length ? 1 : 0;
    }
    case 'parked': {
      const older = flag(args, '--older-than');
      if (older !== undefined && !isIsoDuration(older)) throw new UsageError(`--older-than needs an ISO-8601 duration such as PT1H (got ${older})`);
      const olderThanMs = older === undefined ? undefined : durationMs(older);
      const r = await parked(ctx, olderThanMs === undefined ? {} : { olderThanMs });
      printParked(ctx, r);
      return olderThanMs !== undefined && r.rows.length ? 1 : 0;
    }
    case 'verify': {
      const r = await verify(ctx);
      printVerify(ctx, r);
      return r.violations.length ? 1 : 0;
    }
    case 'replay': {
      const m = service(args[0]);
      const results = await replay(ctx, m);
      printReplay(ctx, m.name, results);
      return results.every((r) => r.identical) ? 0 : 1;
    }
    case 'republish': {
      const m = service(args[0]);
      const from = flag(args, '--from');
      if (!from) throw new UsageError('republish <service> --from <position|time> [--to …]');
      const to = flag(args, '--to');
      const r = await republish(ctx, m, parseBound(from), to ? parseBound(to) : undefined);
      ctx.out(`republished ${r.sent} ${m.name} event(s)${Object.entries(r.byTopic).map(([t, n]) => `; ${t}: ${n}`).join('')}`);
      return 0;
    }
    case 'reset-offsets': {
      const group = args[0];
      const to = flag(args, '--to');
      if (!group || group.startsWith('--') || !to) throw new UsageError('reset-offsets <group> --to earliest|<ISO time>');
      for (const t of await resetOffsets(ctx, group, parseResetTarget(to)))
        ctx.out(`${group} ${t.topic}: ${t.partitions.map((p) => `p${p.partition}→${p.offset}`).join(' ') || 'no partitions'}`);
      return 0;
    }
    case 'dead-letters': {
      if (args[0]?.startsWith('--')) throw new UsageError('dead-letters [<group>]');
      printDeadLetters(ctx, await deadLetters(ctx, args[0]));
      return 0;
    }
    case 'redrive': {
      const group = args[0];
      const all = args.includes('--all');
      const offsets = flagValues(args, '--offset');
      const selectors = offsets.map(parseDltSelector).filter((s): s is DltSelector => s !== undefined);
      if (!group || group.startsWith('--') || all === offsets.length > 0 || selectors.length < offsets.length)
        throw new UsageError('redrive <group> --offset <[partition:]offset>… | --all');
      printRedrive(ctx, group, await redrive(ctx, group, all ? 'all' : selectors));
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
};

if (require.main === module) {
  const ctx = opsContextFromEnv();
  runOps(ctx, process.argv.slice(2))
    .catch((err: unknown) => {
      process.stderr.write(err instanceof UsageError ? `${err.message}\n${USAGE}\n` : `error: ${(err as Error).message}\n`);
      return err instanceof UsageError ? 2 : 1;
    })
    .then(async (code) => {
      await ctx.pool.end();
      process.exitCode = code;
    });
}
