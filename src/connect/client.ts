// The CONNECT API client: paginators, single-record queries, prices, the three mutations, dialect
// detection (cached per client) and per-client request statistics. Every request goes through
// the shared limiter passed in; records are validated at the boundary (records.ts).
import { z } from 'zod';
import type { Dialect } from './catalog.js';
import { createSchemaSource } from './schema-source.js';
import { listPathOf, type Operation } from './operations.js';
import type { OperationName } from './reference.js';
import { GraphQLResponseError, SchemaMismatchError } from './errors.js';
import { apiSchemaRequests } from '../metrics.js';
import { unmarkDecimals } from './json.js';
import { newPageMemory, newPassStats, paginate, type FetchedPage, type Page, type Pass, type PassStats } from './paginate.js';
import { probeFound, probeOperation, type ProbeOperation } from './probe.js';
import {
  parseCard,
  parseChargepoint,
  parseContact,
  parseList,
  parsePrice,
  parseSession,
  rawKey,
  type CardRecord,
  type ChargepointRecord,
  type ContactRecord,
  type EntityName,
  type PageResult,
  type ParseContext,
  type ParseOutcome,
  type SessionRecord,
} from './records.js';
import { createTransport, valueAt, type RequestCounters, type RequestResult } from './transport.js';
import type { ConnectClient, ConnectClientOptions, RemoteActionResult } from './client-api.js';

export type { ClientStats, ConnectClient, ConnectClientOptions, RemoteActionResult, SchemaStore, StoredPageSizes } from './client-api.js';

function listAt(data: Record<string, unknown>, path: readonly string[]): unknown[] {
  const v = valueAt(data, path);
  // A null list without errors is read as empty: GraphQL errors were already handled by the transport.
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new SchemaMismatchError([`${path.join('.')} is not a list`], { operation: path[0] });
  return v;
}

