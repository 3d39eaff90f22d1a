import { addDuration, durationMs, msToIso } from '../src/duration';

describe('ISO-8601 durations', () => {
  it.each([
    ['P6D', 6 * 86_400_000],
    ['PT24H', 86_400_000],
    ['P1DT12H30M', 86_400_000 + 12.5 * 3_600_000],
    ['PT0.5S', 500],
  ])('%s is %d ms', (iso, ms) => expect(durationMs(iso)).toBe(ms));

  it.each(['P1M', 'P1Y', 'P', 'PT', '6D', 'P-1D'])('refuses %s (calendar or malformed)', (iso) => {
    expect(() => durationMs(iso)).toThrow('unsupported');
  });

  it('adds to an instant in UTC', () => {
    expect(addDuration('2026-03-01T10:00:00.000Z', 'P60D')).toBe('2026-04-30T10:00:00.000Z');
  });

  it('renders milliseconds back', () => {
    expect(msToIso(durationMs('P1DT2H3M4S'))).toBe('P1DT2H3M4S');
    expect(msToIso(0)).toBe('P0D');
    expect(msToIso(durationMs('PT5M'))).toBe('PT5M');
  });
});
