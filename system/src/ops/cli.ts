import { parseArgs, type ParseArgsConfig } from 'node:util';
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

/**
 * One command's arguments through node:util parseArgs: strict, so an unknown flag or a flag missing
 * its value is a usage error (exit 2), with the command's usage line.
 */
const argsOf = <O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, usage: string) => {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${usage}`);
  }
};
const service = (s: string | undefined) => {
  if (!s || !isServiceName(s)) throw new UsageError(`expected a service: order, escrow, dispute or notification (got ${s ?? 'nothing'})`);
  return serviceModule(s);
};

/** Runs one command; returns the exit code. */
export const runOps = async (ctx: OpsContext, argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  switch (command) {
    case 'timeline': {
      const usage = 'timeline <orderId>';
      const { positionals } = argsOf(rest, {}, usage);
      if (positionals.length !== 1) throw new UsageError(usage);
      printTimeline(ctx, positionals[0]!, await timeline(ctx, positionals[0]!));
      return 0;
    }
    case 'timers': {
      const { values } = argsOf(rest, { overdue: { type: 'boolean' } }, 'timers [--overdue]');
      const overdue = values.overdue === true;
      const r = await timers(ctx, { overdue });
      printTimers(ctx, r, overdue);
      return overdue && r.rows.length ? 1 : 0;
    }
    case 'parked': {
      const older = argsOf(rest, { 'older-than': { type: 'string' } }, 'parked [--older-than <ISO duration>]').values['older-than'];
      if (older !== undefined && !isIsoDuration(older)) throw new UsageError(`--older-than needs an ISO-8601 duration such as PT1H (got ${older})`);
      const olderThanMs = older === undefined ? undefined : durationMs(older);
      const r = await parked(ctx, olderThanMs === undefined ? {} : { olderThanMs });
      printParked(ctx, r);
      return olderThanMs !== undefined && r.rows.length ? 1 : 0;
    }
    case 'verify': {
      argsOf(rest, {}, 'verify');
      const r = await verify(ctx);
      printVerify(ctx, r);
      return r.violations.length ? 1 : 0;
    }
    case 'replay': {
      const m = service(argsOf(rest, {}, 'replay <service>').positionals[0]);
      const results = await replay(ctx, m);
      printReplay(ctx, m.name, results);
      return results.every((r) => r.identical) ? 0 : 1;
    }
    case 'republish': {
      const usage = 'republish <service> --from <position|time> [--to …]';
      const { values, positionals } = argsOf(rest, { from: { type: 'string' }, to: { type: 'string' } }, usage);
      const m = service(positionals[0]);
      if (!values.from) throw new UsageError(usage);
      const r = await republish(ctx, m, parseBound(values.from), values.to ? parseBound(values.to) : undefined);
      ctx.out(
        `republished ${r.sent} ${m.name} event(s)${Object.entries(r.byTopic)
          .map(([t, n]) => `; ${t}: ${n}`)
          .join('')}`,
      );
      return 0;
    }
    case 'reset-offsets': {
      const usage = 'reset-offsets <group> --to earliest|<ISO time>';
      const { values, positionals } = argsOf(rest, { to: { type: 'string' } }, usage);
      const [group] = positionals;
      if (!group || positionals.length !== 1 || !values.to) throw new UsageError(usage);
      for (const t of await resetOffsets(ctx, group, parseResetTarget(values.to)))
        ctx.out(`${group} ${t.topic}: ${t.partitions.map((p) => `p${p.partition}→${p.offset}`).join(' ') || 'no partitions'}`);
      return 0;
    }
    case 'dead-letters': {
      const { positionals } = argsOf(rest, {}, 'dead-letters [<group>]');
      if (positionals.length > 1) throw new UsageError('dead-letters [<group>]');
      printDeadLetters(ctx, await deadLetters(ctx, positionals[0]));
      return 0;
    }
    case 'redrive': {
      const usage = 'redrive <group> --offset <[partition:]offset>… | --all';
      const { values, positionals } = argsOf(rest, { all: { type: 'boolean' }, offset: { type: 'string', multiple: true } }, usage);
      const [group] = positionals;
      const all = values.all === true;
      const offsets = values.offset ?? [];
      const selectors = offsets.map(parseDltSelector).filter((s): s is DltSelector => s !== undefined);
      if (!group || positionals.length !== 1 || all === offsets.length > 0 || selectors.length < offsets.length) throw new UsageError(usage);
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
