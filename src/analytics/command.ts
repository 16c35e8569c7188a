// `connect-sync report uptime|outages ...`: parses and checks the flags, runs the report, writes
// it to stdout or --out. Logs go to stderr (ctx.logger), so stdout carries only the report.
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CommandContext } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { EXIT } from '../cli/exit-codes.js';
import { outagesJson, outagesTable } from './format/outages.js';
import { uptimeCsv, uptimeJson, uptimeTable } from './format/uptime.js';
import { reportOutages, streamOutagesCsv } from './outages.js';
import { checkLevel, PeriodError } from './period.js';
import { hasCode, reportUptime } from './uptime.js';

/** Lines for the CLI help (command, description), for src/cli/help.ts. */
export const REPORT_COMMANDS: ReadonlyArray<[string, string]> = [
  [
    'report uptime',
    '--from YYYY-MM-DD --to YYYY-MM-DD [--tz Europe/Berlin] [--by connector|chargepoint|location] [--format table|csv|json|html] [--out FILE] [--count-not-observed-as-outage]: NEVI-style uptime per port, chargepoint or location over [from, to)',
  ],
  ['report outages', '--from YYYY-MM-DD --to YYYY-MM-DD [--tz ZONE] [--format table|csv|json] [--out FILE]: outages per port (EV-ChART outage module)'],
];

const UPTIME_FORMATS = ['table', 'csv', 'json', 'html'] as const;
const OUTAGE_FORMATS = ['table', 'csv', 'json'] as const;

/** SQLSTATE undefined_function: the analytics migration has not been applied. */
const UNDEFINED_FUNCTION = '42883';

export async function reportCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const [sub, ...args] = argv;
  if (sub === 'uptime') return uptimeCommand(ctx, args);
  if (sub === 'outages') return outagesCommand(ctx, args);
  throw new UsageError(
    sub ? `unknown report "${sub}"; use "report uptime" or "report outages"` : 'report needs a kind: "report uptime --from D --to D" or "report outages --from D --to D"',
  );
}

const commonOptions = {
  from: { type: 'string' },
  to: { type: 'string' },
  tz: { type: 'string', default: 'UTC' },
  format: { type: 'string', default: 'table' },
  out: { type: 'string' },
} as const;

function parsed<T>(command: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    // parseArgs reports unknown flags, missing values and stray arguments as TypeErrors.
    throw new UsageError(`report ${command}: ${(err as Error).message.replace(/\. To specify a positional argument.*$/s, '')}`);
  }
}

function checkFormat<F extends string>(value: string, formats: readonly F[]): F {
  if ((formats as readonly string[]).includes(value)) return value as F;
  throw new UsageError(`--format "${value}" is not available here; use one of ${formats.join(', ')}`);
}

async function uptimeCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parsed('uptime', () =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        ...commonOptions,
        by: { type: 'string', default: 'connector' },
        'count-not-observed-as-outage': { type: 'boolean', default: false },
      },
    }),
  );
  const format = checkFormat(String(values.format), UPTIME_FORMATS);
  const by = usage(() => checkLevel('--by', String(values.by)));
  return withDatabase(ctx, async (database) => {
    const report = await usageAsync(() =>
      reportUptime(database, {
        from: values.from ?? '',
        to: values.to ?? '',
        tz: String(values.tz),
        by,
        countNotObservedAsOutage: values['count-not-observed-as-outage'],
        heatmap: format === 'html',
      }),
    );
    warnIfFuture(ctx, report.period.end);
    // The HTML format loads the charting library only when it is asked for.
    const text =
      format === 'csv'
        ? uptimeCsv(report)
        : format === 'json'
          ? uptimeJson(report)
          : format === 'html'
            ? (await import('./format/html.js')).uptimeHtml(report)
            : uptimeTable(report);
    await emit(ctx, text, values.out);
    ctx.logger.info({ report: 'uptime', by, rows: report.rows.length, format, from: report.from, to: report.to, tz: report.tz }, 'uptime report written');
    if (report.unmappedStatuses.length) {
      ctx.logger.warn({ statuses: report.unmappedStatuses }, 'some statuses have no category and count as unknown (outage); classify them in connect.status_categories');
    }
    return EXIT.ok;
  });
}

