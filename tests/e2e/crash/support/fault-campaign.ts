import { randomUUID } from 'node:crypto';
import type { EscrowView, OrderView } from '@bp/client';
import { Topics } from '@bp/contracts';
import { seededRandom } from '@bp/messaging';
import { ServiceNames } from '@bp/runtime';
import pino from 'pino';
import type { OpsContext } from '../../../../system/src/ops/context';
import { verify } from '../../../../system/src/ops/verify';
import { recordResult } from '../../../security/support/results';
import { newLifecycleStats, type Placed, runLifecycle, type Step, type Story } from './lifecycle';
import { type Partner, startPartner } from './partner';
import { orderOnTopics, stuckOrders, stuckReport } from './stuck-report';
import type { ServiceProcesses, Target } from './processes';
import { createStorefront, eventually, type Storefront } from './storefront';

/**
 * A fault campaign over the running system (issue 11, issue 16): storefronts drive `lifecycles`
 * order lifecycles concurrently over HTTP while a seeded loop kill -9s a target `pickTarget` names
 * (`kills` times), keeps it down a random moment and starts it again. Then: 0 events lost (each
 * service's log, the topics as a partner's group reads them), 0 effects applied twice, 0 money
 * created or destroyed (ops verify and the sums), every lifecycle in its expected final state.
 *
 * Stories: 85 % pay, ship, confirm → completed/CONFIRMED, released; 10 % pay, ship and are left to
 * auto-confirm when the clock passes their 15 protection days at the end → completed/AUTO_CONFIRMED,
 * released; 5 % pay and cancel before shipment → closed, refunded in full.
 *
 * A POST /payments cut between its two transactions (payment-crash.e2e.test.ts) leaves the payment
 * `requested`: such a lifecycle parks, and once the faults are over the harness moves the clock by
 * PT2M (escrow's payment_reconcile), which captures it exactly once, and the lifecycle goes on.
 */
export interface Campaign {
  /** Prefix of the progress lines and of the figures line (`faults`, `cluster`). */
  label: string;
  lifecycles: number;
  kills: number;
  /** At least this many kills must hit lifecycles in flight. */
  minKills: number;
  seed: number;
  /** The environment variable that replays `seed` (printed with it). */
  seedVariable: string;
  concurrency: number;
  /** Between one restart and the next kill; how long a killed target stays down (ms). */
  gapMs: [number, number];
  downMs: [number, number];
  /** How long one step of a lifecycle may take. */
  stepMs: number;
  /** Every target the campaign may kill (for the pid history check and the figures). */
  targets: Target[];
  /** The next victim, from the seeded random source. */
  pickTarget(rng: () => number, s: ServiceProcesses): Target | Promise<Target>;
  /** Figures of the campaign's own (consumer stalls…) for the figures line. */
  extraFigures?: () => string | Promise<string>;
  /** More to print when lifecycles got stuck (the campaign's own view, e.g. per-partition offsets). */
  stuckDetail?: () => Promise<string>;
}

export const AMOUNT = 5000;
const story = (i: number): Story => (i % 20 === 7 ? 'cancel' : i % 10 === 4 ? 'auto' : 'confirm');
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => n.toLocaleString('en-US');

/** Runs `fn` over `items` with at most `n` at a time. */
const mapLimit = async <T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const k = next++;
        out[k] = await fn(items[k]!);
      }
    }),
  );
  return out;
};

