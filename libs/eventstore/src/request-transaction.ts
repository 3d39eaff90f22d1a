import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import { StaleTransactionError } from './errors';
import { isPipelined, serialClient } from './serial-client';

/**
 * One transaction for a whole request (issue 18 item 2): an HTTP request with an Idempotency-Key
 * claims its key, runs its commands and stores its answer in ONE commit. The key's guard opens it
 * (`BEGIN` and the claim in one text), every `withTransaction` of the request joins it instead of
 * committing on its own, and the guard commits it with the stored answer once the answer is known.
 * A crash anywhere before that commit leaves nothing: no effects without the key's answer.
 *
 * While it is open, the pool's own `query` calls made by the request run on its connection (the
 * request reads what it wrote, and never needs a second connection while holding one).
 *
 * What the owner (the Idempotency-Key guard) provides: what to send with BEGIN to (re)claim the
 * request, and what to send with an early COMMIT (commitPending).
 */
export interface RequestTransactionOwner {
  /**
   * Statements sent after BEGIN in the same text (one round trip), and the check of their results
   * (throw to refuse: the transaction is rolled back). Undefined: nothing to claim (the claim is
   * already a committed row).
   */
  opening(): { text: string; check(results: QueryResult[]): void } | undefined;
  /** The statement sent with an early COMMIT (commitPending): the claim made durable as "effects committed". */
  earlyCommit(): string;
}

/**
 * A read the request will make, sent behind its opening in the same round trip (issue 18 item 2):
 * the first statement of the request that asks for `key` (see takePrefetched) gets its answer
 * instead of a round trip of its own. A read made at the transaction's start, like any other
 * read of it: a command deciding on it is still guarded by its append's expected version.
 */
export interface PrefetchRead {
  key: string;
  query: QueryConfig;
}

const SAVEPOINT = 'bp_request';
const current = new AsyncLocalStorage<RequestTransaction | undefined>();
const routed = new WeakSet<Pool>();
let savepoints = 0;

export class RequestTransaction {
  private client: PoolClient | undefined;
  private serial: PoolClient | undefined;
  /** A joined transaction succeeded since the last commit: its effects wait for the request's commit. */
  private pending = false;
  /** A join is running: a nested or concurrent withTransaction gets its own transaction. */
  private busy = false;
  /** Effects were lost with a broken connection: the request must not commit an answer. */
  private broken: Error | undefined;
  /** The claim is made (false until then, e.g. while a handler reads the parts a deferred claim fingerprints). */
  private active = false;
  private owner: RequestTransactionOwner | undefined;
  /** The request is answered (committed or rolled back): nothing joins or routes any more. */
  private done = false;
  private early = false;
  /** Reads to send with each opening (see PrefetchRead): after an early commit or a park, the next transaction reads them anew. */
  private wanted: PrefetchRead[] = [];
  /** Their answers, until taken; dropped when the transaction ends (a later one reads anew). */
  private readonly prefetched = new Map<string, Promise<QueryResult>>();

  constructor(readonly pool: Pool) {
    routeRequestQueries(pool);
  }

  /** The open transaction's connection, opened (BEGIN + the owner's claim + savepoint, one round trip) if need be. */
  private async connection(): Promise<PoolClient> {
    if (this.broken) {
      this.close(this.broken);
      throw this.broken;
    }
    if (this.client) return this.client;
    const client = await this.pool.connect();
    const opening = this.owner?.opening();
    try {
      const opened = client.query(`BEGIN; ${opening ? `${opening.text}; ` : ''}SAVEPOINT ${SAVEPOINT}`) as unknown as Promise<QueryResult[]>;
      // Pipelined: the reads go out behind the opening, answered after it (a refused claim rolls them back unseen).
      const reads = isPipelined(client) ? this.wanted.map((r) => ({ key: r.key, answer: quiet(client.query(r.query)) })) : [];
      const results = await opened;
      opening?.check(results.slice(1, -1));
      await this.keepPrefetched(client, reads);
    } catch (e) {
      this.prefetched.clear();
      let failed: Error | undefined;
      await client.query('ROLLBACK').catch((err: Error) => (failed = err));
      client.release(failed);
      throw e;
    }
    // Held between statements, even while the request does other things: a connection that breaks
    // meanwhile must not emit an unhandled 'error' (the next statement on it fails instead).
    client.on('error', this.onError);
    this.client = client;
    // The request's queries may overlap (routed pool queries): a pipelined connection takes them in
    // order as they come; any other one gets them one after the other (pg 9 refuses a busy client).
    this.serial = isPipelined(client) ? client : serialClient(client);
    return client;
  }

