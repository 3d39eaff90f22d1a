import { defineTable, effectsReport, undeclaredEffects, walker, type EffectWalk, type NameOf } from '../src';

// A small lamp, only for these tests.
interface Lamp {
  status: 'off' | 'on';
  role: 'user';
  command: never;
  action: never;
  guard: never;
  since: never;
  period: never;
  deadlineKind: never;
  effect: 'Installed' | 'SwitchedOn' | 'SwitchedOff' | 'BulbReplaced';
}

const table = defineTable<Lamp>()([
  { name: 'install', from: ['initial'], to: 'off', actor: ['user'], effects: ['Installed'] },
  { name: 'switch_on', from: ['off'], to: 'on', actor: ['user'], effects: ['SwitchedOn', 'BulbReplaced'] },
  { name: 'switch_off', from: ['on'], to: 'off', actor: ['user'], effects: ['SwitchedOff'] },
  { name: 'dust', from: ['off', 'on'], to: 'same', actor: ['user'] },
]);
type Name = NameOf<typeof table>;

const walks: EffectWalk<Name>[] = [
  { name: 'install', from: 'initial', to: 'off', emitted: ['Installed'] },
  { name: 'switch_on', from: 'off', to: 'on', emitted: ['SwitchedOn'] },
  { name: 'switch_on', from: 'off', to: 'on', emitted: ['BulbReplaced', 'SwitchedOn'] },
  { name: 'switch_off', from: 'on', to: 'off', emitted: ['SwitchedOff'] },
  { name: 'dust', from: 'on', to: 'on', emitted: [] },
];

describe('declared effects', () => {
  it('undeclaredEffects: the emitted types the row does not declare, once each; a row without effects declares none', () => {
    expect(undeclaredEffects(table, 'switch_on', ['SwitchedOn', 'BulbReplaced'])).toEqual([]);
    expect(undeclaredEffects(table, 'switch_on', ['SwitchedOff', 'SwitchedOff', 'SwitchedOn'])).toEqual(['SwitchedOff']);
    expect(undeclaredEffects(table, 'dust', ['Dusted'])).toEqual(['Dusted']);
    expect(() => undeclaredEffects(table, 'polish' as Name, [])).toThrow('unknown transition polish');
  });

  it('given walks through every row recording only declared effects, and each effect at least once, when reported, then every list is empty', () =>
    expect(effectsReport(table, walks)).toEqual({ unwalked: [], misrouted: [], undeclared: [], unexercised: [] }));

  it('given a row no walk goes through, then it is unwalked', () =>
    expect(
      effectsReport(
        table,
        walks.filter((w) => w.name !== 'dust'),
      ).unwalked,
    ).toEqual(['dust']));

  it('given a walk recording an event its row does not declare, then it is undeclared', () =>
    expect(effectsReport(table, [...walks, { name: 'dust', from: 'off', to: 'off', emitted: ['Dusted'] }]).undeclared).toEqual([
      { name: 'dust', type: 'Dusted' },
    ]));

  it('given a declared effect no walk records, then it is unexercised (the declaration cannot rot unnoticed)', () =>
    expect(effectsReport(table, walks.slice(0, 2).concat(walks.slice(3))).unexercised).toEqual([{ name: 'switch_on', type: 'BulbReplaced' }]));

  it('given a walk leaving a status its row does not leave or reaching another one, then it is misrouted; one that stays put is not', () => {
    const report = effectsReport(table, [...walks, { name: 'switch_off', from: 'off', to: 'on', emitted: ['SwitchedOff'] }]);
    expect(report.misrouted).toEqual([{ name: 'switch_off', from: 'off', to: 'on' }]);
    expect(effectsReport(table, [...walks, { name: 'switch_on', from: 'off', to: 'off', emitted: ['BulbReplaced'] }]).misrouted).toEqual([]);
    expect(effectsReport(table, [...walks, { name: 'dust', from: 'on', to: 'off', emitted: [] }]).misrouted).toEqual([{ name: 'dust', from: 'on', to: 'off' }]);
  });
});

describe('walker', () => {
  type LampEvent = { type: 'Installed' | 'SwitchedOn' | 'SwitchedOff' };
  const lamp = {
    initialState: 'initial',
    decide: (command: 'install' | 'toggle', state: string): LampEvent[] =>
      command === 'install' ? [{ type: 'Installed' }] : [{ type: state === 'on' ? 'SwitchedOff' : 'SwitchedOn' }],
    evolve: (_state: string, event: LampEvent): string => (event.type === 'SwitchedOn' ? 'on' : 'off'),
  };
  const walk = walker(lamp, (s) => s);

  it('given events, when a command is decided, then the walk has the status before and after and the recorded types', () => {
    expect(walk('switch_on', [{ type: 'Installed' }], 'toggle')).toEqual({ name: 'switch_on', from: 'off', to: 'on', emitted: ['SwitchedOn'] });
    expect(walk('install', [], 'install')).toEqual({ name: 'install', from: 'initial', to: 'off', emitted: ['Installed'] });
  });
});
