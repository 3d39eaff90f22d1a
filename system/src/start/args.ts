import { parseArgs } from 'node:util';
import { ServiceNames, type ServiceName } from '@bp/runtime';

export const START_USAGE = 'usage: npm start [-- --reset] [--services order,escrow,dispute,notification]';

export interface StartArgs {
  reset: boolean;
  /** undefined: every built service. */
  services: ServiceName[] | undefined;
  help: boolean;
}

/** `npm start` flags through node:util parseArgs; a bad flag or service name throws with the usage. */
export const parseStartArgs = (argv: string[]): StartArgs => {
  let values: { reset?: boolean; services?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { reset: { type: 'boolean' }, services: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${START_USAGE}`);
  }
  let services: ServiceName[] | undefined;
  if (values.services !== undefined) {
    const list = values.services.split(',').filter(Boolean);
    const bad = list.filter((s) => !(ServiceNames as readonly string[]).includes(s));
    if (bad.length || !list.length) throw new Error(`unknown services ${bad.join(', ')}\n${START_USAGE}`);
    services = list as ServiceName[];
  }
  return { reset: values.reset === true, services, help: values.help === true };
};
