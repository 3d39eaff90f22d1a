import { appendFileSync } from 'node:fs';

/**
 * Tests print nothing; a run that wants the figures (the README's commands) sets BP_RESULTS_FILE and
 * each suite appends its summary line there, e.g. `authz-matrix cells=1234 failures=0`.
 */
export const recordResult = (line: string): void => {
  const file = process.env.BP_RESULTS_FILE;
  if (file) appendFileSync(file, `${line}\n`);
};
