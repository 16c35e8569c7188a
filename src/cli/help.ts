import { ENVIRONMENT_HELP } from '../config.js';

export const COMMANDS: ReadonlyArray<[string, string]> = [
  ['migrate', 'apply the database migrations (safe to run from several processes at once)'],
  ['run', 'the daemon: migrations, every job on its schedule, /healthz /readyz /metrics on HTTP_PORT'],
  ['sync <job> [--active] [--wait]', 'run one job once: chargepoints, contacts, cards, sessions, prices or all'],
  ['report uptime --from D --to D [...]', 'NEVI-style uptime per port/chargepoint/location: [--tz Z] [--by …] [--format table|csv|json|html] [--out F]'],
  ['report outages --from D --to D [...]', 'outages per port (EV-ChART outage module): [--tz Z] [--format table|csv|json] [--out F]'],
  ['bi-role --name NAME [--password-file F]', 'create or refresh a read-only role for BI tools: views only, no personal data'],
  ['check', 'connectivity, authentication and what the API offers: ok, degraded (exit 0) or fatal (exit 1)'],
  ['demo', 'zero configuration: simulator + embedded database + a few sync cycles + a summary'],
  ['simulate [options]', 'start the CONNECT API simulator (simulate --help for its options)'],
];

export function helpText(): string {
  const width = Math.max(...COMMANDS.map(([c]) => c.length), ...ENVIRONMENT_HELP.map(([v]) => v.length)) + 2;
  const lines = [
    'connect-sync — keeps PostgreSQL in step with a CONNECT API and records connector status history',
    '',
    'Usage: connect-sync <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map(([c, d]) => `  ${c.padEnd(width)}${d}`),
    '',
    'Environment variables:',
    ...ENVIRONMENT_HELP.map(([v, d]) => `  ${v.padEnd(width)}${d}`),
    '',
    'Exit codes: 0 ok, 1 failed, 2 usage or configuration error, 3 API authentication failed,',
    '            4 API unreachable, 5 database unreachable, 6 database newer than this version,',
    '            7 finished partially (some records failed; see connect.sync_runs)',
  ];
  return lines.join('\n');
}
