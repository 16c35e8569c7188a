// What the CONNECT API client offers its callers (client.ts builds it): options, the client's
// operations, their results and statistics.
import type { Logger } from '../log.js';
import type { Catalog, Dialect } from './catalog.js';
import type { Pass } from './paginate.js';
import type { OperationName } from './reference.js';
import type { CardRecord, ChargepointRecord, ContactRecord, PageResult, PriceRecord, SessionRecord } from './records.js';
import type { Limiter } from './limiter.js';
import type { RequestCounters, RequestResult, RetryOptions, Transport } from './transport.js';

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
  /** Skip introspection: start from the reference's documents in this dialect and learn from validation errors. */
  dialect?: Dialect | undefined;
  /** Aborts requests and retry waits (shutdown). */
  signal?: AbortSignal | undefined;
  /** Pages of the status poll asked ahead while one is written; default the limiter's concurrency. */
  readAhead?: number | undefined;
  /**
   * What an earlier process learnt about this server (db/upstream-schema.ts keeps it in PostgreSQL):
   * the first pages are then asked at once while the live schema is read again beside them.
   */
  schemaStore?: SchemaStore | undefined;
}

/** Page sizes of one list as a pass saw them (they only plan read-ahead). */
export interface StoredPageSizes {
  effective?: number;
  /** ISO time the cap was first seen: a cap older than a day is learnt again. */
  effectiveSince?: string;
  listSize?: number;
}

/** Where the client keeps the server's schema and page sizes between processes (a cache: failures are logged, never fatal). */
export interface SchemaStore {
  load(): Promise<{ hash: string | null; introspection: unknown; pages: Record<string, StoredPageSizes> } | null>;
  saveSchema(hash: string, introspection: unknown): Promise<void>;
  savePages(pages: Record<string, StoredPageSizes>): Promise<void>;
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
  /** The dialect the server speaks (read once, then cached). */
  dialect(): Promise<Dialect>;
  /** What this server offers (introspection, or what its validation errors taught), read once. */
  catalog(): Promise<Catalog>;
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
  /** Low-level: one operation as this server takes it (generated document, learning, schema re-read), for `check` and diagnostics. */
  request(name: OperationName, variables: Record<string, unknown>, counters?: RequestCounters): Promise<RequestResult>;
  /** Lowest level: one fixed document with retries. */
  readonly transport: Transport;
  /** Requests, retries and 429s since the client was created. */
  readonly stats: Readonly<ClientStats>;
  readonly pageSize: number;
  readonly logger: Logger;
}
