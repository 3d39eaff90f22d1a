import * as m001 from './001-events';
import * as m002 from './002-checkpoints-inbox';

/** Applied in order, each once per schema (recorded in eventstore_migrations). Append only. */
export const migrations: readonly { id: string; up: (quotedSchema: string) => string }[] = [
  { id: '001-events', up: m001.up },
  { id: '002-checkpoints-inbox', up: m002.up },
];
