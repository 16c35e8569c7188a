// The CONNECT API client: paginators, single-record queries, prices, the three mutations, dialect
// detection (cached per client) and per-client request statistics. Every request goes through
// the shared limiter passed in; records are validated at the boundary (records.ts).
import { z } from 'zod';
import type { Logger } from '../log.js';
import {
  chargepointOperations,
  getCard as getCardOp,
  getCards as getCardsOp,
  getChargingSession as getChargingSessionOp,
  getChargingSessions as getChargingSessionsOp,
  getContact as getContactOp,
  getContacts as getContactsOp,
  getPrice as getPriceOp,
  remoteStart as remoteStartOp,
  remoteStop as remoteStopOp,
  updateCard as updateCardOp,
  type Dialect,
} from './documents.js';
import { detectDialect } from './dialect.js';
import { GraphQLResponseError, SchemaMismatchError } from './errors.js';
import { unmarkDecimals } from './json.js';
import type { Limiter } from './limiter.js';
import { newPassStats, paginate, type Cursor, type FetchedPage, type Page, type Pass, type PassStats } from './paginate.js';
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
  type PriceRecord,
  type SessionRecord,
} from './records.js';
import { createTransport, valueAt, type OperationLike, type RequestCounters, type RetryOptions, type Transport } from './transport.js';

export interface ConnectClientOptions {
  /** Full GraphQL endpoint (CONNECT_API_URL), e.g. https://host/graphql. */
  url: string;
  /** Sent as x-api-key; registered as a secret so it never reaches a log. */
  apiKey: string;
  /** Timeout of one HTTP request (CONNECT_TIMEOUT_MS). */
  timeoutMs: number;
  /** Records asked per page (CONNECT_PAGE_SIZE); servers may cap it. */
  pageSize: number;
  /** The process-wide limiter (createLimiter), shared by every client and job. */
  limiter: Limiter;
  logger: Logger;
  /** Retry tuning; tests pass small delays. */
  retry?: Partial<RetryOptions> | undefined;
  /** Skip detection and speak this dialect. */
  dialect?: Dialect | undefined;
  /** Aborts requests and retry waits (shutdown). */
  signal?: AbortSignal | undefined;
}

export interface RemoteActionResult {
  message: string | null;
  /** Charging session id. */
  session: string | null;
  status: string | null;
  raw: unknown;
}

export interface ClientStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Requests that were repeats of a failed attempt. */
  retries: number;
  /** 429 answers received. */
  rateLimited: number;
}

export interface ConnectClient {
  /** The dialect the server speaks (detected once, then cached). */
  dialect(): Promise<Dialect>;
  /** All chargepoints with their connectors and current connector status (the status poll). */
  chargepointPages(): Pass<ChargepointRecord>;
  contactPages(): Pass<ContactRecord>;
  /** Cards of one contact (`contactId` of each record is this contact). */
  cardPages(contactId: string, options?: { active?: boolean }): Pass<CardRecord>;
  /** Charging sessions of one contact; `active: true` for ongoing sessions only. */
  sessionPages(contactId: string, options?: { active?: boolean; tagId?: string }): Pass<SessionRecord>;
  /** Single records: `records` is empty when the API answers null; a bad record is in `rejects`. */
  getChargepoint(by: { id?: string; evse?: string }): Promise<PageResult<ChargepointRecord>>;
  getContact(id: string): Promise<PageResult<ContactRecord>>;
  getCard(tagId: string): Promise<PageResult<CardRecord>>;
  getChargingSession(id: string): Promise<PageResult<SessionRecord>>;
  getPrice(chargepointId: string, tagId?: string): Promise<PageResult<PriceRecord>>;
  remoteStart(connectorId: string, tagId: string): Promise<RemoteActionResult>;
  remoteStop(sessionId: string): Promise<RemoteActionResult>;
  updateCard(tagId: string, changes: { name?: string; active?: boolean }): Promise<PageResult<CardRecord>>;
  /** Low-level: one operation with retries, for `check` and diagnostics. */
  readonly transport: Transport;
  /** Requests, retries and 429s since the client was created. */
  readonly stats: Readonly<ClientStats>;
  readonly pageSize: number;
  readonly logger: Logger;
}

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

