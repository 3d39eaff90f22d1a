/**
 * Throughput against p99 latency per load level, as a hand-written SVG (no plotting dependency):
 * one polyline per series, each point labelled with its number of clients.
 */
export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number; label: string }[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A "nice" axis maximum: 1, 2 or 5 times a power of ten, at least `v`. */
const niceMax = (v: number): number => {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
};

export const throughputLatencySvg = (o: { title: string; xLabel: string; yLabel: string; series: Series[] }): string => {
  const W = 760,
    H = 460,
    L = 70,
    R = 220,
    T = 40,
    B = 60;
  const pw = W - L - R,
    ph = H - T - B;
  const xs = o.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = o.series.flatMap((s) => s.points.map((p) => p.y));
  const xMax = niceMax(Math.max(...xs, 0) * 1.05),
    yMax = niceMax(Math.max(...ys, 0) * 1.05);
  const X = (x: number) => L + (x / xMax) * pw;
  const Y = (y: number) => T + ph - (y / yMax) * ph;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="15" font-weight="bold">${esc(o.title)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const xv = (xMax * i) / 5,
      yv = (yMax * i) / 5;
    parts.push(`<line x1="${X(xv)}" y1="${T}" x2="${X(xv)}" y2="${T + ph}" stroke="#eee"/>`);
    parts.push(`<line x1="${L}" y1="${Y(yv)}" x2="${L + pw}" y2="${Y(yv)}" stroke="#eee"/>`);
    parts.push(`<text x="${X(xv)}" y="${T + ph + 18}" text-anchor="middle">${+xv.toFixed(2)}</text>`);
    parts.push(`<text x="${L - 8}" y="${Y(yv) + 4}" text-anchor="end">${+yv.toFixed(1)}</text>`);
  }
  parts.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${L + pw / 2}" y="${H - 15}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(18 ${T + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  o.series.forEach((s, i) => {
    const pts = s.points.map((p) => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of s.points) {
      parts.push(`<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="4" fill="${s.color}"/>`);
      parts.push(`<text x="${(X(p.x) + 6).toFixed(1)}" y="${(Y(p.y) - 6).toFixed(1)}" fill="${s.color}" font-size="10">${esc(p.label)}</text>`);
    }
    const ly = T + 10 + i * 20;
    parts.push(`<line x1="${L + pw + 15}" y1="${ly}" x2="${L + pw + 35}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`);
    parts.push(`<text x="${L + pw + 40}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
};