function fingerprint(raw: unknown): string {
  return rawKey(raw) ?? JSON.stringify(unmarkDecimals(raw) ?? null).slice(0, 500);
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

const remoteResultSchema = z
  .looseObject({
    message: z.string().nullish(),
    session: z.union([z.string(), z.number()]).nullish(),
    status: z.string().nullish(),
  })
  .nullish();

/** Validation-error rounds at most for one operation while learning the schema without introspection. */
const MAX_LEARN_ROUNDS = 6;

/** Variables for the arguments the server takes, typed as it declares them (an Int argument gets a number). */
function variablesFor(op: Operation, variables: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(variables)) {
    const type = op.args.get(name);
    if (type === undefined || value === undefined) continue;
    const base = type.replace(/!$/, '');
    out[name] = (base === 'Int' || base === 'Float') && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return out;
}

export function createConnectClient(options: ConnectClientOptions): ConnectClient {
  const logger = options.logger.child({ component: 'connect' });
  const transport = createTransport({ ...options, logger });
  const ctx: ParseContext = { logger };
  const pageSize = options.pageSize;
  // Page sizes this client has seen per operation: read-ahead planning and the short-page rule.
  const pageMemory = newPageMemory();
  // Where the server's schema comes from: read live, or stored by an earlier process and checked.
  const schema = createSchemaSource({ transport, logger, pageMemory, dialect: options.dialect, store: options.schemaStore });
  const catalog = schema.catalog;
  const catalogFor = schema.catalogFor;
  // End-of-list probes (probe.ts), per document printed for this server; operations that refused one.
  const probeDocuments = new Map<string, ProbeOperation | null>();
  const probesRefused = new Set<OperationName>();
  const probeOf = (op: Operation): ProbeOperation | null => {
    if (!probeDocuments.has(op.source)) probeDocuments.set(op.source, probeOperation(op));
    return probeDocuments.get(op.source)!;
  };

  /**
   * Sends one operation as this server takes it. Without introspection, validation errors teach the
   * document (a few rounds, each logged and counted); with it, a validation error on a document
   * that was built from the schema means the schema changed: it is read again once and the
   * operation re-sent, without a restart.
   */
  async function send(
    name: OperationName,
    variables: Record<string, unknown>,
    counters?: RequestCounters,
    probe?: { offset: number; probeAt: number },
    signal?: AbortSignal,
  ): Promise<RequestResult> {
    let reread = false;
    for (let round = 0; ; round++) {
      const { current, cat } = await catalogFor(name, counters);
      const op = cat.operation(name);
      const probing = probe && !probesRefused.has(name) ? probeOf(op) : null;
      try {
        const vars = variablesFor(op, variables);
        const result = probing
          ? await transport.request(probing.op, { ...vars, ...probing.variables(probe!.offset, probe!.probeAt) }, counters, signal)
          : await transport.request(op, vars, counters, signal);
        cat.confirm(name);
        return result;
      } catch (err) {
        if (probing && err instanceof SchemaMismatchError) {
          // This server will not take the probe: the plain document from now on (the empty page decides).
          probesRefused.add(name);
          logger.info({ operation: name, errors: err.errors.slice(0, 2).map((e) => e.message) }, 'the end-of-list probe was refused; asking the empty page instead');
          continue;
        }
        if (!(err instanceof SchemaMismatchError) || err.errors.length === 0) throw err;
        const messages = [...new Set(err.errors.map((e) => e.message))].slice(0, 5);
        if (!cat.schema) {
          // Another request of this operation may have learnt from the same errors meanwhile.
          const learnt = cat.learn(name, err.errors, op) || (cat.draft(name).operation !== op && cat.draft(name).notes.fatal.length === 0);
          if (round < MAX_LEARN_ROUNDS && learnt) {
            apiSchemaRequests.inc({ reason: 'learning' });
            logger.info({ operation: name, round: round + 1, errors: messages }, "learnt from the API's validation errors; sending again");
            continue;
          }
          cat.operation(name); // throws the one-line fatal problem when learning found one
          throw err;
        }
        if (reread) throw err;
        reread = true;
        logger.warn({ operation: name, errors: messages.slice(0, 3) }, 'the CONNECT API schema changed; reading it again');
        // Concurrent requests that failed alike read it once between them.
        schema.invalidate(current);
      }
    }
  }

  /** The dialect: from the schema, or (without introspection) from a one-record request, once. */
  async function dialect(counters?: RequestCounters): Promise<Dialect> {
    let { cat } = await catalogFor('getChargepoints', counters);
    if (!cat.isConfirmed('getChargepoints')) {
      const draft = cat.draft('getChargepoints');
      await send('getChargepoints', draft.pagination === 'paged' ? { count: 1, page: 0 } : { offset: 0, limit: 1 }, counters);
      cat = await catalog(counters);
    }
    cat.operation('getChargepoints');
    const d = cat.dialect();
    if (!d) throw new SchemaMismatchError(['getChargepoints: the paging style could not be told'], { operation: 'getChargepoints' });
    return d;
  }

  /** Runs a list operation and parses its page. */
  async function fetchList<T>(
    name: OperationName,
    variables: Record<string, unknown>,
    counters: RequestCounters,
    entity: EntityName,
    parseOne: (raw: unknown) => ParseOutcome<T>,
    options: {
      reportedTotal?: (data: Record<string, unknown>) => number | null;
      listSize?: (data: Record<string, unknown>) => number | null;
      keep?: (record: T) => boolean;
      probe?: { offset: number; probeAt: number };
      /** The pass no longer needs this page (it ended, or planned the page again). */
      signal?: AbortSignal;
    } = {},
  ): Promise<FetchedPage<T>> {
    const result = await send(name, variables, counters, options.probe, options.signal);
    const list = listAt(result.data, listPathOf(name));
    const parsed = parseList(list, parseOne, entity, result.recordErrors);
    const more = options.probe ? probeFound(result.data) : undefined;
    return {
      ...parsed,
      records: options.keep ? parsed.records.filter(options.keep) : parsed.records,
      received: list.length,
      receivedKeys: list.map(fingerprint),
      attempts: result.attempts,
      ...(options.reportedTotal ? { reportedTotal: options.reportedTotal(result.data) } : {}),
      ...(options.listSize ? { listSize: options.listSize(result.data) } : {}),
      ...(more !== undefined ? { more } : {}),
    };
  }

  /** A single-record query: no record when the API answers null; a record with persisting field errors becomes a reject. */
  async function single<T>(name: OperationName, variables: Record<string, unknown>, entity: EntityName, parseOne: (raw: unknown) => ParseOutcome<T>): Promise<PageResult<T>> {
    const { data, recordErrors } = await send(name, variables);
    const raw = data[name];
    if (raw === null || raw === undefined) return { records: [], rejects: [] };
    return parseList([raw], parseOne, entity, recordErrors);
  }

  async function remote(name: OperationName, variables: Record<string, unknown>): Promise<RemoteActionResult> {
    const { data, recordErrors } = await send(name, variables);
    const raw = data[name];
    const error = recordErrors.get(0);
    if (error !== undefined) throw new GraphQLResponseError([{ message: error, path: [name], code: undefined }], data, { operation: name });
    const parsed = remoteResultSchema.safeParse(raw);
    if (!parsed.success || !parsed.data) {
      throw new SchemaMismatchError([`${name} answered ${JSON.stringify(raw)?.slice(0, 200)}, not { message session status }`], { operation: name });
    }
    const r = parsed.data;
    return { message: r.message ?? null, session: r.session === null || r.session === undefined ? null : String(r.session), status: r.status ?? null, raw };
  }

  /** Whether the server takes argument `arg` of operation `name` (optional arguments may be missing). */
  async function takes(name: OperationName, arg: string): Promise<boolean> {
    return (await catalog()).operation(name).args.has(arg);
  }

  /**
   * A per-contact list. `active: true` where the server has no `active` argument: every record is
   * paged and only the active ones kept (status ACTIVE, any case).
   */
  function contactList<T>(
    name: 'getCards' | 'getChargingSessions',
    entity: EntityName,
    keyOf: (r: T) => string,
    variables: Record<string, unknown>,
    parseOne: (raw: unknown) => ParseOutcome<T>,
    activeOnly?: (record: T) => boolean,
  ): Pass<T> {
    const stats = newPassStats();
    async function* pages(): AsyncGenerator<Page<T>, PassStats, undefined> {
      const keep = activeOnly && !(await takes(name, 'active')) ? activeOnly : undefined;
      return yield* paginate<T>(
        {
          operation: name,
          style: 'offset',
          pageSize,
          keyOf,
          logger,
          memory: pageMemory,
          shortPageEnds: true,
          fetchPage: (cursor, counters, signal) =>
            fetchList(name, { ...variables, offset: cursor.offset, limit: cursor.limit }, counters, entity, parseOne, {
              signal,
              ...(keep ? { keep } : {}),
              ...(cursor.probeAt !== undefined ? { probe: { offset: cursor.offset, probeAt: cursor.probeAt } } : {}),
            }),
        },
        stats,
      );
    }
    return Object.assign(pages(), { stats });
  }

  function chargepointPages(): Pass<ChargepointRecord> {
    const stats = newPassStats();
    const parseOne = (raw: unknown) => parseChargepoint(raw, ctx);
    // The paging style is known once the schema is: read it (cached) on the first next().
    async function* pages(): AsyncGenerator<Page<ChargepointRecord>, PassStats, undefined> {
      const d = await dialect(stats);
      const paged = d.pagination === 'paged';
      const field = (data: Record<string, unknown>, name: string) => numberOrNull((data['getChargepoints'] as Record<string, unknown> | null)?.[name]);
      const done = yield* paginate<ChargepointRecord>(
        {
          operation: 'getChargepoints',
          style: d.pagination,
          pageSize,
          keyOf: (r) => r.id,
          logger,
          // The status poll asks the next pages while it writes this one: as many as may be in flight.
          readAhead: options.readAhead ?? options.limiter.concurrency,
          memory: pageMemory,
          fetchPage: (cursor, counters, signal) =>
            fetchList(
              'getChargepoints',
              paged ? { count: cursor.limit, page: cursor.page } : { offset: cursor.offset, limit: cursor.limit },
              counters,
              'chargepoint',
              parseOne,
              paged
                ? { signal, reportedTotal: (data) => field(data, 'total'), listSize: (data) => field(data, 'total') }
                : { signal, listSize: (data) => field(data, 'count') },
            ),
        },
        stats,
      );
      // The live schema read beside the first pages is part of the pass (its request is counted).
      await schema.settle();
      return done;
    }
    return Object.assign(pages(), { stats });
  }

  return {
    dialect: () => dialect(),
    catalog: () => catalog(),
    request: send,
    chargepointPages,
    contactPages: () =>
      paginate({
        operation: 'getContacts',
        style: 'offset',
        pageSize,
        keyOf: (r: ContactRecord) => r.id,
        logger,
        fetchPage: (cursor, counters, signal) =>
          fetchList('getContacts', { offset: cursor.offset, limit: cursor.limit }, counters, 'contact', (raw) => parseContact(raw, ctx), { signal }),
      }),
    cardPages: (contactId, opts = {}) =>
      contactList<CardRecord>('getCards', 'card', (r) => r.tagId, { contactId, active: opts.active }, (raw) => parseCard(raw, ctx, contactId)),
    sessionPages: (contactId, opts = {}) =>
      contactList<SessionRecord>(
        'getChargingSessions',
        'session',
        (r) => r.id,
        { contactId, active: opts.active, tagId: opts.tagId },
        (raw) => parseSession(raw, ctx, contactId),
        opts.active === true ? (r) => r.status?.toUpperCase() === 'ACTIVE' : undefined,
      ),
    getChargepoint: (by) => single('getChargepoint', { ...by }, 'chargepoint', (raw) => parseChargepoint(raw, ctx)),
    getContact: (id) => single('getContact', { id }, 'contact', (raw) => parseContact(raw, ctx)),
    getCard: (tagId) => single('getCard', { tagId }, 'card', (raw) => parseCard(raw, ctx)),
    getChargingSession: (id) => single('getChargingSession', { id }, 'session', (raw) => parseSession(raw, ctx)),
    getPrice: (chargepointId, tagId) =>
      single('getPrice', { chargepoint: chargepointId, tagId }, 'price', (raw) => parsePrice(raw, ctx, chargepointId, tagId)),
    remoteStart: (connectorId, tagId) => remote('remoteStart', { connectorId, tagId }),
    remoteStop: (sessionId) => remote('remoteStop', { session: sessionId }),
    updateCard: (tagId, changes) => single('updateCard', { tagId, ...changes }, 'card', (raw) => parseCard(raw, ctx)),
    transport,
    get stats() {
      return transport.stats;
    },
    pageSize,
    logger,
  };
}
