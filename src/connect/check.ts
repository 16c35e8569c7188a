// `connect-sync check`: connects, authenticates, reads what the API offers (the same catalog the
// sync uses) and sorts every difference from the reference, as Airbyte sorts schema changes:
//   ok        everything the reference documents is offered;
//   degraded  documented fields or operations a job can do without are missing (each listed with
//             what it costs, e.g. "Contact.fax is not offered: contacts.fax stays empty");
//   fatal     something a job cannot work without is missing (its list operation, paging
//             arguments, record key, or the connector status): named with the job it blocks.
// Without introspection, each job's operations are sent once with one record, so the validation
// errors teach the catalog what the sync would learn.
//
// Exit codes of checkCommand:
//   0  ok or degraded
//   1  fatal: a job cannot run against this API
//   2  configuration: CONNECT_API_URL or CONNECT_API_KEY missing or invalid
//   3  authentication: the API refused the key (HTTP 401/403)
//   4  unreachable: network error, timeout, 5xx, rate limited, or the URL does not answer like a GraphQL API
import { ConfigError, requireApi, type Config } from '../config.js';
import type { Logger } from '../log.js';
import { scrubSecrets } from '../log.js';
import { blockedLine, dialectName, jobsOf, type Dialect } from './catalog.js';
import { createConnectClient, type ConnectClient } from './client.js';
import {
  AuthenticationError,
  ConnectApiError,
  GraphQLResponseError,
  RateLimitedError,
  SchemaMismatchError,
  TransientError,
  UnexpectedResponseError,
} from './errors.js';
import { createLimiter } from './limiter.js';
import { OPERATION_COST, type OperationName } from './reference.js';

export interface CheckResult {
  outcome: 'ok' | 'degraded' | 'fatal';
  /** False only when fatal. */
  ok: boolean;
  /** The dialect, null when getChargepoints cannot be used. */
  dialect: Dialect | null;
  /** Fatal: one line per operation a job cannot work without, naming the job. */
  problems: string[];
  /** Degraded: one line per missing field, argument or optional operation, with what it costs. */
  degraded: string[];
  /** Worth knowing, changes nothing (introspection refused, a loose part read one way). */
  warnings: string[];
}

export const CHECK_EXIT = Object.freeze({ ok: 0, problems: 1, config: 2, auth: 3, unreachable: 4 });

/** Without introspection: sends each job's operations once so the catalog learns them. */
async function probe(client: ConnectClient, warnings: string[]): Promise<void> {
  const attempt = async <T>(name: OperationName, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (err) {
      if (err instanceof SchemaMismatchError) return undefined; // the catalog holds the reason
      if (err instanceof GraphQLResponseError) {
        warnings.push(`${name} answered an error when asked for one record: ${err.errors.map((e) => e.message).slice(0, 2).join('; ')}`);
        return undefined;
      }
      throw err;
    }
  };
  const cp = await attempt('getChargepoints', async () => {
    const d = await client.dialect();
    const { data } = await client.request('getChargepoints', d.pagination === 'offset' ? { offset: 0, limit: 1 } : { count: 1, page: 0 });
    const list = (data['getChargepoints'] as { chargepoints?: Array<Record<string, unknown>> } | null)?.chargepoints ?? [];
    return list[0];
  });
  const cpId = cp ? String(cp['id'] ?? cp['uuid'] ?? '') : '';
  if (cpId) {
    await attempt('getChargepoint', () => client.getChargepoint({ id: cpId }));
    await attempt('getPrice', () => client.getPrice(cpId));
  } else warnings.push('no chargepoint to ask getChargepoint and getPrice for: not checked');
  const contact = await attempt('getContacts', () => client.request('getContacts', { offset: 0, limit: 1 }));
  const contactId = ((contact?.data['getContacts'] as Array<{ id?: unknown }> | null) ?? [])[0]?.id;
  if (contactId !== undefined && contactId !== null) {
    await attempt('getContact', () => client.getContact(String(contactId)));
    await attempt('getCards', () => client.request('getCards', { contactId: String(contactId), offset: 0, limit: 1 }));
    await attempt('getChargingSessions', () => client.request('getChargingSessions', { contactId: String(contactId), offset: 0, limit: 1 }));
  } else warnings.push('no contact to ask getCards and getChargingSessions for: not checked');
}

/**
 * Checks the API behind `client`. A refused key (AuthenticationError) or an unreachable API
 * (TransientError, UnexpectedResponseError, RateLimitedError) is thrown.
 */