  /**
   * The prefetched answers, kept for takePrefetched (they came in the opening's round trip). A read
   * that failed (a value Postgres refuses, say) aborted the transaction: it goes back to the opening's
   * savepoint and that read is forgotten, so the request reads it itself and meets its error there, as
   * it would have without prefetching.
   */
  private async keepPrefetched(client: PoolClient, reads: { key: string; answer: Promise<QueryResult> }[]): Promise<void> {
    let failed = false;
    for (const r of reads) {
      const answer = await r.answer.then(
        (v) => v,
        () => undefined,
      );
      if (answer) this.prefetched.set(r.key, Promise.resolve(answer));
      else failed = true;
    }
    if (failed) await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
  }

  /** Opens it now with the owner's claim, whose check decides what the request does; `reads` go with it (see PrefetchRead). */
  async claim(owner: RequestTransactionOwner, reads: PrefetchRead[] = []): Promise<void> {
    this.owner = owner;
    this.wanted = reads;
    this.active = true;
    await this.connection();
  }

  get isOpen(): boolean {
    return this.client !== undefined;
  }

  /** commitPending committed effects: the key is a committed row, and the rest commits apart. */
  get committedEarly(): boolean {
    return this.early;
  }

  /** The answer of the read prefetched as `key`, once, if `db` is this transaction's connection (or its pool, routed here). */
  takePrefetched(db: Pool | PoolClient, key: string): Promise<QueryResult> | undefined {
    if (db !== this.serial && !(db === this.pool && this.routes())) return undefined;
    const answer = this.prefetched.get(key);
    this.prefetched.delete(key);
    return answer;
  }

  /** True while the request's own queries go to its connection. */
  routes(): boolean {
    return this.active && !this.done && this.client !== undefined;
  }

