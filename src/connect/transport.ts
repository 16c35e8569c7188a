// Sends one GraphQL operation to the CONNECT API with graphql-request, through the shared limiter,
// with a per-attempt timeout, and retries by cause:
//   401/403 (or a GraphQL UNAUTHENTICATED error) → AuthenticationError at once, exactly one request;
//   429 → waits Retry-After (seconds or HTTP date; capped), pauses the shared limiter, own bound;
//   network error, timeout, 5xx, dropped connection, unreadable body → exponential backoff with
//     full jitter, bounded attempts and bounded total time, then TransientError;
//   GraphQL errors that point at single records of a list page (path below the list, e.g.
//     getChargepoints.chargepoints.3.connectors) → retried like a transient failure up to
//     maxPartialAttempts; if they persist, the data is returned with `recordErrors` so the caller
//     turns exactly those records into rejects; nothing is silently dropped;
//   GraphQL errors at the top-level field → GraphQLResponseError (validation errors → SchemaMismatchError).
// A non-idempotent mutation (remoteStart/remoteStop) is not re-sent when an attempt may have reached
// the server (timeout, dropped connection, 5xx): a second start could open a second session.
import { ClientError, GraphQLClient } from 'graphql-request';
import type { Logger } from '../log.js';
import { registerSecret, scrubSecrets } from '../log.js';
import { apiRateLimited, apiRequestDuration, apiRequests, apiRetries } from '../metrics.js';
import {
  AbortedError,
  AuthenticationError,
  GraphQLResponseError,
  RateLimitedError,
  SchemaMismatchError,
  TransientError,
  UnexpectedResponseError,
  type GraphQLErrorSummary,
} from './errors.js';
import { jsonSerializer, selectsMoney } from './json.js';
import { sleep, type Limiter } from './limiter.js';

export interface RetryOptions {
  /** Attempts at most for transient failures, the first included (default 6). */
  maxAttempts: number;
  /** Time at most spent on one request over all attempts and waits, queueing excluded (default 120 000). */
  maxTotalMs: number;
  /** Backoff: the n-th wait is random(0, min(maxDelayMs, baseDelayMs·2^(n-1))) (default 500). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** 429 answers tolerated per request before giving up (default 10); they do not use up maxAttempts. */
  maxRateLimitedRetries: number;
  /** Longest Retry-After honoured; longer ones are capped (default 60 000). */
  maxRetryAfterMs: number;
  /** Attempts at most while GraphQL errors point at single records of a page (default 3). */
  maxPartialAttempts: number;
  /** Random source for jitter, [0, 1). */
  random: () => number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 6,
  maxTotalMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRateLimitedRetries: 10,
  maxRetryAfterMs: 60_000,
  maxPartialAttempts: 3,
  random: Math.random,
});

/** What the transport needs to know about an operation (documents.ts Operation satisfies it). */
export interface OperationLike {
  readonly name: string;
  readonly source: string;
  readonly kind: 'query' | 'mutation';
  readonly idempotent: boolean;
  readonly listPath?: readonly string[];
  /** Extra root fields (aliases) of the document whose errors only leave that field unanswered. */
  readonly optionalRoots?: readonly string[];
}

export interface RequestCounters {
  /** HTTP requests sent (every attempt). */
  requests: number;
  /** Attempts that were repeated (any reason). */
  retries: number;
  /** 429 answers. */
  rateLimited: number;
}

export interface RequestResult {
  data: Record<string, unknown>;
  /** Positions in the operation's list → GraphQL error message, for errors that persisted on single records. */
  recordErrors: Map<number, string>;
  /** HTTP requests this call made. */
  attempts: number;
}

export interface TransportOptions {
  url: string;
  apiKey: string;
  timeoutMs: number;
  limiter: Limiter;
  logger: Logger;
  retry?: Partial<RetryOptions> | undefined;
  /** Aborts waits and requests in flight (shutdown). */
  signal?: AbortSignal | undefined;
}

export interface Transport {
  /** `signal` cancels this request (its waits, retries and the attempt in flight): a pass that ends drops the pages it no longer needs. */
  request(op: OperationLike, variables?: Record<string, unknown>, counters?: RequestCounters, signal?: AbortSignal): Promise<RequestResult>;
  /** Requests, retries and 429s of this client since it was created. */
  readonly stats: Readonly<RequestCounters>;
}

type Attempt =
  | { kind: 'ok'; data: Record<string, unknown> }
  | { kind: 'partial'; data: Record<string, unknown>; recordErrors: Map<number, string>; errors: GraphQLErrorSummary[] }
  | { kind: 'graphql'; data: unknown; errors: GraphQLErrorSummary[]; status: number; retryable: boolean }
  | { kind: 'schema'; errors: GraphQLErrorSummary[] }
  | { kind: 'auth'; status: number; cause: unknown }
  | { kind: 'rate_limited'; retryAfterMs: number | undefined; cause: unknown }
  | { kind: 'transient'; reason: 'network' | 'timeout' | 'http_5xx' | 'invalid_response'; detail: string; reachedServer: boolean; cause: unknown }
  | { kind: 'unexpected'; status: number | undefined; detail: string; cause: unknown };

