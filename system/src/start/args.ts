import { parseArgs } from 'node:util';
import { ServiceNames, type ServiceName } from '@bp/runtime';

export const START_USAGE = 'usage: npm start [-- --reset] [--services order,escrow,dispute,notification] [--kafka devbroker|apache]';

/** Which Kafka `npm start` runs when KAFKA_BROKERS is not set. */
export type LocalKafka = 'devbroker' | 'apache';

export interface StartArgs {
  reset: boolean;
  /** undefined: every built service. */
  services: ServiceName[] | undefined;
  help: boolean;
  /** The dev broker (default, needs only Node) or Apache Kafka (needs Java 17 and Maven). */
  kafka: LocalKafka;
}

/** `npm start` flags through node:util parseArgs; a bad flag or service name throws with the usage. */
export const parseStartArgs = (argv: string[]): StartArgs => {
  let values: { reset?: boolean; services?: string; help?: boolean; kafka?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { reset: { type: 'boolean' }, services: { type: 'string' }, help: { type: 'boolean', short: 'h' }, kafka: { type: 'string' } },
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
  const kafka = values.kafka ?? 'devbroker';
  if (kafka !== 'devbroker' && kafka !== 'apache') throw new Error(`--kafka ${kafka}: expected devbroker or apache\n${START_USAGE}`);
  return { reset: values.reset === true, services, help: values.help === true, kafka };
};