  /**
   * A pool query of the request, in its transaction. Anything but a SELECT counts as a write (it
   * commits with the request). A failed statement aborts a transaction: while it holds no work yet,
   * it is made usable again (back to the opening's savepoint), as an autocommit failure would leave
   * the request free to answer (and store) a refusal.
   */
  query(...args: unknown[]): unknown {
    const q = args[0] as string | { text?: string } | undefined;
    if (!/^\s*select\b/i.test(typeof q === 'string' ? q : (q?.text ?? ''))) this.pending = true;
    const serial = this.serial!;
    const run = (serial.query as (...a: unknown[]) => unknown)(...args);
    if (this.pending || this.busy || !(run instanceof Promise)) return run;
    return run.catch(async (e: unknown) => {
      await serial.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`).catch(() => undefined);
      throw e;
    });
  }

  /** True when withTransaction should join (see RequestTransaction): active, not answered, not already inside a join. */
  joinable(pool: Pool): boolean {
    return this.pool === pool && this.active && !this.done && !this.busy;
  }

  /**
   * `fn` in the request's transaction, in a savepoint: a failure rolls back only its own writes,
   * as if its transaction had rolled back, and the caller may go on (or retry). On success its
   * writes stay uncommitted until the request commits (see RequestTransaction).
   */
  async join<T>(fn: (tx: PoolClient) => Promise<T>): Promise<T> {
    this.busy = true;
    try {
      const client = await this.connection();
      let savepoint = SAVEPOINT;
      // The opening's savepoint still marks the start of uncommitted work when nothing succeeded since.
      if (this.pending) {
        savepoint = `${SAVEPOINT}_${++savepoints}`;
        await client.query(`SAVEPOINT ${savepoint}`);
      }
      try {
        const result = await fn(this.serial!);
        this.pending = true;
        return result;
      } catch (e) {
        await this.undo(client, savepoint, e);
        throw e;
      }
    } finally {
      this.busy = false;
      if (this.done) await this.rollback(); // ended meanwhile (see end)
    }
  }

  private async undo(client: PoolClient, savepoint: string, cause: unknown): Promise<void> {
    try {
      await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    } catch (err) {
      this.close(err as Error);
      if (this.pending || this.committedEarly) this.broken = err as Error;
      return;
    }
    // Appending needs a newer transaction id (StaleTransactionError): only a new transaction has
    // one. Commit what earlier joins did, or drop the claim (the next join claims again).
    if (cause instanceof StaleTransactionError) {
      if (this.pending) await this.commitPending();
      else await this.rollback();
    }
  }

  /**
   * Commits what the request did so far, with the owner's early-commit statement (its key marked
   * 'committed'), for a request that must not go on before its effects are durable: one that talks
   * to the outside world (a payment provider) next. Later joins run in a new transaction, committed
   * with the answer. A no-op when nothing is pending or outside a request.
   */
  async commitPending(): Promise<void> {
    const client = this.client;
    if (!client || !this.pending) return;
    try {
      await client.query(`${this.owner!.earlyCommit()}; COMMIT`);
    } catch (e) {
      this.close(e as Error);
      this.broken = e as Error;
      throw e;
    }
    this.pending = false;
    this.early = true;
    this.close();
  }

  /** Gives the connection back while the request waits for something else, if it holds no effects (it claims again on its next join). */
  async park(): Promise<void> {
    if (!this.client || this.pending || this.busy) return;
    await this.rollback();
  }

  /**
   * The request's last statement (the stored answer) and COMMIT, one round trip. Opens the
   * transaction first if it is closed (the claim is checked again). Throws when nothing could be
   * committed: the effects are gone, and the answer must say so.
   */
  async commit(last: string): Promise<void> {
    this.done = true;
    const client = await this.connection();
    try {
      await client.query(`${last}; COMMIT`);
    } catch (e) {
      this.close(e as Error);
      throw e;
    }
    this.pending = false;
    this.close();
  }

  /** The request is over without committing (a 5xx, an answer with Retry-After, a replay, a request that ended without onSend). */
  async end(): Promise<void> {
    this.done = true;
    if (this.broken) return this.close(this.broken);
    // A join still running keeps its connection: it is rolled back when the join is over.
    if (!this.busy) await this.rollback();
  }

  private async rollback(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.pending = false;
    let failed: Error | undefined;
    await client.query('ROLLBACK').catch((err: Error) => (failed = err));
    this.close(failed);
  }

  private readonly onError = (err: Error): void => {
    if (this.pending || this.committedEarly) this.broken ??= err;
  };

  private close(err?: Error): void {
    const client = this.client;
    this.client = undefined;
    this.serial = undefined;
    this.prefetched.clear();
    client?.removeListener('error', this.onError);
    client?.release(err);
  }
}

/** The request's transaction for `pool` that a withTransaction should join, if any. */
export const joinableRequestTransaction = (pool: Pool): RequestTransaction | undefined => {
  const rt = current.getStore();
  return rt?.joinable(pool) ? rt : undefined;
};

/** Runs `fn` (and everything it starts) as the request owning `rt`. */
export const withRequestTransaction = <T>(rt: RequestTransaction, fn: () => T): T => current.run(rt, fn);

/**
 * Runs `fn` outside any request's transaction: work a request starts that is not part of it (the
 * simulated clock's settle drives relays, schedulers and consumers, whose transactions are their own).
 */
export const outsideRequest = <T>(fn: () => T): T => current.run(undefined, fn);

/** The answer of a read sent with the opening of the request's transaction on `db` (its connection, or its pool while it routes), if any: see PrefetchRead. */
export const takePrefetched = (db: Pool | PoolClient, key: string): Promise<QueryResult> | undefined => current.getStore()?.takePrefetched(db, key);

/** A prefetched read's answer, awaited only once the claim passed: a refused claim leaves its rejection unawaited. */
const quiet = <T>(p: Promise<T>): Promise<T> => {
  p.catch(() => undefined);
  return p;
};

/** See RequestTransaction.commitPending; a no-op outside a request. */
export const commitPending = async (): Promise<void> => current.getStore()?.commitPending();

/** See RequestTransaction.park; a no-op outside a request. */
export const parkRequestTransaction = async (): Promise<void> => current.getStore()?.park();

/** `pool.query` of the request holding a transaction on `pool` runs on that transaction's connection. */
const routeRequestQueries = (pool: Pool): void => {
  if (routed.has(pool)) return;
  routed.add(pool);
  const own = pool.query.bind(pool) as (...a: unknown[]) => unknown;
  Object.defineProperty(pool, 'query', {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => {
      const rt = current.getStore();
      return rt?.pool === pool && rt.routes() ? rt.query(...args) : own(...args);
    },
  });
};
