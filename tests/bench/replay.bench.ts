/**
 * Replay (`ops replay <service>`) speed: every read model of each service rebuilt from its log, the
 * old event-by-event path and the batch path side by side, on the same log, in the same run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --require ./tools/swc-register.js tests/bench/replay.bench.ts
 *
 * Seeding (fast path): a few lifecycles per service are run through the services' own deciders (the
 * domain test fixtures), then cloned with their ids suffixed, WINDOW lifecycles interleaved step by
 * step, and bulk-inserted into a scratch schema's log (events encoded by the service's registry, one
 * transaction per chunk). Rebuild = rebuildProjections (every projection of the service at once,
 * as `ops replay` runs them; decode/upcast included). After each path the read models' checksums are taken: both paths must give the same
 * rows, or the bench fails.
 *
 * Env: BENCH_EVENTS (events per service, default 100000), BENCH_SERVICES (comma list, default all),
 * BENCH_OLD (0 skips the event-by-event path), BENCH_KEEP (1 keeps the scratch schemas, for profiling).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { systemActor, type EventRegistry } from '@bp/contracts';
import { type DomainEvent, type Projection, createEventStore, prepareEvents, rebuildProjections } from '@bp/eventstore';
import type { ServiceContext, ServiceModule } from '@bp/runtime';
import { makePolicy } from '@bp/timers';
import { Pool } from 'pg';
import { disputeService } from '../../services/dispute/src/service';
import { disputeDecider, disputeStreamId, type DisputeCommand } from '../../services/dispute/src/domain/dispute';
import { escrowService } from '../../services/escrow/src/service';
import { escrowStream } from '../../services/escrow/src/app/streams';
import { notificationService } from '../../services/notification/src/service';
import { Streams } from '../../services/notification/src/app/streams';
import { noticeDecider } from '../../services/notification/src/domain/notices/lifecycle';
import { decideSubscription, evolveSubscription, initialSubscriptionState } from '../../services/notification/src/domain/webhooks/subscription';
import { decideDelivery, evolveDelivery, initialDeliveryState } from '../../services/notification/src/domain/webhooks/delivery';
import { orderService } from '../../services/order/src/service';
import { orderStream } from '../../services/order/src/app/streams';
import * as O from '../../services/order/test/domain/fixtures';
import * as E from '../../services/escrow/test/domain/fixtures';
import * as D from '../../services/dispute/test/domain/fixtures';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const SERVICES = (process.env.BENCH_SERVICES ?? 'order,escrow,dispute,notification').split(',');
const OLD = process.env.BENCH_OLD !== '0';
const WINDOW = 100;
const CHUNK = 5000;
const log = (line: string) => process.stdout.write(`${line}\n`);

type Stream = { streamId: string; events: DomainEvent[] };
type Template = { streams: Stream[]; tokens: string[] };

/** Runs commands through a decider. */
const run = <C, Ev extends DomainEvent, S>(d: { decide: (c: C, s: S) => Ev[]; evolve: (s: S, e: Ev) => S; initialState: S }, commands: C[]): Ev[] => {
  let s = d.initialState;
  const out: Ev[] = [];
  for (const c of commands) {
    const produced = d.decide(c, s);
    s = produced.reduce(d.evolve, s);
    out.push(...produced);
  }
  return out;
};

const orderTemplates = (): Template[] => {
  const stream = (events: DomainEvent[]) => ({
    streams: [{ streamId: orderStream(O.ORDER), events }],
    tokens: ['order-1', 'buyer-1', 'seller-1', 'pay-1', 'd-1', 'ext-1'],
  });
  return [
    stream(O.history(O.place(), O.pay(), O.ship(), O.confirm())),
    stream(O.history(O.place(), O.pay(), O.ship(), O.deliver(), O.confirm(O.at(12)))),
    stream(O.history(O.place(), O.cancel())),
    stream(O.history(O.place(), O.pay(), O.ship(), O.disputeOpened(), O.disputeWithdrawn(), O.confirm(O.at(21)))),
    stream(O.history(O.place(), O.pay(), O.ship(), O.requestExt(), O.approveExt(), O.confirm(O.at(12)))),
  ];
};

