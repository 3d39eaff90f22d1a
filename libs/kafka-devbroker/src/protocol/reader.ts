/** Thrown when a request cannot be decoded; the connection that sent it is closed. */
export class DecodeError extends Error {}

/** Big-endian cursor over one request frame (Kafka protocol primitives, classic and compact). */
export class Reader {
  offset: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (n < 0 || at + n > this.buf.length) throw new DecodeError(`truncated: need ${n} bytes at ${at} of ${this.buf.length}`);
    this.offset += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  /** Offsets and timestamps fit in a double; producer ids too (they come from our counter). */
  int64(): number {
    return Number(this.buf.readBigInt64BE(this.need(8)));
  }

  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf.readUInt8(this.need(1));
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new DecodeError('varint too long');
    }
  }
  /** Zigzag varint (record fields). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    const at = this.need(len);
    return this.buf.toString('utf8', at, at + len);
  }
  string(): string {
    const s = this.nullableString();
    if (s === null) throw new DecodeError('null where a string is required');
    return s;
  }
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }
  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const n = this.int32();
    if (n < 0) return null;
    if (n > this.remaining) throw new DecodeError(`array count ${n} exceeds frame`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
  /** kafkajs encodes empty arrays as null, so most fields treat null as []. */
  array<T>(item: (r: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const at = this.need(n - 1);
    return this.buf.toString('utf8', at, at + n - 1);
  }
  compactArray<T>(item: (r: Reader) => T): T[] | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const out: T[] = [];
    for (let i = 0; i < n - 1; i++) out.push(item(this));
    return out;
  }
  /** Skips a tagged-field section: we understand no tags. */
  taggedFields(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      this.need(this.uvarint());
    }
  }
}
