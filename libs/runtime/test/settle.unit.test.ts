import { settleAll, type SettleParticipant } from '../src/settle';

const scripted = (
  name: string,
  reports: { fired?: number; published?: number; lag?: number; worked?: number; pending?: number }[],
): SettleParticipant & { calls: number } => {
  const p = {
    name,
    calls: 0,
    settle: async () => {
      const r = reports[p.calls] ?? {};
      p.calls++;
      return { fired: r.fired ?? 0, published: r.published ?? 0, lag: r.lag ?? 0, worked: r.worked ?? 0, pending: r.pending ?? 0 };
    },
  };
  return p;
};

describe('settling the system after the clock moves', () => {
  it('repeats rounds until two in a row do nothing anywhere', async () => {
    const order = scripted('order', [{ fired: 2, published: 2 }, {}, { fired: 1 }]);
    const escrow = scripted('escrow', [{}, { lag: 2 }, {}, {}]);
    const result = await settleAll([order, escrow], { pause: async () => {} });
    expect(result).toEqual({ rounds: 5, fired: 3, published: 2 });
  });

  it("a module's own work (escrow: refunds sent) goes round again; work another loop holds (pending) is not at rest", async () => {
    const escrow = scripted('escrow', [{ worked: 1 }, { pending: 1 }, { pending: 1 }, { worked: 1 }, {}, {}]);
    let pauses = 0;
    const result = await settleAll([escrow], { pause: async () => void pauses++ });
    expect(result.rounds).toBe(6);
    expect(pauses).toBe(2);
    let t = 0;
    const held: SettleParticipant = { name: 'held', settle: async () => ({ fired: 0, published: 0, lag: 0, pending: 1 }) };
    await expect(settleAll([held], { stallMs: 1000, now: () => (t += 400), pause: async () => {} })).rejects.toThrow('no progress for 1000 ms');
  });

  it('keeps going through a long burst as long as something moves', async () => {
    let left = 500;
    const draining: SettleParticipant = { name: 'burst', settle: async () => ({ fired: left > 0 ? 1 : 0, published: 0, lag: left-- > 0 ? left : 0 }) };
    expect((await settleAll([draining], { pause: async () => {} })).fired).toBe(500);
  });

  it('gives up when the system stops making progress', async () => {
    let t = 0;
    const stuck: SettleParticipant = { name: 'stuck', settle: async () => ({ fired: 0, published: 0, lag: 3 }) };
    await expect(settleAll([stuck], { stallMs: 1000, now: () => (t += 400), pause: async () => {} })).rejects.toThrow('no progress for 1000 ms');
  });

  it('gives up loudly instead of spinning forever', async () => {
    const busy: SettleParticipant = { name: 'busy', settle: async () => ({ fired: 1, published: 0, lag: 0 }) };
    await expect(settleAll([busy], { maxRounds: 5 })).rejects.toThrow('did not settle after 5 rounds');
  });
});
