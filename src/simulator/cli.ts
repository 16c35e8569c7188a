// `connect-sync simulate`: runs the CONNECT API simulator until SIGINT/SIGTERM. Prints the URL and
// the simulator's own throwaway API key (the one place a key is printed). Bad flags: one line on
// stderr naming the flag and the expected form, exit code 2.
import { parseArgs } from 'node:util';
import { FAULT_KEYS, type FaultSettings } from './faults.js';
import { startSimulator, type SimulatorOptions } from './index.js';
import { SCHEMA_PRESETS, SCHEMA_PRESET_NAMES, SCHEMA_VARIANTS, parseSchemaVariants } from './variants.js';

const pad = (name: string) => `  ${name.padEnd(25)}`;
const VARIANT_LINES = SCHEMA_VARIANTS.map((v) => `${pad(v.name)}${v.description}`).join('\n');
const presetLine = (p: (typeof SCHEMA_PRESET_NAMES)[number]) =>
  p === 'everything' ? 'every variant but status-string' : SCHEMA_PRESETS[p].join(',') || '(no variant)';
const PRESET_LINES = SCHEMA_PRESET_NAMES.map((p) => `${pad(p)}${presetLine(p)}`).join('\n');

export const SIMULATE_USAGE = `Usage: connect-sync simulate [options]

Starts a simulated CONNECT GraphQL API with a seeded, deterministic world.

World
  --port N                 TCP port (default 4000; 0 = any free port)
  --host H                 address to listen on (default 127.0.0.1; 0.0.0.0 in a container)
  --chargepoints N         chargepoints in the world (default 500)
  --contacts N             contacts, each with 1-3 cards and a session history (default 200)
  --seed N                 world seed (default 1)
  --speed X                simulated seconds per real second (default 60; 0 = frozen)
  --start-time T           simulated start, ISO date-time or "now" (default 2026-01-01T00:00:00Z)
  --dialect offset|paged   getChargepoints(offset, limit) + id, or (count, page) + uuid (default offset)
  --api-key KEY            key clients must send as x-api-key (default: a random one, printed)
  --schema LIST            comma-separated schema variants and presets (below; default: none)

Faults (rates are fractions between 0 and 1)
  --latency-ms N           added delay per request
  --jitter-ms N            extra random delay up to N ms
  --error-rate R           requests answered HTTP 500/502/503
  --rate-limit-rps N       more requests per second than this get 429
  --rate-limit-rate R      requests answered 429 whatever the load
  --retry-after-s N        Retry-After of a 429 (default 1)
  --spike-rate R           requests delayed by a latency spike of --spike-ms
  --spike-ms N             length of a latency spike
  --graphql-error-rate R   responses with a GraphQL error at a path plus partial data
  --drop-rate R            requests whose connection is dropped without an answer
  --page-cap N             serve at most N records per page whatever was asked
  --null-rate R            records served with every nullable field null
  --unknown-status-rate R  connector statuses served outside the five known values

Schema variants (other faithful readings of the API reference; combinable, and with both dialects)
${VARIANT_LINES}

Presets (usable in --schema like a variant)
${PRESET_LINES}

Other
  --verbose                one line per request on stderr
  -h, --help               this help
`;

export class UsageError extends Error {}

export interface SimulateArgs {
  help: boolean;
  verbose: boolean;
  options: SimulatorOptions;
}

const FLAG_OF: Record<keyof FaultSettings, string> = {
  latencyMs: 'latency-ms',
  jitterMs: 'jitter-ms',
  errorRate: 'error-rate',
  rateLimitRps: 'rate-limit-rps',
  rateLimitRate: 'rate-limit-rate',
  retryAfterS: 'retry-after-s',
  spikeRate: 'spike-rate',
  spikeMs: 'spike-ms',
  graphqlErrorRate: 'graphql-error-rate',
  dropRate: 'drop-rate',
  pageCap: 'page-cap',
  nullRate: 'null-rate',
  unknownStatusRate: 'unknown-status-rate',
};
const RATE_FLAGS = new Set(['rate-limit-rate', 'spike-rate', 'error-rate', 'graphql-error-rate', 'drop-rate', 'null-rate', 'unknown-status-rate']);
const INTEGER_FLAGS = new Set(['page-cap', 'retry-after-s']);

function integer(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new UsageError(`--${flag}: expected an integer ${range}, got "${raw}"`);
  }
  return n;
}

function number(flag: string, raw: string, min: number, max = Infinity): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    const range = max === Infinity ? `>= ${min}` : `between ${min} and ${max}`;
    throw new UsageError(`--${flag}: expected a number ${range}, got "${raw}"`);
  }
  return n;
}