/** Parses Retry-After: delay-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const VALIDATION_MESSAGE = /^(Cannot query field|Unknown argument|Unknown type|Unknown fragment|Variable "\$|Field ".*" (must|argument)|Fragment .* cannot be spread)/;
const AUTH_CODES = new Set(['UNAUTHENTICATED', 'UNAUTHORIZED', 'FORBIDDEN']);

function summarise(errors: unknown): GraphQLErrorSummary[] {
  if (!Array.isArray(errors)) return errors ? [{ message: scrubSecrets(String(JSON.stringify(errors))), path: undefined, code: undefined }] : [];
  return errors.map((e: unknown) => {
    const o = (e ?? {}) as { message?: unknown; path?: unknown; locations?: unknown; extensions?: { code?: unknown } };
    const locations = Array.isArray(o.locations)
      ? (o.locations as Array<{ line?: unknown; column?: unknown }>)
          .filter((l) => typeof l?.line === 'number')
          .map((l) => ({ line: l.line as number, column: typeof l.column === 'number' ? l.column : 0 }))
      : undefined;
    return {
      locations,
      message: scrubSecrets(typeof o.message === 'string' ? o.message : 'unknown error'),
      path: Array.isArray(o.path) ? (o.path.filter((p) => typeof p === 'string' || typeof p === 'number') as Array<string | number>) : undefined,
      code: typeof o.extensions?.code === 'string' ? o.extensions.code : undefined,
    };
  });
}

/** GraphQL error codes of server-side failures that may pass when asked again. */
const TRANSIENT_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'TIMEOUT', 'GATEWAY_TIMEOUT']);

/** The value at `path` inside parsed `data`, or undefined. */
export function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = data;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[key] : undefined;
  return v;
}

/**
 * Classifies GraphQL `errors` that came with a parsed response. An error is
 * - on a record when its path goes below one record: a list entry (list operations, e.g.
 *   getChargepoints.chargepoints.3.connectors) or the single record (getCard.name);
 * - on page metadata when it is below the root field but outside the list (getChargepoints.count):
 *   the records are intact, the page is usable;
 * - on the operation otherwise (no path, or the root field itself).
 * Only when no error is on the operation is the response `partial`.
 */