const escrowTemplates = (): Template[] => {
  const stream = (events: DomainEvent[]) => ({
    streams: [{ streamId: escrowStream(E.ORDER), events }],
    tokens: ['ord-1', 'buy-1', 'sel-1', 'pay-1', 'cap-1', 'd-1'],
  });
  const refunded = E.run([E.placed(10_000, 250), E.capture(), E.cancelled('ev-ord-1-cancel')]);
  const refundId = Object.keys((refunded.state as { refunds: Record<string, unknown> }).refunds)[0]!;
  const failAndComplete = E.run(
    [
      E.cmd('FailRefundAttempt', { orderId: E.ORDER, refundId, attempt: 1, error: 'provider 503' }, E.at(1)),
      E.cmd('CompleteRefund', { orderId: E.ORDER, refundId, providerRef: 'cap-1-refund' }, E.at(3)),
    ],
    refunded.state,
  ).events;
  return [
    stream(E.history(E.placed(10_000, 250), E.capture(), E.completed('ev-ord-1-complete'))),
    stream(E.history(E.placed(10_000, 250), E.capture(), E.completed('ev-ord-1-complete'))),
    stream([...refunded.events, ...failAndComplete]),
    stream(
      E.history(E.placed(10_000, 250), E.capture(), E.settled('d-1', 3000, true, 0, 'ev-ord-1-settle'), E.completed('ev-ord-1-complete', 'DISPUTE_SETTLED')),
    ),
  ];
};

const disputeTemplates = (): Template[] => {
  const tokens = ['d-1', 'order-1', 'buyer-1', 'seller-1', 'ev-img', 'sub-1'];
  const evidence: DomainEvent = {
    type: 'EvidenceUploaded',
    data: {
      evidenceId: 'ev-img',
      sha256: 'a'.repeat(64),
      contentType: 'image/png',
      size: 1000,
      uploadedBy: D.buyer,
      uploadedAt: D.day(7),
      submissionId: 'sub-1',
    },
  };
  const dispute = (events: DomainEvent[]) => ({
    streams: [
      { streamId: 'evidence-d-1', events: [evidence] },
      { streamId: disputeStreamId('d-1'), events },
    ],
    tokens,
  });
  const cmd = D.cmd;
  return [
    dispute(D.opened()),
    dispute(D.countered()),
    dispute(D.escalatedAt()),
    dispute(
      D.history(
        D.open(),
        cmd('CounterPropose', { solution: { type: 'REFUND_ONLY', refund: D.usd(2000) }, message: 'half?', evidence: [] }, D.seller, D.day(8)),
        cmd('Escalate', {}, D.buyer, D.day(10)) as DisputeCommand,
      ),
    ),
  ];
};

