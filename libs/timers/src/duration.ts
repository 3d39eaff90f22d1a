/**
 * ISO-8601 durations limited to days, hours, minutes and seconds (P6D, PT24H, P1DT12H). Months and
 * years are refused on purpose: their length depends on the calendar, and a deadline must not.
 */
const PATTERN = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export type IsoDuration = string;

export const durationMs = (iso: IsoDuration): number => {
  const m = PATTERN.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) throw new Error(`unsupported ISO-8601 duration: ${iso}`);
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
};

export const isIsoDuration = (iso: string): boolean => {
  try {
    durationMs(iso);
    return true;
  } catch {
    return false;
  }
};

export const days = (n: number): IsoDuration => `P${n}D`;

/** `at` + duration, as an ISO-8601 UTC string. */
export const addDuration = (at: string | Date, iso: IsoDuration): string => new Date(new Date(at).getTime() + durationMs(iso)).toISOString();

export const addMs = (at: string | Date, ms: number): string => new Date(new Date(at).getTime() + ms).toISOString();

/** Milliseconds -> ISO-8601 (P1DT2H3M4S), for views that show remaining or suspended time. */
export const msToIso = (ms: number): IsoDuration => {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms / 1000));
  const d = Math.floor(rest / 86400);
  rest -= d * 86400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  return `${sign}P${d || !time ? `${d}D` : ''}${time ? `T${time}` : ''}`;
};
