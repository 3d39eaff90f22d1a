// CRC-32C (Castagnoli, reflected poly 0x82F63B78) as record batches use; node's zlib.crc32 is
// CRC-32/IEEE and would reject every batch.
const TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export const crc32c = (buf: Uint8Array, start = 0, end = buf.length): number => {
  let crc = -1;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
};
