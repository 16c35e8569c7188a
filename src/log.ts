// pino logger: JSON by default, pretty when stdout is a terminal. The API key and the x-api-key
// header are redacted by path, and any string equal to a registered secret is censored too.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

const REDACT_PATHS = [
  'apiKey',
  '*.apiKey',
  'connectApiKey',
  '*.connectApiKey',
  'config.connectApiKey',
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  'req.headers["x-api-key"]',
  'request.headers["x-api-key"]',
  '["x-api-key"]',
  'password',
  '*.password',
];

const secrets = new Set<string>();

/** Registers a secret value (the API key): any log line containing it has it replaced. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** Replaces registered secrets in a string (also used for error messages stored in sync_runs). */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[Redacted]');
  // Passwords in connection strings.
  return out.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi, '$1[Redacted]@');
}

export interface LoggerOptions {
  level?: string;
  /** Where to write; defaults to stderr (pretty when it is a terminal), keeping stdout for command output. Tests pass a sink. */
  destination?: DestinationStream;
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const base: pino.LoggerOptions = {
    level,
    base: { service: 'connect-sync' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    hooks: {
      // Censor secrets that slip into messages or nested values (e.g. an error that quotes a header).
      streamWrite: (line) => (secrets.size === 0 && !line.includes('://') ? line : scrubSecrets(line)),
    },
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.destination) return pino(base, options.destination);
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
      },
    });
  }
  return pino(base, pino.destination({ dest: 2, sync: true }));
}

/** A logger that writes nothing, for library use and tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
