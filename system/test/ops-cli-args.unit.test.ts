import type { OpsContext } from '../src/ops/context';
import { runOps } from '../src/ops/cli';

// Argument errors are refused before any command touches the context (no database needed).
const ctx = {} as OpsContext;

describe('ops command line (node:util parseArgs)', () => {
  it.each([
    [['timers', '--overdeu'], /Unknown option '--overdeu'[\s\S]*timers \[--overdue\]/],
    [['reset-offsets', 'order-service', '--to'], /argument missing[\s\S]*reset-offsets <group> --to/],
    [['redrive', 'order-service', '--offset', '--all'], /ambiguous[\s\S]*redrive <group>/],
    [['redrive', 'order-service', '--offset=3', '--all'], /redrive <group> --offset/],
    [['timeline'], /^timeline <orderId>$/],
    [['timeline', 'o-1', 'o-2'], /^timeline <orderId>$/],
    [['dead-letters', 'a', 'b'], /dead-letters \[<group>\]/],
    [['republish', 'order'], /republish <service> --from/],
  ])('%j is a usage error', async (argv, message) => {
    await expect(runOps(ctx, argv)).rejects.toThrow(message);
  });
});
