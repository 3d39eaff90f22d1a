// One jest run over every package. Sources run straight from TypeScript through swc (no type
// checking here: `npm run typecheck` does that with tsc, once, for the whole repo).
const libs = ['contracts', 'client', 'eventstore', 'timers', 'messaging', 'http', 'testing', 'kafka-devbroker', 'kafka-apache', 'runtime', 'tracing', 'lifecycle'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/examples', '<rootDir>/system', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/tests/bench/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' }],
    // ESM-only dependencies (Node 20 can require() them, jest's module system cannot): compile to CJS.
    '^.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(cookie|content-disposition)/)', '\\.pnp\\.[^\\/]+$'],
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((l) => [`^@bp/${l}$`, `<rootDir>/libs/${l}/src`])),
    '^@bp/(order|escrow|dispute|notification)-service$': '<rootDir>/services/$1/src',
    '^@bp/example-webhook-receiver$': '<rootDir>/examples/webhook-receiver/src',
    '^@bp/system$': '<rootDir>/system/src',
  },
  clearMocks: true,
  // Issue 19: services' answers in int and e2e tests are checked against their OpenAPI documents.
  setupFilesAfterEnv: ['<rootDir>/tools/jest-response-validation.ts'],
  globalSetup: '<rootDir>/tools/jest-global-setup.js',
  globalTeardown: '<rootDir>/tools/jest-global-teardown.js',
  testTimeout: 30000,
  // One worker process (2 cores), replaced once a test file left it above this much memory. Run in
  // band, jest's own process kept growing over the ~220 files (2.8 GB near the end of a CI run) and
  // the in-process systems of the last e2e files stalled in garbage collection (30 s timeouts, S3
  // waits running out). Setting a limit is also what makes jest use a worker rather than run in band.
  workerIdleMemoryLimit: '1GB',
  // A handle a failing test leaves open (a pool, a timer) would keep a worker, and CI, alive until
  // its limit. The teardown has run by then; exit.
  forceExit: true,
  reporters: ['default', '<rootDir>/tools/jest-totals-reporter.js'],
};