/** Runs the campaign and asserts its zero counts; on failure the error names the seed and the logs. */
export const runFaultCampaign = async (s: ServiceProcesses, c: Campaign): Promise<void> => {
  const N = c.lifecycles;
  let partner: Partner | undefined;
  const startedAt = Date.now();
  const say = (line: string) => process.stdout.write(`[${c.label} ${((Date.now() - startedAt) / 1000).toFixed(0)}s] ${line}\n`);
  say(
    `seed ${c.seed} (${c.seedVariable}=${c.seed} replays the fault schedule); ${N} lifecycles, ${c.kills} kills, concurrency ${c.concurrency}; Kafka ${s.kafka.kind} ${s.kafka.version ?? ''}; logs in ${s.logDir}`,
  );
  try {
    const shop: Storefront = createStorefront({ urls: s.instanceUrls, secret: s.jwtSecret, deadlineMs: c.stepMs });
    const ops = shop.as('ops', 'ops-faults');
    const stats = newLifecycleStats();
    const progress: Record<Step, number> = { placed: 0, paid: 0, shipped: 0, confirmed: 0, cancelled: 0 };
    let started = 0;
    let done = 0;
    let parked = 0;

    // ---- the faults -------------------------------------------------------------------------
    const rng = seededRandom(c.seed); // a seed replays the schedule of faults
    const between = ([lo, hi]: [number, number]) => lo + Math.floor(rng() * (hi - lo));
    /** `inFlight`: lifecycles running (started, neither done nor parked) when the kill hit. */
    const kills: { target: Target; at: number; inFlight: number; downMs: number; restartMs: number }[] = [];
    let faultsOver = false;
    /** Kills begun: lifecycle i starts once this many shares of the traffic are released. */
    let released = 0;
    const faults = async () => {
      try {
        // Until the traffic is over: lifecycles parked on a requested payment are not traffic.
        for (let k = 0; k < c.kills && done + parked < N; k++) {
          // This kill's share of the traffic starts now, before the gap: it is in flight when the kill
          // lands, however quick the lifecycles (paced by kills done, a quick machine finished each
          // share before the next kill and some kills hit no traffic at all).
          released = k + 1;
          await pause(between(c.gapMs));
          const target = await c.pickTarget(rng, s);
          const downMs = between(c.downMs);
          const at = Date.now() - startedAt;
          const inFlight = started - done - parked;
          await s.kill(target, 'SIGKILL');
          await pause(downMs);
          const t0 = Date.now();
          await s.start(target);
          kills.push({ target, at, inFlight, downMs, restartMs: Date.now() - t0 });
          if (kills.length % 10 === 0) say(`${kills.length} kills; ${progress.placed} placed, ${done} done, ${parked} parked`);
        }
      } finally {
        faultsOver = true;
      }
    };

    // Payments left `requested` park here until the faults are over (see the header).
    let releaseParked!: () => void;
    const parkedGate = new Promise<void>((r) => (releaseParked = r));
    const paymentStuck = async () => {
      parked++;
      try {
        await parkedGate;
      } finally {
        parked--;
      }
    };

    // ---- the traffic ------------------------------------------------------------------------
    // Paced by the faults, so that kills fall across the whole run: lifecycle i starts once
    // enough kills have begun (or the faults are over), the last share with the last kill. (Released
    // a few kills before the end, a quick system finished the traffic before the last kills, which
    // then never came: the cluster run of 2026-12-07 had 12 of its 16 kills, 10 in traffic.)
    const perKill = N / Math.max(1, c.kills);
    let reported = false;
    const lifecycle = async (i: number): Promise<Placed> => {
      await eventually(async () => faultsOver || i < released * perKill + c.concurrency / 2, `lifecycle ${i}'s turn`, 30 * 60_000, 100);
      started++;
      try {
        return await runLifecycle({
          shop,
          i,
          story: story(i),
          amount: AMOUNT,
          stepMs: c.stepMs,
          stats,
          paymentStuck,
          pollMs: 150,
          onStep: (st) => progress[st]++,
        });
      } catch (err) {
        // The first stuck lifecycle: what the relays and consumer groups show right now, while stuck.
        if (!reported) {
          reported = true;
          const message = (err as Error).message.split('\n')[0]!;
          const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(message)?.[0];
          const orderDetail = id ? `\n${await stuckOrders(s, [id])}\n${await orderOnTopics(s, id).catch((e: Error) => `topics: ${e.message}`)}` : '';
          say(`stuck: ${message}; relay and consumer gauges now:\n${await stuckReport(s)}${c.stuckDetail ? `\n${await c.stuckDetail()}` : ''}${orderDetail}`);
        }
        throw err;
      } finally {
        done++;
      }
    };

    const faultRun = faults();
    faultRun.catch(() => {}); // awaited below
    const settled = mapLimit(
      Array.from({ length: N }, (_, i) => i),
      c.concurrency,
      (i) =>
        lifecycle(i).then(
          (p) => ({ ok: true as const, p }),
          (e: Error) => ({ ok: false as const, e }),
        ),
    );
    // Once the faults are over and everything else is done or parked: past the reconcile deadline.
    const reconcile = (async () => {
      await eventually(async () => faultsOver && done + parked >= N, 'every lifecycle is done or parked', 30 * 60_000, 250);
      if (parked > 0) {
        say(`${parked} payment(s) left requested by a cut POST /payments: clock +PT2M for escrow's reconcile`);
        const moved = await ops.post('escrow', '/ops/clock', { advanceBy: 'PT2M' }, randomUUID());
        if (moved.status !== 200) throw new Error(`clock +PT2M: ${moved.status} ${JSON.stringify(moved.body)}`);
      }
      releaseParked();
    })();
    reconcile.catch(() => releaseParked());
    const results = await settled;
    await faultRun;
    await reconcile;
    const failures = results.flatMap((r) => (r.ok ? [] : [r.e.message.split('\n')[0]!]));
    expect(failures).toEqual([]);
    const orders = results.map((r) => (r as { p: Placed }).p);
    say(
      `traffic over: ${orders.length} lifecycles, ${kills.length} kills, ${stats.reconciledPayments} payments reconciled; retries ${JSON.stringify(shop.retries)}`,
    );

    // The faults happened while lifecycles were in flight (the loop stops with the traffic).
    const inTraffic = kills.filter((k) => k.inFlight > 0).length;
    expect(inTraffic).toBeGreaterThanOrEqual(c.minKills);
    const pids = s.history();
    for (const t of c.targets) expect(pids[t]!.length).toBe(1 + kills.filter((k) => k.target === t).length);

    // Protection runs out for the auto-confirm orders (shipped at most minutes after the start).
    const moved = await ops.post('order', '/ops/clock', { advanceBy: 'P15D' }, randomUUID());
    expect(moved.status).toBe(200);

    // ---- every lifecycle in its expected final state --------------------------------------------
    const expected = (o: Placed) => (o.story === 'cancel' ? 'closed/-' : o.story === 'auto' ? 'completed/AUTO_CONFIRMED' : 'completed/CONFIRMED');
    const expectedMoney = (o: Placed) => (o.story === 'cancel' ? { released: 0, refunded: AMOUNT } : { released: AMOUNT, refunded: 0 });
    const stateOf = (v: OrderView | undefined) => (v ? `${v.status}/${v.completionReason ?? '-'}` : 'unknown');
    const views = new Map<string, OrderView>();
    const escrows = new Map<string, EscrowView>();
    const inExpectedState = (o: Placed) => {
      const e = escrows.get(o.orderId);
      const m = expectedMoney(o);
      return (
        stateOf(views.get(o.orderId)) === expected(o) && !!e && e.released.amount === m.released && e.refunded.amount === m.refunded && e.held.amount === 0
      );
    };
    await eventually(
      async () => {
        const pending = orders.filter((o) => !inExpectedState(o));
        await mapLimit(pending, 16, async (o) => {
          const r = await o.buyer.order.GET('/orders/{orderId}', { params: { path: { orderId: o.orderId } } });
          if (r.data) views.set(o.orderId, r.data);
          const e = await o.seller.escrow.GET('/escrows/{orderId}', { params: { path: { orderId: o.orderId } } });
          if (e.data) escrows.set(o.orderId, e.data);
        });
        return orders.every(inExpectedState);
      },
      'every lifecycle is in its expected final state',
      120_000,
      500,
    ).catch(() => undefined);
    const byState: Record<string, number> = {};
    for (const o of orders) byState[stateOf(views.get(o.orderId))] = (byState[stateOf(views.get(o.orderId))] ?? 0) + 1;
    const inState = orders.filter(inExpectedState).length;
    if (inState < orders.length) {
      const stuck = orders.filter((o) => !inExpectedState(o)).map((o) => o.orderId);
      say(
        `not in their final state: ${stuck.length}; gauges now:\n${await stuckReport(s)}${c.stuckDetail ? `\n${await c.stuckDetail()}` : ''}\n${await stuckOrders(s, stuck)}`,
      );
    }

    // ---- events lost, effects applied twice: each service's log ---------------------------------
    const logExpect = (o: Placed): Record<'order' | 'escrow', string[]> => ({
      order: ['OrderPlaced', 'OrderPaid', ...(o.story === 'cancel' ? ['OrderCancelled'] : ['OrderShipped', 'OrderCompleted'])],
      escrow: ['OrderRecorded', 'PaymentCaptured', ...(o.story === 'cancel' ? ['RefundCompleted'] : ['FundsReleased'])],
    });
    const counted = async (schema: 'order' | 'escrow', types: string[]) => {
      const { rows } = await s.pool.query<{ order_id: string; type: string; n: number }>(
        `SELECT data->>'orderId' AS order_id, type, count(*)::int AS n FROM "${schema}".events WHERE type = ANY($1::text[]) GROUP BY 1, 2`,
        [types],
      );
      return new Map(rows.map((r) => [`${r.order_id} ${r.type}`, r.n]));
    };
    const orderLog = await counted('order', ['OrderPlaced', 'OrderPaid', 'OrderShipped', 'OrderCompleted', 'OrderCancelled', 'OrderClosed']);
    const escrowLog = await counted('escrow', ['OrderRecorded', 'PaymentCaptured', 'PaymentReturned', 'FundsReleased', 'RefundRequested', 'RefundCompleted']);
    const lost: string[] = [];
    const twice: string[] = [];
    const unexpected: string[] = [];
    const checkLog = (name: string, log: Map<string, number>, want: (o: Placed) => string[]) => {
      const wanted = new Set<string>();
      for (const o of orders) {
        for (const type of want(o)) {
          const k = `${o.orderId} ${type}`;
          wanted.add(k);
          const n = log.get(k) ?? 0;
          if (n === 0) lost.push(`${name} log: ${k}`);
          if (n > 1) twice.push(`${name} log: ${k} ×${n}`);
        }
      }
      for (const [k, n] of log) if (!wanted.has(k)) unexpected.push(`${name} log: ${k} ×${n}`);
    };
    checkLog('order', orderLog, (o) => logExpect(o).order);
    checkLog('escrow', escrowLog, (o) => [...logExpect(o).escrow, ...(o.story === 'cancel' ? ['RefundRequested'] : [])]);

    // Escrow's ledger: one capture per order, one release or one refund.
    const { rows: entryRows } = await s.pool.query<{ order_id: string; reason: string; n: number; amount: string }>(
      `SELECT order_id, reason, count(*)::int AS n, sum(amount)::text AS amount FROM escrow.ledger_entries GROUP BY 1, 2`,
    );
    const entries = new Map(entryRows.map((r) => [`${r.order_id} ${r.reason}`, r]));
    const entryReasons = [...new Set(entryRows.map((r) => r.reason))].sort();

    // ---- the topics, as a partner's own consumer group reads them from the beginning -------------
    partner = await startPartner({ brokers: s.brokers, topics: [Topics.orders, Topics.escrow], groupId: `partner-faults-${randomUUID().slice(0, 8)}` });
    const topicWant = (o: Placed): [string, string][] => [
      [Topics.orders, 'OrderPlaced'],
      [Topics.orders, 'OrderPaid'],
      ...(o.story === 'cancel'
        ? ([
            [Topics.orders, 'OrderCancelled'],
            [Topics.escrow, 'RefundCompleted'],
          ] as [string, string][])
        : ([
            [Topics.orders, 'OrderShipped'],
            [Topics.orders, 'OrderCompleted'],
            [Topics.escrow, 'FundsReleased'],
          ] as [string, string][])),
      [Topics.escrow, 'PaymentCaptured'],
    ];
    const wantedOnTopics = orders.reduce((n, o) => n + topicWant(o).length, 0);
    const seen = () => {
      const ids = new Map<string, Set<string>>();
      for (const e of partner!.events()) {
        const k = `${e.topic} ${e.subject} ${e.type}`;
        let set = ids.get(k);
        if (!set) ids.set(k, (set = new Set()));
        set.add(e.id);
      }
      return ids;
    };
    const wantedKeys = orders.flatMap((o) => topicWant(o).map(([t, type]) => `${t} ${o.orderId} ${type}`));
    await eventually(async () => wantedKeys.every((k) => seen().has(k)), 'the partner read every expected event', 60_000, 500).catch(() => undefined);
    const onTopics = seen();
    for (const k of wantedKeys) {
      const n = onTopics.get(k)?.size ?? 0;
      if (n === 0) lost.push(`topic: ${k}`);
      if (n > 1) twice.push(`topic: ${k} with ${n} distinct ce_ids`);
    }

    for (const o of orders) {
      const capture = entries.get(`${o.orderId} capture`);
      if (!capture) lost.push(`ledger: ${o.orderId} capture`);
      else if (capture.n !== 1 || Number(capture.amount) !== AMOUNT) twice.push(`ledger: ${o.orderId} capture ×${capture.n} (${capture.amount})`);
      const settledEntries = entryRows.filter((r) => r.order_id === o.orderId && r.reason !== 'capture');
      const settledAmount = settledEntries.reduce((n, r) => n + Number(r.amount), 0);
      if (settledAmount > AMOUNT)
        twice.push(`ledger: ${o.orderId} ${settledEntries.map((r) => `${r.reason}×${r.n}`).join(' ')} moves ${settledAmount} > ${AMOUNT}`);
    }

    // ---- money: escrow's conservation check through ops verify, and the sums over every order ----
    const ctx: OpsContext = {
      pool: s.pool,
      env: { JWT_SECRET: s.jwtSecret },
      schemas: Object.fromEntries(ServiceNames.map((n) => [n, n])) as OpsContext['schemas'],
      clockSchema: 'sim_clock',
      serviceUrls: s.urls,
      logger: pino({ level: 'silent' }),
      out: () => {},
    };
    const report = await verify(ctx);
    const sums = { captured: 0, held: 0, released: 0, refunded: 0 };
    for (const o of orders) {
      const e = escrows.get(o.orderId);
      if (!e) continue;
      sums.captured += e.captured.amount;
      sums.held += e.held.amount;
      sums.released += e.released.amount;
      sums.refunded += e.refunded.amount;
    }
    const moneyViolations = [
      ...report.violations,
      ...(sums.captured === sums.released + sums.refunded + sums.held
        ? []
        : [`captured ${sums.captured} ≠ released ${sums.released} + refunded ${sums.refunded} + held ${sums.held}`]),
      ...(sums.captured === N * AMOUNT ? [] : [`captured ${sums.captured}, expected ${N * AMOUNT}`]),
    ];

    // ---- the figures ----------------------------------------------------------------------------
    const byTarget = (t: Target) => kills.filter((k) => k.target === t).length;
    const restart = (ts: Target[]) => {
      const ms = kills
        .filter((k) => ts.includes(k.target))
        .map((k) => k.restartMs)
        .sort((a, b) => a - b);
      return ms.length ? `${(ms[Math.floor(ms.length / 2)]! / 1000).toFixed(1)}s` : '-';
    };
    const minutes = ((Date.now() - startedAt) / 60_000).toFixed(1);
    say(
      `kills that hit lifecycles in flight: ${inTraffic}/${kills.length} (median ${[...kills].sort((a, b) => a.inFlight - b.inFlight)[Math.floor(kills.length / 2)]?.inFlight} in flight)`,
    );
    const line =
      `${c.label}: ${fmt(N)} lifecycles, ${kills.length} kills (${c.targets.map((t) => `${t} ${byTarget(t)}`).join(', ')}), ` +
      `${lost.length} lost, ${twice.length} duplicated, ${moneyViolations.length} money violations, ${fmt(inState)}/${fmt(N)} in expected state ` +
      `(${c.extraFigures ? `${await c.extraFigures()}; ` : ''}Kafka ${s.kafka.kind} ${s.kafka.version ?? ''}, seed ${c.seed}, ${minutes} min)`;
    say(
      `final states: ${JSON.stringify(byState)}; ledger reasons ${entryReasons.join(',')}; verify counts ${JSON.stringify(report.counts)}; ledger ${JSON.stringify('error' in report.ledger ? report.ledger : { ordersChecked: report.ledger.ordersChecked, violations: report.ledger.violations.length })}`,
    );
    say(
      `money: ${JSON.stringify(sums)}; median restart (services ${restart(s.instances)}, ${[...s.kafka.nodes, 'postgres'].map((t) => `${t} ${restart([t as Target])}`).join(', ')}); payments reconciled ${stats.reconciledPayments}, in-flight keys ${stats.inFlight}, repeats already done ${stats.alreadyDone}; on topics ${wantedOnTopics} expected`,
    );
    say(line);
    recordResult(line);

    expect(lost.slice(0, 20)).toEqual([]);
    expect(twice.slice(0, 20)).toEqual([]);
    expect(unexpected.slice(0, 20)).toEqual([]);
    expect(moneyViolations.slice(0, 20)).toEqual([]);
    expect('error' in report.ledger ? report.ledger : report.ledger.ordersChecked).toBe(N);
    expect(
      orders
        .filter((o) => !inExpectedState(o))
        .slice(0, 10)
        .map((o) => `${o.orderId} ${o.story}: ${stateOf(views.get(o.orderId))}`),
    ).toEqual([]);
    expect(inState).toBe(N);
  } catch (err) {
    const logs = c.targets.map((n) => `--- ${n} (pids ${(s.history()[n] ?? []).join(', ')}) ---\n${s.instances.includes(n) ? s.tail(n, 12) : ''}`).join('\n');
    (err as Error).message += `\n\nseed ${c.seed}; logs kept in ${s.logDir}:\n${logs}`;
    throw err;
  } finally {
    await partner?.stop();
  }
};
