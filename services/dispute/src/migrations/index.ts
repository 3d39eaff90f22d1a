import { runMigrations, type Migration } from '@bp/eventstore';
import type { ClientBase, Pool } from 'pg';
import * as m001 from './001-baseline';
import * as m002 from './002-policy-snapshots';

/**
 * The dispute service's own tables, forward-only (component `dispute` in `<schema>.schema_migrations`).
 * Append a new version for every change; never edit a released one (its checksum is checked).
 * v1 is the release before's DDL, idempotent: on a database that release created it is a no-op and
 * recorded as the baseline.
 */
export const disputeMigrations: readonly Migration[] = [
  { version: 1, name: 'baseline', sql: m001.up },
  { version: 2, name: 'policy-snapshots', sql: m002.up },
];

export const migrateDisputeTables = async (db: Pool | ClientBase, schema: string): Promise<void> =>
  void (await runMigrations(db, schema, 'dispute', disputeMigrations));
