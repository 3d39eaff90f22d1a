import { parseStartArgs } from '../src/start/args';

describe('npm start flags (node:util parseArgs)', () => {
  it('reads --reset and a --services subset', () => {
    expect(parseStartArgs([])).toEqual({ reset: false, services: undefined, help: false, kafka: 'devbroker' });
    expect(parseStartArgs(['--reset', '--services', 'order,escrow'])).toEqual({ reset: true, services: ['order', 'escrow'], help: false, kafka: 'devbroker' });
    expect(parseStartArgs(['--services=dispute']).services).toEqual(['dispute']);
    expect(parseStartArgs(['-h']).help).toBe(true);
  });

  it('--kafka apache runs Apache Kafka; the dev broker stays the default (issue 16)', () => {
    expect(parseStartArgs(['--kafka', 'apache']).kafka).toBe('apache');
    expect(parseStartArgs(['--kafka=devbroker']).kafka).toBe('devbroker');
  });

  it.each([
    [['--kafka', 'confluent'], /--kafka confluent: expected devbroker or apache/],
    [['--services', 'order,billing'], /unknown services billing/],
    [['--services'], /argument missing/],
    [['--rest'], /Unknown option '--rest'/],
    [['order'], /positional argument/],
  ])('%j is refused with the usage', (argv, message) => {
    expect(() => parseStartArgs(argv)).toThrow(message);
    expect(() => parseStartArgs(argv)).toThrow(/usage: npm start/);
  });
});