const notificationTemplates = (): Template[] => {
  const policy = makePolicy().notifications;
  const partner = { role: 'partner' as const, id: 'partner-1' };
  const sys = systemActor('bench');
  const t = (m: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + m * 60_000).toISOString();
  const notice = (kind: string, recipientId: string, read: boolean): Stream => ({
    streamId: Streams.notice(`n-${kind}-${recipientId}-o-1`),
    events: run(
      noticeDecider as never,
      [
        {
          type: 'RequestNotice',
          data: {
            kind,
            recipientId,
            orderId: 'o-1',
            vars: { orderId: 'o-1', amount: { amount: 12_345, currency: 'USD' } },
            noticeId: `n-${kind}-${recipientId}-o-1`,
            sourceEventId: randomUUID(),
            channels: ['in_app', 'email'],
          },
          meta: { now: t(0), actor: sys },
        },
        { type: 'RecordDelivery', data: { noticeId: `n-${kind}-${recipientId}-o-1`, channel: 'email' }, meta: { now: t(1), actor: sys } },
        ...(read
          ? [{ type: 'MarkRead', data: { noticeId: `n-${kind}-${recipientId}-o-1` }, meta: { now: t(30), actor: { role: 'buyer', id: recipientId } } }]
          : []),
      ] as never,
    ),
  });
  const delivery = (ok: boolean[]): Stream => ({
    streamId: Streams.delivery('del-o-1'),
    events: run({ decide: (c: never, s: never) => decideDelivery(c, s, policy), evolve: evolveDelivery, initialState: initialDeliveryState } as never, [
      {
        type: 'ScheduleDelivery',
        data: { deliveryId: 'del-o-1', subscriptionId: 'sub-1', eventId: randomUUID(), ceType: 'marketplace.order.completed.v1', body: '{"orderId":"o-1"}' },
        meta: { now: t(0), actor: sys },
      },
      ...ok.map((o, i) => ({
        type: 'RecordAttempt',
        data: { deliveryId: 'del-o-1', ok: o, status: o ? 200 : 503, error: o ? null : 'HTTP 503' },
        meta: { now: t(i + 1), actor: sys },
      })),
    ]),
  });
  const subscription: Stream = {
    streamId: Streams.subscription('sub-1'),
    events: run({ decide: decideSubscription, evolve: evolveSubscription, initialState: initialSubscriptionState } as never, [
      {
        type: 'Subscribe',
        data: { subscriptionId: 'sub-1', secret: 'whsec_bench', url: 'https://partner.example/hooks', eventTypes: ['marketplace.order.completed.v1'] },
        meta: { now: t(0), actor: partner },
      },
      { type: 'NoteDeliveryOutcome', data: { subscriptionId: 'sub-1', ok: false, pauseAfter: 10 }, meta: { now: t(1), actor: sys } },
      { type: 'NoteDeliveryOutcome', data: { subscriptionId: 'sub-1', ok: true, pauseAfter: 10 }, meta: { now: t(2), actor: sys } },
    ]),
  };
  const tokens = ['o-1', 'buyer-1', 'seller-1', 'sub-1', 'partner-1'];
  return [
    { streams: [notice('order_placed', 'buyer-1', true), notice('order_placed', 'seller-1', false), notice('order_paid', 'seller-1', true)], tokens },
    { streams: [notice('order_shipped', 'buyer-1', true), notice('funds_released', 'seller-1', false)], tokens },
    { streams: [subscription, delivery([true]), notice('order_completed', 'buyer-1', false)], tokens },
    { streams: [delivery([false, true]), notice('dispute_opened', 'seller-1', true)], tokens },
  ];
};

/** The template with every id suffixed by `~k`, so clones never share a key. */
const cloneOf = (tpl: Template, k: number): Stream[] => {
  const re = new RegExp(`(?<![A-Za-z0-9])(${tpl.tokens.map((s) => s.replace(/[-]/g, '\\-')).join('|')})(?![0-9])`, 'g');
  return JSON.parse(JSON.stringify(tpl.streams).replace(re, `$1~${k}`)) as Stream[];
};

/** Bulk-writes the log: lifecycles interleaved step by step within windows, CHUNK events per transaction. */
const seed = async (pool: Pool, schema: string, registry: EventRegistry, templates: Template[]): Promise<number> => {
  type Row = { stream_id: string; stream_version: number; id: string; type: string; v: number; data: unknown; at: string };
  const perLifecycle = templates.reduce((n, t) => n + t.streams.reduce((m, s) => m + s.events.length, 0), 0) / templates.length;
  const lifecycles = Math.ceil(EVENTS / perLifecycle);
  const meta = JSON.stringify({ correlationId: randomUUID(), causationId: null, actor: systemActor('bench') });
  let pending: Row[] = [];
  let written = 0;
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const flush = async () => {
    if (!pending.length) return;
    await pool.query(
      `INSERT INTO "${schema}".events (stream_id, stream_version, event_id, type, schema_version, data, metadata, occurred_at)
       SELECT r->>'stream_id', (r->>'stream_version')::int, (r->>'id')::uuid, r->>'type', (r->>'v')::int, r->'data', $2::jsonb, (r->>'at')::timestamptz
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(r, ord) ORDER BY ord`,
      [JSON.stringify(pending), meta],
    );
    written += pending.length;
    pending = [];
  };
  for (let w = 0; w < lifecycles; w += WINDOW) {
    // One window: each lifecycle's streams, then step i of every stream before step i + 1.
    const streams = Array.from({ length: Math.min(WINDOW, lifecycles - w) }, (_, j) => cloneOf(templates[(w + j) % templates.length]!, w + j)).flat();
    const prepared = streams.map((s) => prepareEvents(registry, s.events));
    const steps = Math.max(...prepared.map((p) => p.length));
    for (let i = 0; i < steps; i++)
      for (let j = 0; j < streams.length; j++) {
        const e = prepared[j]![i];
        if (e)
          pending.push({
            stream_id: streams[j]!.streamId,
            stream_version: i + 1,
            id: e.id,
            type: e.type,
            v: e.v,
            data: e.data,
            at: new Date((clock += 7)).toISOString(),
          });
      }
    if (pending.length >= CHUNK) await flush();
  }
  await flush();
  return written;
};

