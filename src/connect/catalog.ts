// What this server offers, read once per client (per process in the CLI and the daemon): the
// introspected schema, or — where introspection is refused — what the server's validation errors
// taught. Every operation's document comes from here (operations.ts); `check` and the sync's
// warnings read the same analysis.
import { createHash } from 'node:crypto';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import type { Logger } from '../log.js';
import { apiFieldsMissing, apiSchemaRequests } from '../metrics.js';
import { ConnectApiError, GraphQLResponseError, SchemaMismatchError, type GraphQLErrorSummary } from './errors.js';
import { draftFromReference, draftFromSchema, learn, type Draft, type Missing, type Operation, type Pagination } from './operations.js';
import { ALL_OPERATIONS, JOB_OPERATIONS, type JobName, type OperationName } from './reference.js';
import type { OperationLike, RequestCounters, Transport } from './transport.js';

export const introspectionOperation: OperationLike = Object.freeze({
  name: 'IntrospectionQuery',
  source: getIntrospectionQuery({ descriptions: false }),
  kind: 'query',
  idempotent: true,
});

export interface Dialect {
  /** `offset`: getChargepoints(offset, limit); `paged`: getChargepoints(count, page). */
  pagination: Pagination;
  /** Key field of Chargepoint: id (the reference's schema section) or uuid (its curl example). */
  key: 'id' | 'uuid';
}

/** Short label for logs and `check`: "offset", "paged", or e.g. "offset/uuid" for a mix. */
export function dialectName(d: Dialect): string {
  const usual = d.pagination === 'offset' ? 'id' : 'uuid';
  return d.key === usual ? d.pagination : `${d.pagination}/${d.key}`;
}

/** The jobs that need an operation (essential) or use it (optional). */
export function jobsOf(name: OperationName): { essential: JobName[]; optional: JobName[] } {
  const out = { essential: [] as JobName[], optional: [] as JobName[] };
  for (const [job, ops] of Object.entries(JOB_OPERATIONS) as Array<[JobName, (typeof JOB_OPERATIONS)[JobName]]>) {
    if (ops.essential.includes(name)) out.essential.push(job);
    if (ops.optional.includes(name)) out.optional.push(job);
  }
  return out;
}

/** Fatal problems of one operation as one line: what, on which type, for which job. */
export function blockedLine(name: OperationName, problems: readonly string[]): string {
  const { essential, optional } = jobsOf(name);
  const who = essential.length ? `the ${essential.join(' and ')} job cannot run` : optional.length ? `the ${optional.join(' and ')} job does without it` : 'no job uses it';
  return `${name}: ${problems.join('; ')}: ${who}`;
}

// Warned about once per process, whatever the number of clients and runs.
const warned = new Set<string>();

export class Catalog {
  private readonly drafts = new Map<OperationName, Draft>();
  /** Operations that were answered at least once (learning mode: their document is confirmed). */
  private readonly confirmed = new Set<OperationName>();

  constructor(
    /** The introspected schema; null when introspection is refused (learning from validation errors). */
    readonly schema: GraphQLSchema | null,
    private readonly logger: Logger,
    /** Why introspection could not be used, when it could not. */
    readonly introspectionRefused?: string,
    /** Without a schema: the getChargepoints paging to start from (the reference's schema section by default). */
    private readonly startPagination: Pagination = 'offset',
  ) {}

  get mode(): 'introspection' | 'validation errors' {
    return this.schema ? 'introspection' : 'validation errors';
  }

  draft(name: OperationName): Draft {
    let d = this.drafts.get(name);
    if (!d) {
      d = this.schema ? draftFromSchema(this.schema, name) : draftFromReference(name, this.startPagination);
      this.drafts.set(name, d);
      this.warnMissing(d);
    }
    return d;
  }

  /** The operation as this server takes it; a SchemaMismatchError (one line) when it cannot be sent. */
  operation(name: OperationName): Operation {
    const d = this.draft(name);
    if (d.operation && d.notes.fatal.length === 0) return d.operation;
    throw new SchemaMismatchError([blockedLine(name, d.notes.fatal)], { operation: name });
  }

  isConfirmed(name: OperationName): boolean {
    return this.schema !== null || this.confirmed.has(name);
  }

  confirm(name: OperationName): void {
    this.confirmed.add(name);
  }