function classifyGraphQLErrors(op: OperationLike, data: unknown, errors: GraphQLErrorSummary[], status: number): Attempt {
  if (errors.some((e) => e.code === 'GRAPHQL_VALIDATION_FAILED' || e.code === 'GRAPHQL_PARSE_FAILED' || VALIDATION_MESSAGE.test(e.message))) {
    return { kind: 'schema', errors };
  }
  if (errors.some((e) => e.code !== undefined && AUTH_CODES.has(e.code))) return { kind: 'auth', status, cause: undefined };
  const listPath = op.listPath;
  const list = listPath ? valueAt(data, listPath) : undefined;
  const single = listPath ? undefined : valueAt(data, [op.name]);
  const recordErrors = new Map<number, string>();
  const note = (index: number, e: GraphQLErrorSummary, rest: readonly (string | number)[]) => {
    const text = `${e.message}${rest.length ? ` (at ${rest.join('.')})` : ''}`;
    recordErrors.set(index, recordErrors.has(index) ? `${recordErrors.get(index)}; ${text}` : text);
  };
  const onOperation = errors.filter((e) => {
    const path = e.path;
    if (!path || path.length <= 1 || path[0] !== op.name) return true;
    if (listPath && Array.isArray(list)) {
      if (listPath.every((k, i) => path[i] === k) && path.length > listPath.length) {
        const index = path[listPath.length];
        if (typeof index !== 'number' || index < 0 || index >= list.length) return true;
        note(index, e, path.slice(listPath.length + 1));
        return false;
      }
      // On the list itself (or above it) concerns the operation; elsewhere below the root field it
      // is page metadata (count, total, nextPage).
      return listPath.every((k, i) => i >= path.length || path[i] === k);
    }
    if (!listPath && single !== null && typeof single === 'object') {
      note(0, e, path.slice(1));
      return false;
    }
    return true;
  });
  if (onOperation.length === 0 && data !== null && typeof data === 'object') {
    return { kind: 'partial', data: data as Record<string, unknown>, recordErrors, errors };
  }
  const retryable = onOperation.every((e) => e.code !== undefined && TRANSIENT_CODES.has(e.code));
  return { kind: 'graphql', data, errors, status, retryable };
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function describe(err: unknown): string {
  const e = err as { message?: unknown; cause?: { message?: unknown } };
  const code = errorCode(err);
  const cause = typeof e?.cause?.message === 'string' ? e.cause.message : undefined;
  return scrubSecrets([String(e?.message ?? err), code && !cause?.includes(code) ? code : undefined, cause].filter(Boolean).join(': '));
}

/** A compact stand-in for graphql-request's ClientError, whose message holds the whole request and response. */
function httpCause(status: number, body: string): Error {
  const err = new Error(scrubSecrets(`HTTP ${status}: ${body.slice(0, 300)}`));
  err.name = 'HttpResponse';
  return err;
}

function outcomeLabel(a: Attempt): string {
  switch (a.kind) {
    case 'ok':
      return 'ok';
    case 'partial':
      return 'graphql_partial';
    case 'graphql':
      return 'graphql_error';
    case 'schema':
      return 'schema_mismatch';
    case 'auth':
      return 'auth';
    case 'rate_limited':
      return 'rate_limited';
    case 'transient':
      return a.reason;
    case 'unexpected':
      return 'unexpected_response';
  }
}

export function createTransport(options: TransportOptions): Transport {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  registerSecret(options.apiKey);
  const { limiter, logger, signal: callerSignal } = options;
  const clientOptions = { headers: { 'x-api-key': options.apiKey, 'user-agent': 'connect-sync' }, errorPolicy: 'all' } as const;
  const client = new GraphQLClient(options.url, { ...clientOptions, jsonSerializer });
  // A document that selects no money field cannot be answered with one: its response is parsed by
  // JSON.parse alone (the status poll's 600 kB pages skip the money rewrite, ~2 ms each).
  const plainClient = new GraphQLClient(options.url, { ...clientOptions, jsonSerializer: JSON });
  const stats: RequestCounters = { requests: 0, retries: 0, rateLimited: 0 };

  async function attemptOnce(op: OperationLike, variables: Record<string, unknown> | undefined, abort: AbortSignal | undefined): Promise<Attempt> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = abort ? AbortSignal.any([timeout, abort]) : timeout;
    try {
      const res = await (selectsMoney(op) ? client : plainClient).rawRequest<Record<string, unknown>>({ query: op.source, variables: variables ?? {}, signal });
      const errors = summarise(res.errors).filter((e) => {
        const root = e.path?.[0];
        return !(typeof root === 'string' && op.optionalRoots?.includes(root));
      });
      if (errors.length === 0) {
        if (!res.data || typeof res.data !== 'object') {
          return { kind: 'transient', reason: 'invalid_response', detail: 'response without data or errors', reachedServer: true, cause: undefined };
        }
        return { kind: 'ok', data: res.data };
      }
      return classifyGraphQLErrors(op, res.data, errors, res.status);
    } catch (err) {
      if (abort?.aborted) throw new AbortedError({ operation: op.name, cause: abort.reason });
      if (err instanceof ClientError) {
        const { status, body } = err.response;
        const cause = httpCause(status, body ?? '');
        if (status === 401 || status === 403) return { kind: 'auth', status, cause };
        if (status === 429) return { kind: 'rate_limited', retryAfterMs: parseRetryAfter(err.response.headers?.get('retry-after')), cause };
        if (status >= 500 || status === 408) {
          return { kind: 'transient', reason: status === 408 ? 'timeout' : 'http_5xx', detail: `HTTP ${status}`, reachedServer: true, cause };
        }
        // 400/422 with GraphQL errors: the server rejected the operation (validation, bad input).
        // Any other 4xx (404, 405, ...) means the URL is not the GraphQL endpoint.
        const errors = summarise(err.response.errors);
        if (errors.length > 0 && (status === 400 || status === 422)) return classifyGraphQLErrors(op, err.response.data, errors, status);
        return { kind: 'unexpected', status, detail: scrubSecrets((body ?? '').slice(0, 120)) || 'empty body', cause };
      }
      if (timeout.aborted || (err as { name?: unknown })?.name === 'TimeoutError') {
        return { kind: 'transient', reason: 'timeout', detail: `no answer within ${options.timeoutMs} ms`, reachedServer: true, cause: err };
      }
      if (err instanceof SyntaxError || (err instanceof Error && err.message.startsWith('Invalid execution result'))) {
        return { kind: 'transient', reason: 'invalid_response', detail: `unreadable response (${describe(err)})`, reachedServer: true, cause: err };
      }
      const code = errorCode(err);
      return { kind: 'transient', reason: 'network', detail: describe(err), reachedServer: !(code && NOT_SENT_CODES.has(code)), cause: err };
    }
  }

  function backoff(n: number): number {
    return Math.floor(retry.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (n - 1)));
  }

  async function request(op: OperationLike, variables?: Record<string, unknown>, counters?: RequestCounters, signal?: AbortSignal): Promise<RequestResult> {
    // Shutdown (the client's signal) or the caller's own cancellation, whichever comes first.
    const abort = signal && callerSignal ? AbortSignal.any([signal, callerSignal]) : (signal ?? callerSignal);
    let attempt = 0;
    let transientFailures = 0;
    let partialFailures = 0;
    let rateLimited = 0;
    let spentMs = 0;
    const operation = op.name;

    for (;;) {
      attempt++;
      let started = 0;
      let outcome: Attempt;
      try {
        outcome = await limiter.run(async () => {
          started = performance.now();
          // Counted when sent: a request cut short by a cancellation was made all the same.
          stats.requests++;
          if (counters) counters.requests++;
          return attemptOnce(op, variables, abort);
        }, abort);
      } catch (err) {
        // Aborted while waiting for a slot or a start time.
        if (abort?.aborted && !(err instanceof AbortedError)) throw new AbortedError({ operation, cause: err });
        throw err;
      }
      const durationMs = performance.now() - started;
      spentMs += durationMs;
      const label = outcomeLabel(outcome);
      apiRequests.inc({ operation, outcome: label });
      apiRequestDuration.observe({ operation }, durationMs / 1000);
      logger.debug(
        { operation, attempt, durationMs: Math.round(durationMs), outcome: label, ...(outcome.kind === 'transient' ? { detail: outcome.detail } : {}) },
        'CONNECT API request',
      );

      let waitMs: number;
      switch (outcome.kind) {
        case 'ok':
          limiter.succeeded();
          return { data: outcome.data, recordErrors: new Map(), attempts: attempt };
        case 'auth':
          throw new AuthenticationError(outcome.status, { operation, cause: outcome.cause });
        case 'unexpected':
          throw new UnexpectedResponseError(outcome.status, outcome.detail, { operation, cause: outcome.cause });
        case 'schema':
          throw new SchemaMismatchError(
            outcome.errors.map((e) => e.message),
            { operation, errors: outcome.errors },
          );
        case 'graphql': {
          // Server-side failures (INTERNAL_SERVER_ERROR, ...) of a query are asked again like a 5xx.
          transientFailures++;
          waitMs = backoff(transientFailures);
          if (!outcome.retryable || !op.idempotent || transientFailures >= retry.maxAttempts || spentMs + waitMs > retry.maxTotalMs) {
            throw new GraphQLResponseError(outcome.errors, outcome.data, { operation });
          }
          break;
        }
        case 'rate_limited': {
          rateLimited++;
          stats.rateLimited++;
          if (counters) counters.rateLimited++;
          apiRateLimited.inc({ operation });
          waitMs = Math.min(outcome.retryAfterMs ?? backoff(rateLimited), retry.maxRetryAfterMs);
          if (rateLimited > retry.maxRateLimitedRetries || spentMs + waitMs > retry.maxTotalMs) {
            throw new RateLimitedError(attempt, outcome.retryAfterMs, { operation, cause: outcome.cause });
          }
          limiter.pause(waitMs);
          limiter.rateLimited();
          break;
        }
        case 'partial': {
          partialFailures++;
          transientFailures++;
          waitMs = backoff(transientFailures);
          if (
            !op.idempotent ||
            partialFailures >= retry.maxPartialAttempts ||
            transientFailures >= retry.maxAttempts ||
            spentMs + waitMs > retry.maxTotalMs
          ) {
            logger.warn(
              { operation, attempts: attempt, records: outcome.recordErrors.size, errors: outcome.errors.slice(0, 3) },
              'the CONNECT API kept reporting errors on single records; they become rejects, the rest of the page is kept',
            );
            return { data: outcome.data, recordErrors: outcome.recordErrors, attempts: attempt };
          }
          break;
        }
        case 'transient': {
          transientFailures++;
          waitMs = backoff(transientFailures);
          const unsafe = !op.idempotent && outcome.reachedServer;
          if (unsafe || transientFailures >= retry.maxAttempts || spentMs + waitMs > retry.maxTotalMs) {
            const detail = unsafe ? `${outcome.detail}; not repeated: ${operation} may already have taken effect` : outcome.detail;
            throw new TransientError(outcome.reason, detail, attempt, spentMs, { operation, cause: outcome.cause });
          }
          break;
        }
      }

      stats.retries++;
      if (counters) counters.retries++;
      apiRetries.inc({ operation, reason: label });
      logger.debug({ operation, attempt, reason: label, waitMs }, 'CONNECT API request will be repeated');
      try {
        await sleep(waitMs, abort);
      } catch (err) {
        throw new AbortedError({ operation, cause: err });
      }
      spentMs += waitMs;
    }
  }

  return {
    request,
    get stats() {
      return { ...stats };
    },
  };
}

