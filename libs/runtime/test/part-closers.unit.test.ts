import pino from 'pino';
import { createPartClosers } from '../src/part-closers';

const silent = pino({ level: 'silent' });

describe('part closers', () => {
  it('closes each started part once, past failures and hangs, the rest newest first', async () => {
    const order: string[] = [];
    const parts = createPartClosers(silent, 50);
    parts.add('pool', async () => void order.push('pool'));
    parts.add('relay', () => {
      order.push('relay');
      throw new Error('relay stuck');
    });
    parts.add('scheduler', () => new Promise<void>(() => order.push('scheduler'))); // never resolves
    parts.add('readiness', () => void order.push('readiness'));

    await Promise.all([parts.close('readiness'), parts.close('readiness'), parts.close('never-started')]);
    expect(order).toEqual(['readiness']);
    expect(parts.clean).toBe(true);
    const other = createPartClosers(silent);
    other.failed('http', new Error('requests still in flight'));
    expect(other.clean).toBe(false);

    await parts.closeRest();
    expect(order).toEqual(['readiness', 'scheduler', 'relay', 'pool']);
    expect(parts.clean).toBe(false);
    await parts.close('pool');
    expect(order).toHaveLength(4);
  });

  it('refuses two parts of one name (a stop would close only one of them)', () => {
    const parts = createPartClosers(silent);
    parts.add('loop', () => {});
    expect(() => parts.add('loop', () => {})).toThrow(/two parts named loop/);
    expect(parts.started()).toEqual(['loop']);
  });
});
