/** The only way code learns the time. Deciders get `now` on the command, never from here. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that tests and the demo system move forward explicitly. Never moves backwards. */
export class SimulatedClock implements Clock {
  private ms: number;

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): Date {
    if (ms < 0) throw new Error('a simulated clock never moves backwards');
    this.ms += ms;
    return this.now();
  }

  /** Moves to `at` if it is later than now; the clock never goes back. */
  set(at: Date | string): Date {
    this.ms = Math.max(this.ms, new Date(at).getTime());
    return this.now();
  }
}
