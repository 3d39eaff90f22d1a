/**
 * GET /ledger/verify is one SQL statement (projections/ledger-verify.ts) that must report what the
 * domain's `verifyConservation` (E1, E2, E3, R6) reports, over every order at once. Differential
 * property: random ledgers, sound and broken (wrong flows, amounts <= 0, holds going negative,
 * refunds above the capture, unbacked exposures, write-offs recovered twice, money left in a settled
 * order, two releases, two currencies), written to the read-model tables, checked both ways.
 */
import fc from 'fast-check';
import { testDatabase, type TestDatabase } from '@bp/testing';
import { ACCOUNTS, POSTING_REASONS, REASON_FLOWS, verifyConservation, type Posting } from '../src/domain';
import { escrowsProjection, ledgerEntriesProjection, verifyLedger } from '../src/projections';

const RUNS = Number(process.env.FC_RUNS_SQL ?? 100);

interface Ledger {
  orderId: string;
  postings: Posting[];
  settled: boolean;
  releases: number;
}

const posting = fc.record({
  reason: fc.constantFrom(...POSTING_REASONS),
  wrongFlow: fc.integer({ min: 0, max: 19 }).map((x) => x === 0),
  debit: fc.constantFrom(...ACCOUNTS),
  credit: fc.constantFrom(...ACCOUNTS),
  amount: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 6_000 }) }, { weight: 1, arbitrary: fc.integer({ min: -50, max: 0 }) }),
  eur: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
});

const ledger = (orderId: string) =>
  fc
    .record({
      captured: fc.boolean(),
      rest: fc.array(posting, { maxLength: 8 }),
      settled: fc.boolean(),
      releases: fc.constantFrom(0, 1, 1, 2),
    })
    .map(({ captured, rest, settled, releases }): Ledger => {
      const at = '2030-01-01T00:00:00.000Z';
      const first: Posting[] = captured
        ? [{ entryId: `${orderId}:c`, debit: 'buyer_payment', credit: 'order_hold', amount: 10_000, currency: 'USD', reason: 'capture', at }]
        : [];
      const postings = rest.map((p, i): Posting => {
        const [debit, credit] = p.wrongFlow ? [p.debit, p.credit] : REASON_FLOWS[p.reason];
        return { entryId: `${orderId}:${i}`, debit, credit, amount: p.amount, currency: p.eur ? 'EUR' : 'USD', reason: p.reason, at };
      });
      return { orderId, postings: [...first, ...postings], settled, releases };
    });

const ledgers = fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ledger(`o${i}`))));

// NOT_CONSERVED (settled) is hold + exposure != 0, which the SQL reports as SETTLED_BUT_HELD /
// SETTLED_BUT_EXPOSED; NOT_BALANCED and DUPLICATE_ENTRY cannot happen in rows keyed by entry id.
const SQL_ONLY_IMPLIED = new Set(['NOT_CONSERVED', 'NOT_BALANCED', 'DUPLICATE_ENTRY']);
const key = (v: { orderId: string; rule: string; code: string }) => `${v.orderId} ${v.rule} ${v.code}`;