const checksums = async (pool: Pool, schema: string): Promise<string> => {
  const { rows } = await pool.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT IN ('events', 'eventstore_migrations', 'checkpoints', 'inbox') ORDER BY 1`,
    [schema],
  );
  const out: string[] = [];
  for (const { t } of rows) {
    const r = await pool.query<{ n: number; md5: string }>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS md5 FROM (SELECT md5(x::text) AS h FROM "${schema}".${t} x) y`,
    );
    if (r.rows[0]!.n) out.push(`${t}=${r.rows[0]!.n}:${r.rows[0]!.md5.slice(0, 8)}`);
  }
  return out.join(' ');
};

const rebuildAll = async (store: ReturnType<typeof createEventStore>, projections: readonly Projection[], perEvent: boolean) => {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  // The old path also re-validates every event (as before decodeStored): IDENTICAL rows then show
  // that trusting the log's current-version events changes nothing.
  const events = (await rebuildProjections(store, projections, { perEvent, validate: perEvent })).reduce((n, p) => n + p.events, 0);
  const used = process.cpuUsage(cpu);
  // Node's own CPU over the wall time: the rest is PostgreSQL (reading the log, writing the rows) and waiting.
  return { events, seconds: Number(process.hrtime.bigint() - started) / 1e9, nodeCpuSeconds: (used.user + used.system) / 1e6 };
};

const services: Record<string, { module: ServiceModule; templates: () => Template[] }> = {
  order: { module: orderService, templates: orderTemplates },
  escrow: { module: escrowService, templates: escrowTemplates },
  dispute: { module: disputeService, templates: disputeTemplates },
  notification: { module: notificationService, templates: notificationTemplates },
};

const main = async () => {
  const pool = new Pool({ connectionString: url, max: 4 });
  const results: string[] = [];
  let failed = 0;
  try {
    for (const name of SERVICES) {
      const { module, templates } = services[name]!;
      const schema = `bench_replay_${name}_${randomBytes(3).toString('hex')}`;
      const store = createEventStore({ pool, schema, registry: module.registry });
      try {
        await store.migrate();
        const projections = module.projections?.({ schema } as ServiceContext) ?? [];
        for (const p of projections) await p.migrate(pool);
        const t0 = Date.now();
        const logged = await seed(pool, schema, module.registry, templates());
        await pool.query(`VACUUM ANALYZE "${schema}".events`);
        log(`${name}: seeded ${logged} events in ${((Date.now() - t0) / 1000).toFixed(1)} s; projections ${projections.map((p) => p.name).join(', ')}`);
        const old = OLD ? await rebuildAll(store, projections, true) : undefined;
        const oldSums = old ? await checksums(pool, schema) : undefined;
        const neu = await rebuildAll(store, projections, false);
        const newSums = await checksums(pool, schema);
        const same = oldSums === undefined || oldSums === newSums;
        if (!same) failed++;
        const rate = (r: { events: number; seconds: number }) => Math.round(r.events / r.seconds).toLocaleString('en-US');
        const line = `${name.padEnd(13)} log ${logged}  replayed ${neu.events}  old ${old ? `${old.seconds.toFixed(2)} s = ${rate(old)} events/s` : 'skipped'}  new ${neu.seconds.toFixed(2)} s = ${rate(neu)} events/s (node CPU ${neu.nodeCpuSeconds.toFixed(2)} s)${old ? `  (${(old.seconds / neu.seconds).toFixed(1)}×)` : ''}  rows ${same ? 'IDENTICAL' : 'DIFFERENT'}`;
        log(line);
        log(`  ${newSums}`);
        if (!same) log(`  old: ${oldSums}`);
        results.push(line);
      } finally {
        if (process.env.BENCH_KEEP === '1') log(`  kept schema ${schema}`);
        else await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }
    }
  } finally {
    await pool.end();
  }
  log('\nreplay, events/s (all projections of the service; an event handled by two counts twice):');
  for (const r of results) log(`  ${r}`);
  if (failed) {
    log(`${failed} service(s) rebuilt different rows on the two paths`);
    process.exitCode = 1;
  }
};

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
