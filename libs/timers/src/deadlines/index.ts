export * from './types';
export { migrateDeadlines, deadlineTable } from './schema';
export { deadlineChannel } from './channel';
export { syncDeadlines, syncManyDeadlines, deadlineSync } from './sync';
export { listDeadlines, type ListDeadlinesOptions } from './list';
export { countDueDeadlines } from './due';
export { createScheduler, type Scheduler, type SchedulerOptions, type SchedulerLogger } from './scheduler';
