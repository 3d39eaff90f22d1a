import { consumedMeta, type ConsumedEvent } from '@bp/contracts';
import type { CommandOf, OrderCommandType } from '../order';

/** An order command caused by a consumed event: at the event's own time, by its producer (consumedMeta). */
export const commandFrom = <T extends OrderCommandType>(e: ConsumedEvent, type: T, data: CommandOf<T>['data']): CommandOf<T> =>
  ({ type, data, meta: consumedMeta(e) }) as CommandOf<T>;
