import { targetOf, transitionNamed } from './derive';
import type { Table, Transition, Vocabulary } from './table';

/** One case a service's test drove its decider through: the transition it stands for, the status before and after, the event types recorded. */
export interface EffectWalk<N extends string = string> {
  name: N;
  from: string;
  to: string;
  emitted: readonly string[];
}

/** What a set of walks says about the table's declared effects; every list empty when the declarations hold. */
export interface EffectsReport<N extends string = string> {
  /** Transitions no walk went through (their declarations would go unchecked). */
  unwalked: N[];
  /**
   * Walks that leave a status the row does not leave, or reach another status than the row's (the case
   * is labelled with the wrong transition). A walk that keeps its status passes: a row's command may
   * record without moving (a mismatched payment, a partial refund), and those records are declared too.
   */
  misrouted: { name: N; from: string; to: string }[];
  /** Event types a walk recorded that its transition does not declare. */
  undeclared: { name: N; type: string }[];
  /** Declared effects no walk recorded (a declaration that could have rotted). */
  unexercised: { name: N; type: string }[];
}

const effectsOf = <V extends Vocabulary>(t: Transition<V>): readonly string[] => t.effects ?? [];

/** The emitted event types the transition does not declare (a row without `effects` declares none). */
export const undeclaredEffects = <V extends Vocabulary, N extends string>(table: Table<V, N>, name: N, emitted: readonly string[]): string[] => {
  const declared = effectsOf(transitionNamed(table, name));
  return [...new Set(emitted)].filter((type) => !declared.includes(type));
};

/** Checks walks against the table: each walk's events are declared, each row is walked and each declared effect recorded by some walk. */
export const effectsReport = <V extends Vocabulary, N extends string>(table: Table<V, N>, walks: readonly EffectWalk<N>[]): EffectsReport<N> => {
  const report: EffectsReport<N> = { unwalked: [], misrouted: [], undeclared: [], unexercised: [] };
  for (const { name, from, to, emitted } of walks) {
    const t = transitionNamed(table, name);
    if (!t.from.includes(from) || (to !== from && targetOf(t, from) !== to)) report.misrouted.push({ name, from, to });
    for (const type of undeclaredEffects(table, name, emitted)) report.undeclared.push({ name, type });
  }
  for (const t of table) {
    const mine = walks.filter((w) => w.name === t.name);
    if (mine.length === 0) report.unwalked.push(t.name);
    else for (const type of effectsOf(t)) if (!mine.some((w) => w.emitted.includes(type))) report.unexercised.push({ name: t.name, type });
  }
  return report;
};

/** What the walker needs of a decider (the shape every service's decider has). */
export interface WalkableDecider<C, E extends { type: string }, S> {
  decide(command: C, state: S): readonly E[];
  evolve(state: S, event: E): S;
  initialState: S;
}

/**
 * One walk, given/when style: the state the `given` events fold to, the command decided in it, and
 * the status before and after the recorded events (a refusal throws: a walk is a case that happens).
 */
export const walker =
  <C, E extends { type: string }, S>(decider: WalkableDecider<C, E, S>, statusOf: (state: S) => string) =>
  <N extends string>(name: N, given: readonly E[], when: C): EffectWalk<N> => {
    const before = given.reduce(decider.evolve, decider.initialState);
    const events = decider.decide(when, before);
    return { name, from: statusOf(before), to: statusOf(events.reduce(decider.evolve, before)), emitted: events.map((e) => e.type) };
  };