export async function checkApi(client: ConnectClient): Promise<CheckResult> {
  const warnings: string[] = [];
  const cat = await client.catalog();
  if (!cat.schema) {
    warnings.push(`introspection is not available (${cat.introspectionRefused ?? 'refused'}); each job's operations were sent once to learn what the API takes`);
    await probe(client, warnings);
  }
  const { blocked, missing, info } = cat.analysis();
  const problems: string[] = [];
  const degraded: string[] = [];
  for (const [name, why] of blocked) {
    const line = blockedLine(name, why);
    if (jobsOf(name).essential.length > 0) problems.push(line);
    else degraded.push(`${line} (${OPERATION_COST[name] ?? 'nothing'})`);
  }
  for (const m of missing) degraded.push(`${m.field} is not offered: ${m.cost}`);
  warnings.push(...info);

  let dialect: Dialect | null = null;
  if (!blocked.has('getChargepoints')) {
    try {
      dialect = await client.dialect();
      // A real data request: proves the key works for data, not only for introspection.
      if (cat.schema) await client.request('getChargepoints', dialect.pagination === 'offset' ? { offset: 0, limit: 1 } : { count: 1, page: 0 });
    } catch (err) {
      if (err instanceof SchemaMismatchError) problems.push(err.problems.join('; '));
      else if (err instanceof GraphQLResponseError) problems.push(`getChargepoints failed: ${err.errors.map((e) => e.message).join('; ')}`);
      else throw err;
    }
  }
  const outcome = problems.length > 0 ? 'fatal' : degraded.length > 0 ? 'degraded' : 'ok';
  return { outcome, ok: outcome !== 'fatal', dialect, problems, degraded, warnings };
}

export interface CheckOutput {
  write(text: string): unknown;
}

/**
 * `connect-sync check`: prints one line per finding and a last line with the outcome to `out`
 * (stdout) and returns the exit code (see CHECK_EXIT above).
 */
export async function checkCommand(config: Config, logger: Logger, out: CheckOutput = process.stdout): Promise<number> {
  const print = (line: string) => out.write(`${scrubSecrets(line)}\n`);
  let api: { url: string; apiKey: string };
  try {
    api = requireApi(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    print(`configuration: ${err.message}`);
    return CHECK_EXIT.config;
  }
  const where = (() => {
    const u = new URL(api.url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  })();
  const client = createConnectClient({
    url: api.url,
    apiKey: api.apiKey,
    timeoutMs: config.timeoutMs,
    pageSize: 1,
    limiter: createLimiter({ concurrency: config.concurrency, maxRps: config.maxRps }),
    logger,
    // A check should answer within seconds, not ride out a two-minute outage.
    retry: { maxAttempts: 3, maxTotalMs: 20_000, maxRateLimitedRetries: 2 },
  });
  try {
    const result = await checkApi(client);
    for (const w of result.warnings) print(`note: ${w}`);
    for (const d of result.degraded) print(`degraded: ${d}`);
    for (const p of result.problems) print(`fatal: ${p}`);
    const dialect = result.dialect ? dialectName(result.dialect) : 'unknown';
    if (result.outcome === 'ok') {
      print(`ok: ${where} accepts the API key, speaks the ${dialect} dialect, and offers everything connect-sync reads`);
      return CHECK_EXIT.ok;
    }
    if (result.outcome === 'degraded') {
      print(`degraded: ${where} accepts the API key and speaks the ${dialect} dialect; every job runs, without the ${result.degraded.length} item(s) above`);
      return CHECK_EXIT.ok;
    }
    logger.error({ problems: result.problems.length }, 'the CONNECT API lacks what a connect-sync job cannot work without');
    print(`fatal: ${result.problems.length} problem(s) above block a job; ask the API operator, or switch that job off (SYNC_*_CRON empty)`);
    return CHECK_EXIT.problems;
  } catch (err) {
    if (err instanceof AuthenticationError) {
      print(`authentication failed: ${err.message}`);
      return CHECK_EXIT.auth;
    }
    if (err instanceof TransientError || err instanceof UnexpectedResponseError || err instanceof RateLimitedError) {
      print(`unreachable: ${where}: ${err.message}`);
      return CHECK_EXIT.unreachable;
    }
    if (err instanceof ConnectApiError) {
      print(err.message);
      return CHECK_EXIT.problems;
    }
    throw err;
  }
}
