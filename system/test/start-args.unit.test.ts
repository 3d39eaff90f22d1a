import { parseStartArgs } from '../src/start/args';

describe('npm start flags (node:util parseArgs)', () => {
  it('reads --reset and a --services subset', () => {
    expect(parseStartArgs([])).toEqual({ reset: false, services: undefined, help: false });
    expect(parseStartArgs(['--reset', '--services', 'order,escrow'])).toEqual({ reset: true, services: ['order', 'escrow'], help: false });
    expect(parseStartArgs(['--services=dispute']).services).toEqual(['dispute']);
    expect(parseStartArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--services', 'order,billing'], /unknown services billing/],
    [['--services'], /argument missing/],
    [['--rest'], /Unknown option '--rest'/],
    [['order'], /positional argument/],
  ])('%j is refused with the usage', (argv, message) => {
    expect(() => parseStartArgs(argv)).toThrow(message);
    expect(() => parseStartArgs(argv)).toThrow(/usage: npm start/);
  });
});
