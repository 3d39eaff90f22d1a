import { targetOf } from './derive';
import { INITIAL, type Table, type Vocabulary } from './table';

export interface Reachability<S extends string> {
  /** Statuses no path from the initial status reaches. */
  unreachable: S[];
  /** Statuses, other than the final ones, with no transition out to another status. */
  deadEnds: S[];
  /** Final statuses with a transition out to another status. */
  finalsWithExit: S[];
}

/** The reachability test every service runs: all three lists empty. `start` defaults to INITIAL. */
export const reachability = <V extends Vocabulary>(
  table: Table<V>,
  statuses: readonly V['status'][],
  finals: readonly V['status'][],
  start: string = INITIAL,
): Reachability<V['status']> => {
  const seen = new Set<string>([start]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of table) {
      for (const from of t.from) {
        const to = targetOf(t, from);
        if (seen.has(from) && !seen.has(to)) seen.add(to), (grew = true);
      }
    }
  }
  const exits = (s: V['status']) => table.some((t) => t.from.includes(s) && targetOf(t, s) !== s);
  return {
    unreachable: statuses.filter((s) => !seen.has(s)),
    deadEnds: statuses.filter((s) => !finals.includes(s) && !exits(s)),
    finalsWithExit: finals.filter(exits),
  };
};
