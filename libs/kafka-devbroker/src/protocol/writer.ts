/** Growable big-endian encoder for response bodies. */
export class Writer {
  private buf: Buffer;
  private len = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.len;
  }

  /** Reserves n bytes and returns their position. Callers must read `this.buf` after calling it: it may reallocate. */
  private room(n: number): number {
    if (this.len + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    const at = this.len;
    this.len += n;
    return at;
  }

  int8(v: number): this {
    const at = this.room(1);
    this.buf.writeInt8(v, at);
    return this;
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    const at = this.room(2);
    this.buf.writeInt16BE(v, at);
    return this;
  }
  int32(v: number): this {
    const at = this.room(4);
    this.buf.writeInt32BE(v, at);
    return this;
  }
  int64(v: number | bigint): this {
    const at = this.room(8);
    this.buf.writeBigInt64BE(BigInt(v), at);
    return this;
  }
  uvarint(v: number): this {
    let n = v;
    while (n >= 0x80) {
      const at = this.room(1);
      this.buf.writeUInt8((n & 0x7f) | 0x80, at);
      n = Math.floor(n / 128);
    }
    const at = this.room(1);
    this.buf.writeUInt8(n, at);
    return this;
  }
  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  raw(b: Buffer): this {
    const at = this.room(b.length);
    b.copy(this.buf, at);
    return this;
  }
  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    const n = Buffer.byteLength(s);
    this.int16(n);
    const at = this.room(n);
    this.buf.write(s, at, 'utf8');
    return this;
  }
  string(s: string): this {
    return this.nullableString(s);
  }
  nullableBytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).raw(b);
  }
  bytes(b: Buffer): this {
    return this.nullableBytes(b);
  }
  array<T>(items: readonly T[], item: (w: Writer, v: T) => void): this {
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }
  nullableArray<T>(items: readonly T[] | null, item: (w: Writer, v: T) => void): this {
    return items === null ? this.int32(-1) : this.array(items, item);
  }
  compactArray<T>(items: readonly T[], item: (w: Writer, v: T) => void): this {
    this.uvarint(items.length + 1);
    for (const v of items) item(this, v);
    return this;
  }
  compactString(s: string): this {
    const n = Buffer.byteLength(s);
    this.uvarint(n + 1);
    const at = this.room(n);
    this.buf.write(s, at, 'utf8');
    return this;
  }
  /** An empty tagged-field section. */
  emptyTags(): this {
    return this.uvarint(0);
  }
  /** Overwrites an int32 written earlier (frame size). */
  patchInt32(at: number, v: number): void {
    this.buf.writeInt32BE(v, at);
  }
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
