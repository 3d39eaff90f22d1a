import { guards } from '../../src/domain/order/guards';
import { transitions } from '../../src/domain/order';

export { STATUSES, TERMINAL, transitions, type From, type Status } from '../../src/domain/order';
export const guardsDefined = (): boolean => transitions.every((t) => !t.guard || typeof guards[t.guard] === 'function');
