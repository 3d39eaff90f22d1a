import { runMigrations, type Migration } from '@bp/eventstore';
import type { ClientBase, Pool } from 'pg';
import * as m001 from './001-baseline';

/**
 * The notification service's own tables, forward-only (component `notification` in `<schema>.schema_migrations`).
 * Append a new version for every change; never edit a released one (its checksum is checked).
 * v1 is the release before's DDL, idempotent: on a database that release created it is a no-op and
 * recorded as the baseline.
 */
export const notificationMigrations: readonly Migration[] = [{ version: 1, name: 'baseline', sql: m001.up }];

export const migrateNotificationTables = async (db: Pool | ClientBase, schema: string): Promise<void> =>
  void (await runMigrations(db, schema, 'notification', notificationMigrations));
