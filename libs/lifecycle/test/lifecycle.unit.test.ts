import {
  allowedActionsOf,
  baseRefusal,
  DIAGRAM_END,
  DIAGRAM_START,
  defineTable,
  reachability,
  renderDiagram,
  roleMayRun,
  targetOf,
  timersIn,
  transitionNamed,
  transitionsOfCommand,
  withDiagram,
  type NameOf,
} from '../src';

// A small parcel lifecycle, only for these tests.
interface Parcel {
  status: 'waiting' | 'sent' | 'delivered' | 'lost';
  role: 'sender' | 'courier';
  command: 'Send' | 'Deliver' | 'FireDeadline' | 'Note';
  action: 'send' | 'deliver' | 'note';
  guard: 'paid';
  since: 'sentAt';
  period: 'parcel.transitWindow';
  deadlineKind: 'transit';
  effect: 'ParcelSent' | 'ParcelDelivered' | 'ParcelLost' | 'NoteAdded';
}

const table = defineTable<Parcel>()([
  { name: 'create', from: ['initial'], to: 'waiting', actor: ['sender'], effects: [] },
  { name: 'send', command: 'Send', from: ['waiting'], to: 'sent', actor: ['sender'], action: 'send', guard: 'paid', effects: ['ParcelSent'], rule: 'P1' },
  {
    name: 'deliver',
    command: 'Deliver',
    from: ['sent'],
    to: 'delivered',
    actor: ['courier'],
    action: 'deliver',
    trigger: 'scan at the door',
    effects: ['ParcelDelivered'],
  },
  {
    name: 'lose',
    command: 'FireDeadline',
    from: ['sent'],
    to: 'lost',
    actor: ['system'],
    effects: ['ParcelLost'],
    deadline: { kind: 'transit', since: 'sentAt', period: 'parcel.transitWindow', actor: 'courier', onExpiry: 'lost' },
  },
  { name: 'note', command: 'Note', from: ['waiting', 'sent'], to: 'same', actor: ['sender', 'courier'], action: 'note', effects: ['NoteAdded'] },
]);
type Name = NameOf<typeof table>;
const STATUSES = ['waiting', 'sent', 'delivered', 'lost'] as const;

describe('lifecycle kit', () => {
  it('keeps the transition names typed (a misspelling does not compile)', () => {
    const name: Name = 'deliver';
    // @ts-expect-error not a transition of the table
    const wrong: Name = 'delivr';
    expect(transitionNamed(table, name).to).toBe('delivered');
    expect(() => transitionNamed(table, wrong)).toThrow('unknown transition delivr');
  });

  it('authorises by role and checks the status, role first', () => {
    const deliver = transitionNamed(table, 'deliver');
    expect(roleMayRun(deliver, 'courier')).toBe(true);
    expect(roleMayRun(deliver, 'system')).toBe(false);
    expect(roleMayRun(transitionNamed(table, 'lose'), 'system')).toBe(true);
    expect(baseRefusal(deliver, 'waiting', 'sender')).toBe('role');
    expect(baseRefusal(deliver, 'waiting', 'courier')).toBe('status');
    expect(baseRefusal(deliver, 'sent', 'courier')).toBeNull();
  });

  it('a same row keeps the status', () => {
    expect(targetOf(transitionNamed(table, 'note'), 'sent')).toBe('sent');
    expect(targetOf(transitionNamed(table, 'send'), 'waiting')).toBe('sent');
  });

  it('finds rows by command and the timers running in a status', () => {
    expect(transitionsOfCommand(table, 'FireDeadline').map((t) => t.name)).toEqual(['lose']);
    expect(timersIn(table, 'sent').map((t) => t.deadline.period)).toEqual(['parcel.transitWindow']);
    expect(timersIn(table, 'waiting')).toEqual([]);
  });

  it('allowedActions: distinct actions the guard lets through, in table order', () => {
    const courierIn = (status: Parcel['status']) => allowedActionsOf(table, (t) => baseRefusal(t, status, 'courier') === null);
    expect(courierIn('sent')).toEqual(['deliver', 'note']);
    expect(courierIn('delivered')).toEqual([]);
  });

  it('reachability: unreachable statuses, dead ends and finals with a way out', () => {
    expect(reachability(table, STATUSES, ['delivered', 'lost'])).toEqual({ unreachable: [], deadEnds: [], finalsWithExit: [] });
    const cut = table.filter((t) => t.name !== 'lose');
    expect(reachability(cut, STATUSES, ['delivered'])).toEqual({ unreachable: ['lost'], deadEnds: ['lost'], finalsWithExit: [] });
    expect(reachability(table, STATUSES, ['sent', 'delivered', 'lost']).finalsWithExit).toEqual(['sent']);
  });

  it('renders one Mermaid diagram style and replaces it between the one marker pair', () => {
    const diagram = renderDiagram(table, { finals: ['delivered', 'lost'] });
    expect(diagram.split('\n')).toEqual([
      '```mermaid',
      'stateDiagram-v2',
      '  [*] --> waiting : create (sender)',
      '  waiting --> sent : send (sender) if paid P1',
      '  sent --> delivered : deliver (courier, scan at the door)',
      '  sent --> lost : lose (timer transit)',
      '  waiting --> waiting : note (sender/courier)',
      '  sent --> sent : note (sender/courier)',
      '  delivered --> [*]',
      '  lost --> [*]',
      '```',
    ]);
    expect(renderDiagram(table, { finals: [], statusChangesOnly: true })).not.toContain('note');
    const doc = `# Parcel\n${DIAGRAM_START}\nold\n${DIAGRAM_END}\nafter\n`;
    expect(withDiagram(doc, 'new')).toBe(`# Parcel\n${DIAGRAM_START}\nnew\n${DIAGRAM_END}\nafter\n`);
    expect(() => withDiagram('# no markers', 'x')).toThrow('markers');
  });
});
