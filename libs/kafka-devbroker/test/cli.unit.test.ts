import { parseCli } from '../src/cli';

describe('kafka-devbroker command line (node:util parseArgs)', () => {
  it('defaults, then the environment, then flags (both --flag value and --flag=value)', () => {
    expect(parseCli([], {})).toEqual({
      port: 9092,
      host: '127.0.0.1',
      advertisedHost: undefined,
      dataDir: undefined,
      defaultPartitions: undefined,
      logLevel: 'info',
    });
    expect(parseCli([], { KAFKA_DEVBROKER_PORT: '9500', KAFKA_DEVBROKER_DATA_DIR: '/d' })).toMatchObject({ port: 9500, dataDir: '/d' });
    expect(parseCli(['--port', '0', '--data-dir=.data/kafka', '--partitions', '6', '--log-level', 'warn'], { KAFKA_DEVBROKER_PORT: '9500' })).toMatchObject({
      port: 0,
      dataDir: '.data/kafka',
      defaultPartitions: 6,
      logLevel: 'warn',
    });
  });

  it('asks for help with -h or --help', () => {
    expect(parseCli(['-h'], {})).toBe('help');
    expect(parseCli(['--help'], {})).toBe('help');
  });

  it.each([
    [['--prot', '1'], /Unknown option '--prot'/],
    [['--port'], /argument missing/],
    [['9092'], /positional argument/],
    [['--port', 'abc'], /--port needs an integer/],
    [['--partitions', '0'], /--partitions needs an integer ≥ 1/],
    [['--log-level', 'loud'], /--log-level must be one of/],
  ])('%j is refused with the usage', (argv, message) => {
    expect(() => parseCli(argv, {})).toThrow(message);
    expect(() => parseCli(argv, {})).toThrow(/kafka-devbroker \[--port N\]/);
  });
});
