/**
 * One shape for every service's lifecycle table. A service names its vocabulary once (a Vocabulary)
 * and writes its rows with defineTable, which keeps the transition names as a literal union, so a
 * misspelt name fails the type check instead of a request at run time.
 */

/** A service's words: each is a string union of its own (unused ones stay `never`). */
export interface Vocabulary {
  status: string;
  /** Who may run a transition by hand (the service's roles); timed and consumed ones run as 'system'. */
  role: string;
  /** The command that performs a transition (FireDeadline for timed ones), when the service has commands per transition. */
  command: string;
  /** The API action a caller reaches the transition through (allowedActions lists these). */
  action: string;
  /** A named state check beyond the status (the service implements it). */
  guard: string;
  /** The state field a deadline counts from. */
  since: string;
  /** A policy key (policy snapshot path) the deadline's period comes from. */
  period: string;
  deadlineKind: string;
  /** An event the transition may record (declared; the decider's tests check it). */
  effect: string;
}

/** The status before the first transition (drawn as [*]). */
export const INITIAL = 'initial';
/** `to` of a transition that keeps the status (a self-loop). */
export const SAME = 'same';

export interface DeadlineSpec<V extends Vocabulary> {
  kind: V['deadlineKind'];
  since: V['since'];
  /** null: the `since` field is the due time itself. */
  period: V['period'] | null;
  /** Who is expected to act before it (API.md deadline shape). */
  actor: V['role'] | 'system' | 'parties';
  onExpiry: string;
}

export interface Transition<V extends Vocabulary, N extends string = string> {
  name: N;
  from: readonly (V['status'] | typeof INITIAL)[];
  to: V['status'] | typeof SAME;
  actor: readonly (V['role'] | 'system')[];
  command?: V['command'];
  action?: V['action'];
  guard?: V['guard'];
  deadline?: DeadlineSpec<V>;
  effects?: readonly V['effect'][];
  /** Which fact or caller sets it off, when that is not the actor alone (a consumed event, a provider). */
  trigger?: string;
  /** The DOMAIN.md rule id(s) the row implements. */
  rule?: string;
}

export type Table<V extends Vocabulary, N extends string = string> = readonly Transition<V, N>[];

/** The table as written, its names kept literal: `defineTable<MyVocabulary>()([...rows])`. */
export const defineTable =
  <V extends Vocabulary>() =>
  <const N extends string>(rows: readonly Transition<V, N>[]): Table<V, N> =>
    rows;

export type NameOf<T> = T extends Table<Vocabulary, infer N> ? N : never;

export type Timed<V extends Vocabulary, N extends string = string> = Transition<V, N> & { deadline: DeadlineSpec<V> };
