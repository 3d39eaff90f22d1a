import type { Socket } from 'node:net';
import type { ApiHandler, RequestContext, RequestHeader } from './apis/api-handler';
import { API_VERSIONS_KEY, unsupportedApiVersionsBody } from './apis/api-versions';
import { apis } from './apis/registry';
import type { Broker } from './broker';
import { DecodeError, Reader } from './protocol/reader';
import type { Writer } from './protocol/writer';

const MAX_FRAME = 100 * 1024 * 1024;
const MIN_FRAME = 8; // api key, version, correlation id

/**
 * One client connection: reassembles size-prefixed frames from TCP reads and answers requests
 * strictly one at a time, in order (a pending long-poll delays later requests, as in Kafka).
 */
export class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;
  private readonly queue: Buffer[] = [];
  private busy = false;
  private readonly abort = new AbortController();
  readonly remote: string;

  constructor(
    private readonly socket: Socket,
    private readonly broker: Broker,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => {}); // resets are normal; 'close' follows
    socket.on('close', () => this.abort.abort());
  }

  close(): void {
    this.abort.abort();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      if (this.expected < 0) {
        const size = this.head().readInt32BE(0);
        if (size < MIN_FRAME || size > MAX_FRAME) return this.fail(new DecodeError(`frame size ${size} out of bounds`));
        this.expected = size + 4;
      }
      if (this.buffered < this.expected) return;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      const frame = all.subarray(4, this.expected);
      const rest = all.subarray(this.expected);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.expected = -1;
      this.queue.push(frame);
    }
    void this.pump();
  }

  /** The buffered bytes' first chunk, merged so it holds at least the 4-byte size. */
  private head(): Buffer {
    if (this.chunks[0]!.length < 4) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0]!;
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.socket.destroyed) {
        await this.handle(this.queue.shift()!);
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  private async handle(frame: Buffer): Promise<void> {
    const r = new Reader(frame);
    const apiKey = r.int16();
    const apiVersion = r.int16();
    const correlationId = r.int32();
    if (apiKey === API_VERSIONS_KEY && apiVersion > 3) {
      // Kafka answers an unknown ApiVersions version with a v0 body so the client can downgrade.
      this.send(correlationId, unsupportedApiVersionsBody());
      return;
    }
    const api: ApiHandler | undefined = apis.get(apiKey);
    if (!api || apiVersion < api.minVersion || apiVersion > api.maxVersion) throw new DecodeError(`unsupported API key ${apiKey} version ${apiVersion}`);
    const header: RequestHeader = { apiKey, apiVersion, correlationId, clientId: r.nullableString() ?? '' };
    if (api.flexibleFrom !== undefined && apiVersion >= api.flexibleFrom) r.taggedFields();
    const ctx: RequestContext = {
      broker: this.broker,
      header,
      clientHost: `/${this.socket.remoteAddress ?? ''}`,
      closed: this.abort.signal,
      dropConnection: () => this.close(),
    };
    let body: Writer | null;
    try {
      body = await api.handle(ctx, r, apiVersion);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw Object.assign(err instanceof Error ? err : new Error(message), { message: `${api.name} v${apiVersion}: ${message}` });
    }
    if (body) this.send(correlationId, body);
  }

  private send(correlationId: number, body: Writer): void {
    if (this.socket.destroyed) return;
    const head = Buffer.allocUnsafe(8);
    head.writeInt32BE(body.length + 4, 0);
    head.writeInt32BE(correlationId, 4);
    this.socket.cork();
    this.socket.write(head);
    this.socket.write(body.toBuffer());
    this.socket.uncork();
  }

  private fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const level = err instanceof DecodeError || err instanceof RangeError ? 'warn' : 'error';
    this.broker.config.logger[level]({ remote: this.remote, err: message }, 'bad request: closing the connection');
    this.chunks = [];
    this.buffered = 0;
    this.queue.length = 0;
    this.close();
  }
}