  /** Learning mode: applies validation errors to the operation; true when it should be sent again. */
  learn(name: OperationName, errors: readonly GraphQLErrorSummary[], sent?: Operation): boolean {
    if (this.schema) return false;
    const d = this.draft(name);
    const changed = learn(d, errors, sent?.lines);
    this.warnMissing(d);
    return changed;
  }

  /** The dialect, when getChargepoints can be sent (in learning mode: once it has been answered). */
  dialect(): Dialect | null {
    const d = this.draft('getChargepoints');
    if (!d.operation || !d.pagination || !this.isConfirmed('getChargepoints')) return null;
    const cp = d.root.find((n) => n.name === 'chargepoints');
    const key = cp?.children?.some((n) => n.name === 'id') ? 'id' : 'uuid';
    return { pagination: d.pagination, key };
  }

  /** Everything known about the operations (all of them with a schema; those tried so far without). */
  analysis(names: readonly OperationName[] = ALL_OPERATIONS): { blocked: Map<OperationName, string[]>; missing: Missing[]; info: string[] } {
    const blocked = new Map<OperationName, string[]>();
    const missing = new Map<string, Missing>();
    const info = new Set<string>();
    for (const name of names) {
      if (!this.schema && !this.drafts.has(name)) continue;
      const d = this.draft(name);
      if (d.notes.fatal.length > 0) blocked.set(name, [...new Set(d.notes.fatal)]);
      for (const m of d.notes.missing) if (!missing.has(m.field)) missing.set(m.field, m);
      for (const i of d.notes.info) info.add(i);
    }
    return { blocked, missing: [...missing.values()], info: [...info] };
  }

  private warnMissing(d: Draft): void {
    for (const m of d.notes.missing) {
      apiFieldsMissing.set({ field: m.field }, 1);
      if (warned.has(m.field)) continue;
      warned.add(m.field);
      this.logger.warn({ field: m.field, operation: d.name }, `the CONNECT API does not offer ${m.field}: ${m.cost}`);
    }
  }
}

function compact(message: string): string {
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}

/** The catalog of an introspection result (a stored one); throws when it cannot be read. */
export function catalogFromIntrospection(data: unknown, logger: Logger): Catalog {
  return new Catalog(buildClientSchema(data as IntrospectionQuery), logger);
}

/** sha-256 of an introspection result, to tell whether a stored schema is still the server's. */
function schemaHash(data: unknown): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex');
}

/**
 * Reads the server's schema: its catalog, and the introspection result with its hash when the
 * server answered one that could be read. Introspection refused (a GraphQL error instead of a
 * schema) is not an error: the catalog then learns from validation errors. Auth and network
 * errors are thrown.
 */
export async function readSchema(
  transport: Transport,
  logger: Logger,
  counters?: RequestCounters,
): Promise<{ catalog: Catalog; introspection?: Record<string, unknown>; hash?: string }> {
  apiSchemaRequests.inc({ reason: 'introspection' });
  let data: Record<string, unknown>;
  try {
    ({ data } = await transport.request(introspectionOperation, {}, counters));
  } catch (err) {
    if (!(err instanceof SchemaMismatchError || err instanceof GraphQLResponseError)) throw err;
    // A refusal often comes as one error per introspected field: say it once.
    const messages = uniqueMessages(err);
    const reason = compact(`${messages[0] ?? err.message}${messages.length > 1 ? ` (and ${messages.length - 1} more error(s) like it)` : ''}`);
    const key = `introspection:${reason}`;
    if (!warned.has(key)) {
      warned.add(key);
      logger.warn({ reason }, 'the CONNECT API refuses introspection; connect-sync asks the documented fields and learns from the validation errors');
    }
    return { catalog: new Catalog(null, logger, reason) };
  }
  try {
    return { catalog: catalogFromIntrospection(data, logger), introspection: data, hash: schemaHash(data) };
  } catch (err) {
    const reason = compact(`the introspection result cannot be read (${(err as Error).message})`);
    logger.warn({ reason }, 'the CONNECT API answered introspection unreadably; connect-sync learns from validation errors instead');
    return { catalog: new Catalog(null, logger, reason) };
  }
}

function uniqueMessages(err: ConnectApiError): string[] {
  const all = err instanceof SchemaMismatchError ? (err.errors.length ? err.errors.map((e) => e.message) : err.problems) : err instanceof GraphQLResponseError ? err.errors.map((e) => e.message) : [err.message];
  return [...new Set(all)];
}
