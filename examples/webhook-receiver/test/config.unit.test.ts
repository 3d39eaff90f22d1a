import { configFromEnv, DEFAULT_TOLERANCE_SECONDS } from '../src';

describe('configFromEnv (npm start of the example)', () => {
  it('needs only the secret; the rest has defaults (loopback, 8080, /webhooks, 300 s)', () =>
    expect(configFromEnv({ WEBHOOK_SECRET: 'whsec_a' })).toEqual({
      secrets: ['whsec_a'],
      host: '127.0.0.1',
      port: 8080,
      path: '/webhooks',
      toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
    }));
  it('takes the previous secret during a rotation, and the listen address, path and tolerance', () =>
    expect(
      configFromEnv({
        WEBHOOK_SECRET: 'whsec_new',
        WEBHOOK_SECRET_PREVIOUS: 'whsec_old',
        HOST: '0.0.0.0',
        PORT: '9000',
        WEBHOOK_PATH: '/hooks/bp',
        WEBHOOK_TOLERANCE_SECONDS: '120',
      }),
    ).toEqual({
      secrets: ['whsec_new', 'whsec_old'],
      host: '0.0.0.0',
      port: 9000,
      path: '/hooks/bp',
      toleranceSeconds: 120,
    }));
  it.each([
    [{}, /WEBHOOK_SECRET is required/],
    [{ WEBHOOK_SECRET: '' }, /WEBHOOK_SECRET is required/],
    [{ WEBHOOK_SECRET: 'whsec_a', PORT: 'http' }, /PORT must be an integer from 0 to 65535/],
    [{ WEBHOOK_SECRET: 'whsec_a', WEBHOOK_TOLERANCE_SECONDS: '-5' }, /WEBHOOK_TOLERANCE_SECONDS/],
    [{ WEBHOOK_SECRET: 'whsec_a', WEBHOOK_PATH: 'hooks' }, /WEBHOOK_PATH must start with \//],
  ])('refuses %j', (env, message) => expect(() => configFromEnv(env)).toThrow(message));
});