/** Parses the simulate flags; throws UsageError with a one-line message. */
export function parseSimulateArgs(argv: string[]): SimulateArgs {
  const str = { type: 'string' } as const;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: str,
        host: str,
        chargepoints: str,
        contacts: str,
        seed: str,
        speed: str,
        'start-time': str,
        dialect: str,
        'api-key': str,
        schema: str,
        ...Object.fromEntries(Object.values(FLAG_OF).map((flag) => [flag, str])),
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0] ?? 'invalid arguments' : String(error));
  }
  const get = (flag: string) => {
    const v = values[flag];
    return typeof v === 'string' ? v : undefined;
  };
  const options: SimulatorOptions = {};
  const port = get('port');
  options.port = port === undefined ? 4000 : integer('port', port, 0, 65535);
  const host = get('host');
  if (host !== undefined) options.host = host;
  const chargepoints = get('chargepoints');
  options.chargepoints = chargepoints === undefined ? 500 : integer('chargepoints', chargepoints, 0, 10_000_000);
  const contacts = get('contacts');
  options.contacts = contacts === undefined ? 200 : integer('contacts', contacts, 0, 10_000_000);
  const seed = get('seed');
  if (seed !== undefined) options.seed = integer('seed', seed, 0, 2 ** 32 - 1);
  const speed = get('speed');
  options.speed = speed === undefined ? 60 : number('speed', speed, 0);
  const start = get('start-time');
  if (start !== undefined) {
    const at = start === 'now' ? new Date() : new Date(start);
    if (Number.isNaN(at.getTime())) throw new UsageError(`--start-time: expected an ISO date-time such as 2026-01-01T00:00:00Z, or "now", got "${start}"`);
    options.startTime = at;
  }
  const dialect = get('dialect');
  if (dialect !== undefined) {
    if (dialect !== 'offset' && dialect !== 'paged') throw new UsageError(`--dialect: expected offset or paged, got "${dialect}"`);
    options.dialect = dialect;
  }
  const apiKey = get('api-key');
  if (apiKey !== undefined) {
    if (apiKey.trim() === '') throw new UsageError('--api-key: expected a non-empty key');
    options.apiKey = apiKey;
  }
  const schema = get('schema');
  if (schema !== undefined) {
    try {
      options.schema = parseSchemaVariants(schema);
    } catch (error) {
      throw new UsageError(`--schema: ${(error as Error).message}`, { cause: error });
    }
  }
  const faults: Partial<FaultSettings> = {};
  for (const key of FAULT_KEYS) {
    const flag = FLAG_OF[key];
    const raw = get(flag);
    if (raw === undefined) continue;
    faults[key] = RATE_FLAGS.has(flag) ? number(flag, raw, 0, 1) : INTEGER_FLAGS.has(flag) ? integer(flag, raw, 0) : number(flag, raw, 0);
  }
  options.faults = faults;
  return { help: values['help'] === true, verbose: values['verbose'] === true, options };
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      // A second signal while closing forces the exit.
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function simulateCommand(argv: string[]): Promise<void> {
  let args: SimulateArgs;
  try {
    args = parseSimulateArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`connect-sync simulate: ${error.message} (see --help)\n`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    process.stdout.write(SIMULATE_USAGE);
    return;
  }
  const options: SimulatorOptions = { ...args.options };
  if (args.verbose) options.log = (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

  let sim;
  try {
    sim = await startSimulator(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? `port ${options.port} is in use; pick another with --port (0 = any free port)` : String(error);
    process.stderr.write(`connect-sync simulate: cannot start: ${reason}\n`);
    process.exitCode = 1;
    return;
  }
  const sizes = sim.world.sizes();
  const active = Object.entries(sim.faults).filter(([key, value]) => value !== 0 && key !== 'retryAfterS');
  const out = [
    `CONNECT API simulator: ${sizes.chargepoints} chargepoints (${sizes.connectors} connectors), ${sizes.contacts} contacts, ${sizes.cards} cards; seed ${sim.world.seed}; dialect ${sim.dialect}; schema ${sim.schemaVariants.join(',') || 'default'}; speed ${sim.clock.speed}x; simulated time ${sim.clock.now().toISOString()}`,
    `faults: ${active.length === 0 ? 'none' : active.map(([k, v]) => `${k}=${v}`).join(' ')}`,
    '',
    `CONNECT_API_URL=${sim.url}`,
    `CONNECT_API_KEY=${sim.apiKey}`,
    '',
    `try: curl -s ${sim.url} -H 'x-api-key: ${sim.apiKey}' -H 'content-type: application/json' -d '{"query":"{ getChargepoints(${sim.dialect === 'paged' ? 'count: 1' : 'limit: 1'}) { count } }"}'`,
    'Ctrl-C stops it.',
    '',
  ];
  process.stdout.write(out.join('\n'));
  const signal = await waitForSignal();
  await sim.close();
  process.stdout.write(`\n${signal}: simulator stopped after ${sim.stats.requests} requests\n`);
}
