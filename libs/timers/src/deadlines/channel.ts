import { channelName } from '@bp/eventstore';
/**
 * The channel a schema's deadline syncs NOTIFY and its schedulers LISTEN on (issue 18 item 5: an idle
 * scheduler sleeps until the earliest deadline or a NOTIFY, instead of polling). One per schema, so
 * test copies of a service in other schemas do not wake each other; undefined when the name would
 * not fit in a Postgres identifier (the scheduler then only polls).
 */
export const deadlineChannel = (schema: string): string | undefined => channelName(`bp_deadlines_${schema.toLowerCase()}`);
