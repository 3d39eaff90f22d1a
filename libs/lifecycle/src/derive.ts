import { SAME, type Table, type Timed, type Transition, type Vocabulary } from './table';

/** The transition of that name (names are typed, so a miss is a table bug, not a caller's). */
export const transitionNamed = <V extends Vocabulary, N extends string>(table: Table<V, N>, name: N): Transition<V, N> => {
  const t = table.find((x) => x.name === name);
  if (!t) throw new Error(`unknown transition ${name}`);
  return t;
};

/** Where the transition leads from `from` (a SAME row stays). */
export const targetOf = <V extends Vocabulary, F extends string>(t: Transition<V>, from: F): V['status'] | F => (t.to === SAME ? from : t.to);

/** Authorisation by role: the role is one of the transition's actors ('system' only for system rows). */
export const roleMayRun = <V extends Vocabulary>(t: Transition<V>, role: V['role'] | 'system'): boolean => t.actor.includes(role);

export const leavesFrom = <V extends Vocabulary>(t: Transition<V>, status: V['status']): boolean => t.from.includes(status);

/**
 * The generic part of every guard, in the order services answer it: the role first, then the status.
 * The service maps the answer to its own stable error code and adds its named guards after it.
 */
export const baseRefusal = <V extends Vocabulary>(t: Transition<V>, status: V['status'], role: V['role'] | 'system'): 'role' | 'status' | null =>
  !roleMayRun(t, role) ? 'role' : !leavesFrom(t, status) ? 'status' : null;

export const transitionsOfCommand = <V extends Vocabulary, N extends string>(table: Table<V, N>, command: V['command']): Transition<V, N>[] =>
  table.filter((t) => t.command === command);

export const timedTransitions = <V extends Vocabulary, N extends string>(table: Table<V, N>): Timed<V, N>[] =>
  table.filter((t): t is Timed<V, N> => t.deadline !== undefined);

/** Deadlines from state: the timed transitions that leave `status`, in table order, one per kind. */
export const timersIn = <V extends Vocabulary, N extends string>(table: Table<V, N>, status: V['status']): Timed<V, N>[] => {
  const seen = new Set<string>();
  return timedTransitions(table).filter((t) => leavesFrom(t, status) && !seen.has(t.deadline.kind) && (seen.add(t.deadline.kind), true));
};

/** allowedActions: the distinct actions of the transitions the service's guard lets through, in table order. */
export const allowedActionsOf = <V extends Vocabulary, N extends string>(table: Table<V, N>, allowed: (t: Transition<V, N>) => boolean): V['action'][] => {
  const actions: V['action'][] = [];
  for (const t of table) if (t.action !== undefined && !actions.includes(t.action) && allowed(t)) actions.push(t.action);
  return actions;
};
