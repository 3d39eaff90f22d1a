import * as m001 from './001-events';
import * as m002 from './002-checkpoints-inbox';
import type { Migration } from './run';

export { MigrationChecksumError, migrationChecksum, runMigrations, type Migration } from './run';

/**
 * The event store's tables, applied in order by runMigrations (component `eventstore`). Append only.
 * The release before kept them in `eventstore_migrations`; both are idempotent, so on such a
 * database they run again as no-ops and are recorded.
 */
export const eventstoreMigrations: readonly Migration[] = [
  { version: 1, name: 'events', sql: m001.up },
  { version: 2, name: 'checkpoints-inbox', sql: m002.up },
];
