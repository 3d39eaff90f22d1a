import { runOps, type OpsContext } from '@bp/system';
import { ServiceNames } from '@bp/runtime';
import pino from 'pino';
import { recordResult } from '../security/support/results';
import { act, balances, confirmReceipt, expectStatus, openDispute, parties, partnerSaw, shippedOrder, usd } from './support/story';
import { JWT_SECRET, useSystem } from './support/system';

/**
 * Issue 9, "What must be shown": replay of EVERY service reproduces its read models exactly. The
 * four real services run stories that touch every read model (orders, escrows, ledger, refund queue,
 * disputes, thread, notices), then `npm run ops -- replay <service>` rebuilds each one from its log
 * and compares the checksum of every table before and after. `verify` and `timeline` run on the same
 * deployment. Checksums are printed (BP_RESULTS_FILE=<path> collects them too).
 */
describe('ops against the running system: replay, verify, timeline (issue 9)', () => {
  const sys = useSystem();
  let ctx: OpsContext;
  const lines: string[] = [];
  const ops = async (...argv: string[]) => {
    lines.length = 0;
    const code = await runOps(ctx, argv);
    return { code, out: [...lines] };
  };

  beforeAll(() => {
    ctx = {
      // Closed with the test database when the system stops.
      pool: sys.db.newPool({ max: 4 }),
      env: { DATABASE_URL: sys.db.url, KAFKA_BROKERS: sys.kafka.brokers.join(','), JWT_SECRET },
      schemas: sys.schemas,
      clockSchema: sys.clockSchema,
      serviceUrls: sys.urls as Record<string, string>,
      logger: pino({ level: 'silent' }),
      out: (l) => lines.push(l),
    };
  });

  it('after confirmed, ruled, appealed and returned orders, every service replays to identical read models (checksums)', async () => {
    // A confirmed order (O6, E3): orders list, escrow, ledger, notices.
    const happy = parties(sys);
    const confirmed = await shippedOrder(sys, happy);
    expectStatus(await confirmReceipt(happy.buyer, confirmed), 200, 'confirm');
    await sys.settle();

    // A partial-refund ruling overturned on appeal (D6, D8, R7, E5): dispute summaries and thread, refunds, seller debit.
    const appeal = parties(sys);
    const appealed = await shippedOrder(sys, appeal);
    await sys.advance('P6D');
    const { disputeId } = await openDispute(sys, appeal, appealed);
    await act(sys, appeal.seller, disputeId, 'counter-proposals', { solution: { type: 'REFUND_ONLY', refund: usd(1000) }, message: 'Half?', evidenceIds: [] });
    await sys.advance('P3D');
    await act(sys, appeal.buyer, disputeId, 'escalate');
    await sys.advance('P5D');
    await act(sys, appeal.agent, disputeId, 'ruling', { refund: usd(1500), returnRequired: false, note: 'Partial.' });
    await act(sys, appeal.buyer, disputeId, 'appeal', { reason: 'RESOLUTION_NOT_ACCEPTED', subReasons: [], statement: 'Never arrived.', evidenceIds: [] });
    await act(sys, appeal.agent, disputeId, 'appeal/decision', { decision: 'OVERTURN', refund: usd(5000), note: 'Overturned.' });
    await partnerSaw(sys, appealed, 'marketplace.escrow.seller-debited.v1');
    expect(await balances(appeal.buyer, appealed)).toMatchObject({ refunded: 5000, held: 0 });

    // A return still in transit (R1): an open dispute and a pending deadline in the replayed state.
    const ret = parties(sys);
    const returning = await shippedOrder(sys, ret);
    await sys.advance('P6D');
    const opened = await openDispute(sys, ret, returning, { goodsReceived: true, reason: 'NOT_AS_DESCRIBED', type: 'RETURN_AND_REFUND' });
    await act(sys, ret.seller, opened.disputeId, 'accept');
    await act(sys, ret.buyer, opened.disputeId, 'return-shipment', { carrier: 'USPS', trackingNumber: 'RET-OPS' });
    await sys.settle();

    const printed: string[] = [];
    for (const service of ServiceNames) {
      const { code, out } = await ops('replay', service);
      printed.push(...out);
      expect(out.filter((l) => l.includes('DIFFERENT'))).toEqual([]);
      expect(code).toBe(0);
      // Every projection of the service replayed at least one event: the check had something to compare.
      const replayed = out.filter((l) => / replayed \d+ events/.test(l));
      expect(replayed.length).toBeGreaterThan(0);
      expect(replayed.some((l) => !/ replayed 0 events/.test(l))).toBe(true);
    }
    const tables = printed.filter((l) => l.includes(' before '));
    // Non-empty tables in every service, each with the same md5 before and after.
    for (const service of ServiceNames) expect(tables.some((l) => l.includes(`${sys.schemas[service]}.`) && !/\(0 rows\)/.test(l))).toBe(true);
    for (const l of tables) {
      const [, before, after] = /before (\w+) .* after (\w+)/.exec(l)!;
      expect(after).toBe(before);
    }
    process.stdout.write(`ops replay of every service:\n${printed.join('\n')}\n`);
    recordResult(`ops-replay services=${ServiceNames.length} tables=${tables.length} identical=${tables.length}`);

    // verify: the ledger balances and the services agree (every completion released, every refund refunded).
    const verified = await ops('verify');
    expect(verified.out).toContain('OK: no violations');
    expect(verified.code).toBe(0);

    // timeline: one order's events from all four services, in time order.
    const { code, out } = await ops('timeline', appealed);
    expect(code).toBe(0);
    const services = new Set(out.slice(1).map((l) => l.split(/\s+/)[1]));
    expect([...services].sort()).toEqual([...ServiceNames].sort());
  }, 120_000);
});