describe('GET /ledger/verify SQL = the domain check (E1, E2, E3, R6)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase('ledger_verify');
    await ledgerEntriesProjection(db.schema).migrate(db.pool);
    await escrowsProjection(db.schema).migrate(db.pool);
  });
  afterAll(async () => db?.close());

  it('E2: reports exactly the violations verifyConservation finds, per order, on sound and broken ledgers', async () => {
    const seen = new Map<string, number>();
    let clean = 0;
    await fc.assert(
      fc.asyncProperty(ledgers, async (orders) => {
        const s = `"${db.schema}"`;
        await db.pool.query(`TRUNCATE ${s}.ledger_entries, ${s}.escrows`);
        const escrows = orders.map((o) => ({ order_id: o.orderId, status: o.settled ? 'completed' : 'paid', settled: o.settled, releases: o.releases }));
        const entries = orders.flatMap((o) =>
          o.postings.map((p, seq) => ({
            entry_id: p.entryId,
            order_id: o.orderId,
            seq,
            debit: p.debit,
            credit: p.credit,
            amount: p.amount,
            currency: p.currency,
            reason: p.reason,
            at: p.at,
          })),
        );
        await db.pool.query(
          `INSERT INTO ${s}.escrows (order_id, buyer_id, seller_id, status, settled, releases, version, state)
           SELECT order_id, 'b', 's', status, settled, releases, 1, '{}'::jsonb
           FROM jsonb_to_recordset($1::jsonb) AS r(order_id text, status text, settled boolean, releases int)`,
          [JSON.stringify(escrows)],
        );
        await db.pool.query(
          `INSERT INTO ${s}.ledger_entries (entry_id, order_id, seller_id, seq, debit, credit, amount, currency, reason, at)
           SELECT entry_id, order_id, 's', seq, debit, credit, amount, currency, reason, at
           FROM jsonb_to_recordset($1::jsonb) AS r(entry_id text, order_id text, seq bigint, debit text, credit text, amount bigint, currency text, reason text, at timestamptz)`,
          [JSON.stringify(entries)],
        );
        const report = await verifyLedger(db.pool, db.schema);
        expect(report.ordersChecked).toBe(orders.length);
        const expected = orders.flatMap((o) => verifyConservation(o));
        const fromSql = new Set(report.violations.map(key));
        const fromDomain = new Set(expected.filter((v) => !SQL_ONLY_IMPLIED.has(v.code)).map(key));
        expect([...fromSql].sort()).toEqual([...fromDomain].sort());
        for (const v of expected.filter((x) => x.code === 'NOT_CONSERVED')) {
          expect(report.violations.some((x) => x.orderId === v.orderId && x.code.startsWith('SETTLED_BUT_'))).toBe(true);
        }
        for (const k of fromSql) seen.set(k.split(' ')[2]!, (seen.get(k.split(' ')[2]!) ?? 0) + 1);
        clean += orders.filter((o) => !report.violations.some((v) => v.orderId === o.orderId)).length;
      }),
      { numRuns: RUNS },
    );
    // the runs exercised every check of the statement, and sound orders too
    expect([...seen.keys()].sort()).toEqual([
      'BAD_AMOUNT',
      'BAD_FLOW',
      'EXPOSURE_POSITIVE',
      'HOLD_NEGATIVE',
      'REFUND_ABOVE_CAPTURE',
      'RELEASED_TWICE',
      'SETTLED_BUT_EXPOSED',
      'SETTLED_BUT_HELD',
      'WRITEOFF_OVER_RECOVERED',
    ]);
    expect(clean).toBeGreaterThan(0);
  }, 120_000);

  it('E1: a posting id seen twice fails the write, inline and on rebuild, instead of vanishing from the SQL check', async () => {
    const projection = ledgerEntriesProjection(db.schema);
    const at = '2030-01-01T00:00:00.000Z';
    const posted = (eventId: string, streamVersion: number) =>
      ({
        id: eventId,
        type: 'EntriesPosted',
        schemaVersion: 1,
        streamId: 'escrow-dup',
        streamVersion,
        occurredAt: at,
        correlationId: 'c',
        causationId: null,
        actor: { role: 'system', id: 'escrow' },
        data: {
          orderId: 'dup',
          sellerId: 's',
          entries: [{ entryId: 'cmd-1:0', debit: 'buyer_payment', credit: 'order_hold', amount: 100, currency: 'USD', reason: 'capture', at }],
        },
      }) as unknown as Parameters<typeof projection.apply>[1];
    const inTx = async (fn: (tx: import('pg').PoolClient) => Promise<void>) => {
      const tx = await db.pool.connect();
      try {
        await tx.query('BEGIN');
        await fn(tx);
      } finally {
        await tx.query('ROLLBACK');
        tx.release();
      }
    };
    await inTx(async (tx) => {
      await projection.apply(tx, posted('e1', 1));
      await expect(projection.apply(tx, posted('e2', 2))).rejects.toThrow(/duplicate key/);
    });
    await inTx(async (tx) => {
      await projection.reset(tx);
      const batch = projection.rebuildBatch!({ maxRows: 10 });
      await expect(batch.apply(tx, [posted('e1', 1), posted('e2', 2)])).rejects.toThrow(/duplicate key/);
    });
  });
});