export function createConnectClient(options: ConnectClientOptions): ConnectClient {
  const logger = options.logger.child({ component: 'connect' });
  const transport = createTransport({ ...options, logger });
  const ctx: ParseContext = { logger };
  const pageSize = options.pageSize;
  let dialectPromise: Promise<Dialect> | undefined = options.dialect ? Promise.resolve(options.dialect) : undefined;

  function dialect(): Promise<Dialect> {
    if (!dialectPromise) {
      dialectPromise = detectDialect(transport).then(
        (d) => {
          logger.info({ dialect: d }, 'CONNECT API dialect detected');
          return d;
        },
        (err: unknown) => {
          dialectPromise = undefined; // try again next time
          throw err;
        },
      );
    }
    return dialectPromise;
  }

  /** Runs a list operation and parses its page. */
  async function fetchList<T>(
    op: OperationLike & { listPath?: readonly string[] },
    variables: Record<string, unknown>,
    counters: RequestCounters,
    entity: EntityName,
    parseOne: (raw: unknown) => ParseOutcome<T>,
    reportedTotal?: (data: Record<string, unknown>) => number | null,
  ): Promise<FetchedPage<T>> {
    const result = await transport.request(op, variables, counters);
    const list = listAt(result.data, op.listPath ?? [op.name]);
    const parsed = parseList(list, parseOne, entity, result.recordErrors);
    return {
      ...parsed,
      received: list.length,
      receivedKeys: list.map(fingerprint),
      attempts: result.attempts,
      ...(reportedTotal ? { reportedTotal: reportedTotal(result.data) } : {}),
    };
  }

  /** A single-record query: no record when the API answers null; a record with persisting field errors becomes a reject. */
  async function single<T>(
    op: OperationLike,
    variables: Record<string, unknown>,
    entity: EntityName,
    parseOne: (raw: unknown) => ParseOutcome<T>,
  ): Promise<PageResult<T>> {
    const { data, recordErrors } = await transport.request(op, variables);
    const raw = data[op.name];
    if (raw === null || raw === undefined) return { records: [], rejects: [] };
    return parseList([raw], parseOne, entity, recordErrors);
  }

  async function remote(op: OperationLike, variables: Record<string, unknown>): Promise<RemoteActionResult> {
    const { data, recordErrors } = await transport.request(op, variables);
    const raw = data[op.name];
    const error = recordErrors.get(0);
    if (error !== undefined) throw new GraphQLResponseError([{ message: error, path: [op.name], code: undefined }], data, { operation: op.name });
    const parsed = remoteResultSchema.safeParse(raw);
    if (!parsed.success || !parsed.data) {
      throw new SchemaMismatchError([`${op.name} answered ${JSON.stringify(raw)?.slice(0, 200)}, not { message session status }`], { operation: op.name });
    }
    const r = parsed.data;
    return { message: r.message ?? null, session: r.session === null || r.session === undefined ? null : String(r.session), status: r.status ?? null, raw };
  }

  function offsetFetcher<T>(
    op: OperationLike,
    entity: EntityName,
    variables: Record<string, unknown>,
    parseOne: (raw: unknown) => ParseOutcome<T>,
  ) {
    return (cursor: Cursor, counters: RequestCounters) =>
      fetchList(op, { ...variables, offset: cursor.offset, limit: cursor.limit }, counters, entity, parseOne);
  }

  function chargepointPages(): Pass<ChargepointRecord> {
    const stats = newPassStats();
    const parseOne = (raw: unknown) => parseChargepoint(raw, ctx);
    // The paging style is known once the dialect is: detect it (cached) on the first next().
    async function* pages(): AsyncGenerator<Page<ChargepointRecord>, PassStats, undefined> {
      const d = await dialect();
      const op = chargepointOperations(d).getChargepoints;
      const paged = d.pagination === 'paged';
      return yield* paginate<ChargepointRecord>(
        {
          operation: 'getChargepoints',
          style: d.pagination,
          pageSize,
          keyOf: (r) => r.id,
          logger,
          fetchPage: (cursor, counters) =>
            fetchList(
              op,
              paged ? { count: cursor.limit, page: cursor.page } : { offset: cursor.offset, limit: cursor.limit },
              counters,
              'chargepoint',
              parseOne,
              paged ? (data) => numberOrNull((data['getChargepoints'] as Record<string, unknown> | null)?.['total']) : undefined,
            ),
        },
        stats,
      );
    }
    return Object.assign(pages(), { stats });
  }

  return {
    dialect,
    chargepointPages,
    contactPages: () =>
      paginate({
        operation: 'getContacts',
        style: 'offset',
        pageSize,
        keyOf: (r: ContactRecord) => r.id,
        logger,
        fetchPage: offsetFetcher(getContactsOp, 'contact', {}, (raw) => parseContact(raw, ctx)),
      }),
    cardPages: (contactId, opts = {}) =>
      paginate({
        operation: 'getCards',
        style: 'offset',
        pageSize,
        keyOf: (r: CardRecord) => r.tagId,
        logger,
        fetchPage: offsetFetcher(getCardsOp, 'card', { contactId, ...(opts.active !== undefined ? { active: opts.active } : {}) }, (raw) =>
          parseCard(raw, ctx, contactId),
        ),
      }),
    sessionPages: (contactId, opts = {}) =>
      paginate({
        operation: 'getChargingSessions',
        style: 'offset',
        pageSize,
        keyOf: (r: SessionRecord) => r.id,
        logger,
        fetchPage: offsetFetcher(
          getChargingSessionsOp,
          'session',
          {
            contactId,
            ...(opts.active !== undefined ? { active: opts.active } : {}),
            ...(opts.tagId !== undefined ? { tagId: opts.tagId } : {}),
          },
          (raw) => parseSession(raw, ctx, contactId),
        ),
      }),
    getChargepoint: async (by) => {
      const ops = chargepointOperations(await dialect());
      return single(ops.getChargepoint, { ...by }, 'chargepoint', (raw) => parseChargepoint(raw, ctx));
    },
    getContact: (id) => single(getContactOp, { id }, 'contact', (raw) => parseContact(raw, ctx)),
    getCard: (tagId) => single(getCardOp, { tagId }, 'card', (raw) => parseCard(raw, ctx)),
    getChargingSession: (id) => single(getChargingSessionOp, { id }, 'session', (raw) => parseSession(raw, ctx)),
    getPrice: (chargepointId, tagId) =>
      single(getPriceOp, { chargepoint: chargepointId, ...(tagId !== undefined ? { tagId } : {}) }, 'price', (raw) => parsePrice(raw, ctx, chargepointId, tagId)),
    remoteStart: (connectorId, tagId) => remote(remoteStartOp, { connectorId, tagId }),
    remoteStop: (sessionId) => remote(remoteStopOp, { session: sessionId }),
    updateCard: (tagId, changes) => single(updateCardOp, { tagId, ...changes }, 'card', (raw) => parseCard(raw, ctx)),
    transport,
    get stats() {
      return transport.stats;
    },
    pageSize,
    logger,
  };
}
