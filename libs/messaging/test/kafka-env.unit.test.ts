import { kafkaFromEnv } from '@bp/messaging';
import { logLevel } from 'kafkajs';
import { kafkaLogCreator, kafkaLogLevelFor } from '../src/kafkajs/logger';

const recorder = (level?: string) => {
  const lines: [string, object, string | undefined][] = [];
  const rec = (lvl: string) => (obj: object, msg?: string) => void lines.push([lvl, obj, msg]);
  return { lines, logger: { level, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') } };
};

describe('kafkaFromEnv', () => {
  it('needs KAFKA_BROKERS', () => {
    expect(() => kafkaFromEnv({ clientId: 'x', logger: recorder().logger, env: {} })).toThrow(/KAFKA_BROKERS/);
  });

  it('builds a client from the comma list without connecting', () => {
    const kafka = kafkaFromEnv({ clientId: 'x', logger: recorder('silent').logger, env: { KAFKA_BROKERS: 'a:9092, b:9093' } });
    expect(typeof kafka.producer).toBe('function');
  });

  it('refuses an unknown SASL mechanism', () => {
    expect(() => kafkaFromEnv({ clientId: 'x', logger: recorder().logger, env: { KAFKA_BROKERS: 'a:1', KAFKA_SASL_MECHANISM: 'gssapi' } })).toThrow(/SASL/);
  });
});

describe('kafkajs logs into pino', () => {
  it('maps levels and keeps the namespace and fields', () => {
    const { lines, logger } = recorder();
    const log = kafkaLogCreator(logger)();
    log({ namespace: 'Consumer', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 't', message: 'boom', groupId: 'g' } });
    log({ namespace: 'Producer', level: logLevel.WARN, label: 'WARN', log: { timestamp: 't', message: 'hmm' } });
    log({ namespace: 'Runner', level: logLevel.INFO, label: 'INFO', log: { timestamp: 't', message: 'hi' } });
    log({ namespace: 'Cluster', level: logLevel.DEBUG, label: 'DEBUG', log: { timestamp: 't', message: 'dbg' } });
    expect(lines).toEqual([
      ['error', { kafka: 'Consumer', groupId: 'g' }, 'boom'],
      ['warn', { kafka: 'Producer' }, 'hmm'],
      ['info', { kafka: 'Runner' }, 'hi'],
      ['debug', { kafka: 'Cluster' }, 'dbg'],
    ]);
  });

  it('logs binary protocol payloads as their size, so a redacting pino logger cannot choke on them', () => {
    // The services' own logger, with its redaction paths, writing to memory.
    const { createLogger } = require('@bp/http') as typeof import('@bp/http');
    const out: string[] = [];
    const logger = createLogger({ name: 't', level: 'debug', stream: { write: (l: string) => void out.push(l) } });
    const log = kafkaLogCreator(logger)();
    const entry = {
      namespace: 'Connection',
      level: logLevel.DEBUG,
      label: 'DEBUG',
      log: { timestamp: 't', message: 'Response SyncGroup', payload: { memberAssignment: Buffer.from([1, 2, 3]) } },
    };
    expect(() => log(entry)).not.toThrow();
    expect(out.join('')).toContain('<3 bytes>');
    const { lines, logger: rec } = recorder();
    kafkaLogCreator(rec)()(entry);
    expect(lines[0]![1]).toEqual({ kafka: 'Connection', payload: { memberAssignment: '<3 bytes>' } });
  });

  it('asks kafkajs for no more than the logger will print', () => {
    expect(kafkaLogLevelFor({ ...recorder('silent').logger })).toBe(logLevel.NOTHING);
    expect(kafkaLogLevelFor({ ...recorder('warn').logger })).toBe(logLevel.WARN);
    expect(kafkaLogLevelFor({ ...recorder('debug').logger })).toBe(logLevel.DEBUG);
    expect(kafkaLogLevelFor({ ...recorder(undefined).logger })).toBe(logLevel.INFO);
  });
});
