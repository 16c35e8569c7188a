// The only module that reads process.env. It parses the environment once into a frozen,
// typed object; every error names the variable and the form it expects.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import cron from 'node-cron';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const cronExpr = (variable: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) => v.trim())
    .refine((v) => v === '' || cron.validate(v), {
      message: `${variable} must be a cron expression (5 fields, or 6 with seconds), e.g. "*/1 * * * *", or empty to turn the job off`,
    });

const positiveInt = (variable: string, fallback: number, max = 1_000_000) =>
  z
    .string()
    .default(String(fallback))
    .refine((v) => /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= max, {
      message: `${variable} must be a whole number from 1 to ${max}`,
    })
    .transform((v) => Number(v));

const url = (variable: string, protocols: string[], example: string) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: `${variable} must be a URL like ${example}` },
    );

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  CONNECT_API_URL: url('CONNECT_API_URL', ['http:', 'https:'], 'https://host/graphql').optional(),
  CONNECT_API_KEY: z.string().optional(),
  CONNECT_API_KEY_FILE: z.string().optional(),
  DATABASE_URL: url('DATABASE_URL', ['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/dbname').optional(),
  DATA_DIR: z.string().default('./.connect-sync'),
  LOG_LEVEL: z
    .string()
    .default('info')
    .transform((v) => v.trim().toLowerCase())
    .refine((v) => (LOG_LEVELS as readonly string[]).includes(v), {
      message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`,
    })
    .transform((v) => v as (typeof LOG_LEVELS)[number]),
  HTTP_PORT: z
    .string()
    .default('8080')
    .refine((v) => /^\d+$/.test(v.trim()) && Number(v) <= 65535, { message: 'HTTP_PORT must be a port number from 0 to 65535' })
    .transform(Number),
  CONNECT_PAGE_SIZE: positiveInt('CONNECT_PAGE_SIZE', 500, 10_000),
  CONNECT_CONCURRENCY: positiveInt('CONNECT_CONCURRENCY', 4, 256),
  // No cap by default: concurrency bounds the load and the client adapts to 429s (connect/limiter.ts).
  CONNECT_MAX_RPS: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 100_000), {
      message: 'CONNECT_MAX_RPS must be a whole number from 1 to 100000, or empty for no cap',
    })
    .transform((v) => (v === undefined ? undefined : Number(v))),
  CONNECT_TIMEOUT_MS: positiveInt('CONNECT_TIMEOUT_MS', 30_000, 600_000),
  SYNC_CHARGEPOINTS_CRON: cronExpr('SYNC_CHARGEPOINTS_CRON', '* * * * *'),
  SYNC_ACTIVE_SESSIONS_CRON: cronExpr('SYNC_ACTIVE_SESSIONS_CRON', '*/5 * * * *'),
  SYNC_CONTACTS_CRON: cronExpr('SYNC_CONTACTS_CRON', '17 * * * *'),
  SYNC_CARDS_CRON: cronExpr('SYNC_CARDS_CRON', '23 * * * *'),
  SYNC_SESSIONS_CRON: cronExpr('SYNC_SESSIONS_CRON', '41 2 * * *'),
  SYNC_PRICES_CRON: cronExpr('SYNC_PRICES_CRON', ''),
});

export type Config = Readonly<{
  connectApiUrl: string | undefined;
  connectApiKey: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  httpPort: number;
  pageSize: number;
  concurrency: number;
  /** Optional hard cap of request starts per second; undefined = none (the default). */
  maxRps: number | undefined;
  timeoutMs: number;
  schedules: Readonly<{
    chargepoints: string;
    activeSessions: string;
    contacts: string;
    cards: string;
    sessions: string;
    prices: string;
  }>;
}>;

/** Variables documented in --help and the README, with their defaults. */
export const ENVIRONMENT_HELP: ReadonlyArray<[string, string]> = [
  ['CONNECT_API_URL', 'full GraphQL endpoint, e.g. https://host/graphql'],
  ['CONNECT_API_KEY', 'API key sent as x-api-key (never logged)'],
  ['CONNECT_API_KEY_FILE', 'file holding the API key (container secrets); instead of CONNECT_API_KEY'],
  ['DATABASE_URL', 'postgres://user:pass@host:5432/db; absent: embedded PGlite in DATA_DIR'],
  ['DATA_DIR', 'where the embedded database lives (default ./.connect-sync)'],
  ['LOG_LEVEL', 'fatal|error|warn|info|debug|trace|silent (default info)'],
  ['HTTP_PORT', 'health and metrics port of `run` (default 8080)'],
  ['CONNECT_PAGE_SIZE', 'records asked per page (default 500)'],
  ['CONNECT_CONCURRENCY', 'API requests in flight at most (default 4)'],
  ['CONNECT_MAX_RPS', 'optional hard cap of API requests per second (default: none; concurrency bounds the load and 429s lower it)'],
  ['CONNECT_TIMEOUT_MS', 'timeout of one API request (default 30000)'],
  ['SYNC_CHARGEPOINTS_CRON', 'status poll schedule (default "* * * * *")'],
  ['SYNC_ACTIVE_SESSIONS_CRON', 'active sessions (default "*/5 * * * *")'],
  ['SYNC_CONTACTS_CRON', 'contacts (default "17 * * * *")'],
  ['SYNC_CARDS_CRON', 'cards (default "23 * * * *")'],
  ['SYNC_SESSIONS_CRON', 'all sessions (default "41 2 * * *")'],
  ['SYNC_PRICES_CRON', 'prices (default empty = off)'],
];

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`CONNECT_API_KEY_FILE: cannot read ${path} (${code}); point it at a readable file that holds the API key`);
  }
}

/** Parses an environment (process.env by default). Throws ConfigError naming the first bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, except the cron variables where empty means "job off".
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (v === '' && !k.endsWith('_CRON')) continue;
    cleaned[k] = v;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const message = issue.message.startsWith(variable) ? issue.message : `${variable}: ${issue.message}`;
    throw new ConfigError(message);
  }
  const e = parsed.data;
  if (e.CONNECT_API_KEY && e.CONNECT_API_KEY_FILE) {
    throw new ConfigError('CONNECT_API_KEY and CONNECT_API_KEY_FILE are both set; set only one of them');
  }
  const apiKey = e.CONNECT_API_KEY_FILE ? readKeyFile(e.CONNECT_API_KEY_FILE) : e.CONNECT_API_KEY?.trim();
  if (e.CONNECT_API_KEY_FILE && !apiKey) {
    throw new ConfigError(`CONNECT_API_KEY_FILE: ${e.CONNECT_API_KEY_FILE} is empty; put the API key in it`);
  }
  return Object.freeze({
    connectApiUrl: e.CONNECT_API_URL,
    connectApiKey: apiKey || undefined,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    httpPort: e.HTTP_PORT,
    pageSize: e.CONNECT_PAGE_SIZE,
    concurrency: e.CONNECT_CONCURRENCY,
    maxRps: e.CONNECT_MAX_RPS,
    timeoutMs: e.CONNECT_TIMEOUT_MS,
    schedules: Object.freeze({
      chargepoints: e.SYNC_CHARGEPOINTS_CRON,
      activeSessions: e.SYNC_ACTIVE_SESSIONS_CRON,
      contacts: e.SYNC_CONTACTS_CRON,
      cards: e.SYNC_CARDS_CRON,
      sessions: e.SYNC_SESSIONS_CRON,
      prices: e.SYNC_PRICES_CRON,
    }),
  });
}

/** Commands that talk to the API call this: a missing URL or key is an error only for them. */
export function requireApi(config: Config): { url: string; apiKey: string } {
  if (!config.connectApiUrl) throw new ConfigError('CONNECT_API_URL is not set; set it to the GraphQL endpoint, e.g. https://host/graphql');
  if (!config.connectApiKey) throw new ConfigError('CONNECT_API_KEY is not set; set it (or CONNECT_API_KEY_FILE) to your CONNECT API key');
  return { url: config.connectApiUrl, apiKey: config.connectApiKey };
}
