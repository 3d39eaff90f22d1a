import { loadConfig } from '../src/config';

const base = { DATABASE_URL: 'postgres://x@127.0.0.1/db', KAFKA_BROKERS: '127.0.0.1:9092', JWT_SECRET: 'a-dev-secret-of-16+' };

describe('CORS_ORIGINS in the service configuration', () => {
  it('is empty by default: no cross-origin access unless configured', () => {
    expect(loadConfig('order', base).CORS_ORIGINS).toEqual([]);
  });

  it('parses a comma list of exact origins', () => {
    expect(loadConfig('order', { ...base, CORS_ORIGINS: 'https://shop.example.com,http://localhost:5173' }).CORS_ORIGINS).toEqual([
      'https://shop.example.com',
      'http://localhost:5173',
    ]);
  });

  it('refuses a URL with a path, naming the setting', () => {
    expect(() => loadConfig('order', { ...base, CORS_ORIGINS: 'https://shop.example.com/app' })).toThrow(/CORS_ORIGINS/);
  });
});
