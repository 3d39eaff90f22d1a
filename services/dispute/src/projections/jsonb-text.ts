/**
 * A JSON value as PostgreSQL prints it as `jsonb::text`: object keys ordered as jsonb stores them
 * (shorter UTF-8 first, then bytewise), `": "` and `", "` between items, numbers in plain decimal.
 * One canonical text for node and SQL alike, so a hash taken by either (a migration converting
 * stored rows, a projection writing new ones) is the same, whatever order the keys came in.
 */
export const jsonbText = (value: unknown): string => {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value); // escapes exactly what jsonb's output escapes
    case 'number':
      return numberText(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : jsonbText(v))).join(', ')}]`;
      const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
      entries.sort(([a], [b]) => compareKeys(a, b));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${jsonbText(v)}`).join(', ')}}`;
    }
    default:
      throw new TypeError(`not JSON: ${typeof value}`);
  }
};

const compareKeys = (a: string, b: string): number => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length - y.length || Buffer.compare(x, y);
};

/** numeric keeps a number's decimal digits, so `1e-7` is printed `0.0000001`: expand JS's exponent form. */
const numberText = (n: number): string => {
  if (!Number.isFinite(n)) throw new TypeError(`not JSON: ${n}`);
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, rest = '', exp] = m;
  const digits = lead! + rest;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits.padEnd(point, '0')}`; // exponent form above 1e21 only: point >= digits.length
};