async function outagesCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parsed('outages', () => parseArgs({ args, strict: true, allowPositionals: false, options: commonOptions }));
  const format = checkFormat(String(values.format), OUTAGE_FORMATS);
  const options = { from: values.from ?? '', to: values.to ?? '', tz: String(values.tz) };
  if (format === 'csv') return withDatabase(ctx, (database) => streamOutagesCommand(ctx, database, options, values.out));
  return withDatabase(ctx, async (database) => {
    const report = await usageAsync(() => reportOutages(database, options));
    warnIfFuture(ctx, report.period.end);
    const text = format === 'json' ? outagesJson(report) : outagesTable(report);
    await emit(ctx, text, values.out);
    ctx.logger.info({ report: 'outages', rows: report.rows.length, format, from: report.from, to: report.to, tz: report.tz }, 'outage report written');
    return EXIT.ok;
  });
}

/** CSV: the lines stream from PostgreSQL to stdout (or --out) as they come. */
async function streamOutagesCommand(
  ctx: CommandContext,
  database: Awaited<ReturnType<CommandContext['openDatabase']>>,
  options: { from: string; to: string; tz: string },
  out: string | undefined,
): Promise<number> {
  const file = out ? createWriteStream(out) : undefined;
  const ignore = (err: Error) => void err;
  if (!file) process.stdout.on('error', ignore);
  try {
    const { period, rows } = await usageAsync(() => streamOutagesCsv(database, { ...options, databaseUrl: ctx.config.databaseUrl }, file ?? process.stdout));
    warnIfFuture(ctx, period.end);
    ctx.logger.info({ report: 'outages', rows, format: 'csv', from: options.from, to: options.to, tz: options.tz, file: out }, 'outage report written');
    return EXIT.ok;
  } catch (err) {
    // A reader that stops early (`| head`) closes the pipe: that ends the output, it is no failure.
    if (closedPipe(err)) return EXIT.ok;
    throw err;
  } finally {
    if (file) await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
    else setImmediate(() => process.stdout.off('error', ignore));
  }
}

const closedPipe = (err: unknown) => (err as { code?: string } | null)?.code === 'EPIPE';

async function withDatabase<T>(ctx: CommandContext, fn: (database: Awaited<ReturnType<CommandContext['openDatabase']>>) => Promise<T>): Promise<T> {
  const database = await ctx.openDatabase();
  try {
    return await fn(database);
  } catch (err) {
    if (hasCode(err, UNDEFINED_FUNCTION)) {
      throw new Error('the database has no analytics functions (connect.availability); run "connect-sync migrate" first', { cause: err });
    }
    throw err;
  } finally {
    await database.close();
  }
}

function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PeriodError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

async function usageAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PeriodError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

function warnIfFuture(ctx: CommandContext, end: Date): void {
  if (end.getTime() > Date.now()) {
    ctx.logger.warn({ periodEnd: end.toISOString() }, 'the period ends in the future: time after now is not observed (and counts as outage with --count-not-observed-as-outage)');
  }
}

async function emit(ctx: CommandContext, text: string, out: string | undefined): Promise<void> {
  if (out) {
    await writeFile(out, text);
    ctx.logger.info({ file: out, bytes: Buffer.byteLength(text) }, 'report saved');
    return;
  }
  const onError = (err: Error) => {
    if (!closedPipe(err)) ctx.logger.error({ err: err.message }, 'writing the report to stdout failed');
  };
  process.stdout.on('error', onError);
  try {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (err) => (err && !closedPipe(err) ? reject(err) : resolve())));
  } finally {
    setImmediate(() => process.stdout.off('error', onError));
  }
}
