import { connect } from 'node:net';

/**
 * Two requests of the Kafka wire protocol, just enough to tell that a broker is ready for clients:
 * Metadata v1 (which brokers are alive) and FindCoordinator v1 (the group coordinator is loaded, so a
 * consumer group can join). Hand-written so that this package needs no Kafka client.
 */
const str = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  return Buffer.concat([len, b]);
};

const frame = (apiKey: number, apiVersion: number, body: Buffer): Buffer => {
  const header = Buffer.alloc(8);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(1, 4);
  const payload = Buffer.concat([header, str('bp-readiness-probe'), body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
};

/** Sends one request and resolves with the response body after its correlation id. */
const exchange = (host: string, port: number, request: Buffer, timeoutMs: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buf = Buffer.alloc(0);
    const done = (err?: Error, body?: Buffer) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(body!);
    };
    socket.setTimeout(timeoutMs, () => done(new Error('probe timed out')));
    socket.on('error', (err) => done(err));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) done(undefined, buf.subarray(8, 4 + buf.readInt32BE(0)));
    });
  });

/** Node ids of the brokers the cluster reports alive (Metadata v1, no topics). */
export const liveBrokers = async (host: string, port: number, timeoutMs = 2000): Promise<number[]> => {
  const noTopics = Buffer.alloc(4);
  noTopics.writeInt32BE(0);
  const body = await exchange(host, port, frame(3, 1, noTopics), timeoutMs);
  const count = body.readInt32BE(0);
  const ids: number[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    ids.push(body.readInt32BE(at));
    at += 4;
    at += 2 + body.readInt16BE(at); // host
    at += 4; // port
    const rack = body.readInt16BE(at);
    at += 2 + Math.max(rack, 0);
  }
  return ids.sort((a, b) => a - b);
};

/** The node id of a consumer group's coordinator, or undefined while none is available (FindCoordinator v1). */
export const groupCoordinator = async (host: string, port: number, group: string, timeoutMs = 2000): Promise<number | undefined> => {
  const body = await exchange(host, port, frame(10, 1, Buffer.concat([str(group), Buffer.from([0])])), timeoutMs);
  if (body.readInt16BE(4) !== 0) return undefined; // error_code, after throttle_time_ms
  const message = body.readInt16BE(6);
  return body.readInt32BE(8 + Math.max(message, 0));
};

/** True when the broker can answer for a consumer group now (its coordinator has loaded). */
export const coordinatorReady = async (host: string, port: number, group: string, timeoutMs = 2000): Promise<boolean> =>
  (await groupCoordinator(host, port, group, timeoutMs)) !== undefined;
