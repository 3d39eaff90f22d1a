import type { ServiceProcess } from './services';

export interface Summary {
  services: ServiceProcess[];
  database: { url: string; source: string };
  kafka: { brokers: string; source: string };
  smtp: { url: string; dir: string | undefined };
  data: string;
  logs: string;
}

/** Hides the password of a connection URL for the terminal. */
const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');

/** What a newcomer needs right after start: where everything is and how to call it. */
export const summary = (s: Summary): string => {
  const w = Math.max(...s.services.map((x) => x.name.length));
  const lines = [
    '',
    'Buyer protection is running (simulated clock: POST /ops/clock moves time for all services).',
    '',
    ...s.services.map((x) => `  ${x.name.padEnd(w)}  ${x.url}   docs ${x.url}/docs   (pid ${x.pid() ?? '?'}, log ${x.log})`),
    '',
    `  postgres      ${redact(s.database.url)} (${s.database.source})`,
    `  kafka         ${s.kafka.brokers} (${s.kafka.source})`,
    `  mail          ${s.smtp.url}${s.smtp.dir ? ` → ${s.smtp.dir}/*.eml` : ''}`,
    `  data          ${s.data}   (npm start -- --reset wipes it)`,
    '',
    'Get a token and call a service:',
    '  TOKEN=$(npm run -s token -- --role buyer --sub buyer-1)',
    `  curl -H "authorization: Bearer $TOKEN" ${s.services[0]?.url ?? 'http://127.0.0.1:3001'}/orders?as=buyer`,
    '  OPS=$(npm run -s token -- --role ops --sub ops-1)',
    `  curl -X POST -H "authorization: Bearer $OPS" -H 'content-type: application/json' -d '{"advanceBy":"P6D"}' ${s.services[0]?.url ?? 'http://127.0.0.1:3001'}/ops/clock`,
    '',
    'Operate: npm run ops -- timeline <orderId> | timers [--overdue] | verify | replay <service> | republish … | reset-offsets …',
    'Ctrl-C stops everything (services, then the broker, then PostgreSQL).',
    '',
  ];
  return lines.join('\n');
};
