// Time helpers for the decider. Times come from commands (meta.now or upstream event times), never
// from a clock; every stored time is canonical ISO (toISOString) so deadlines compare exactly.
import { addMs, durationMs } from '@bp/timers';

export const iso = (at: string): string => new Date(at).toISOString();
export const ms = (at: string): number => Date.parse(at);
export const daysMs = (n: number): number => durationMs(`P${n}D`);
export const plusDays = (at: string, n: number): string => addMs(at, daysMs(n));
export { addMs };
