// Errors of the CONNECT client, one class per cause. Each message says what failed and what to
// do about it, never contains the API key (messages pass through scrubSecrets), and keeps the
// underlying error as `cause`.
import { scrubSecrets } from '../log.js';
import type { Reject } from './records.js';

export interface ConnectErrorOptions {
  /** GraphQL operation that failed (e.g. getChargepoints), when known. */
  operation?: string | undefined;
  cause?: unknown;
}

/** Base class: `instanceof ConnectApiError` catches every error this client throws on purpose. */
export class ConnectApiError extends Error {
  override name = 'ConnectApiError';
  readonly operation: string | undefined;

  constructor(message: string, options: ConnectErrorOptions = {}) {
    super(scrubSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.operation = options.operation;
  }
}

/** HTTP 401/403. Never retried: the key is wrong, expired or lacks rights. */
export class AuthenticationError extends ConnectApiError {
  override name = 'AuthenticationError';
  readonly status: number;

  constructor(status: number, options: ConnectErrorOptions = {}) {
    super(
      `the CONNECT API refused the API key (HTTP ${status}${options.operation ? ` on ${options.operation}` : ''}); ` +
        'check CONNECT_API_KEY (or the file named by CONNECT_API_KEY_FILE): it must be a valid, active key for this endpoint',
      options,
    );
    this.status = status;
  }
}

/** HTTP 429 that did not clear within the retry bounds. */
export class RateLimitedError extends ConnectApiError {
  override name = 'RateLimitedError';
  readonly retryAfterMs: number | undefined;
  readonly attempts: number;

  constructor(attempts: number, retryAfterMs: number | undefined, options: ConnectErrorOptions = {}) {
    super(
      `the CONNECT API kept answering 429 Too Many Requests${options.operation ? ` to ${options.operation}` : ''} ` +
        `after ${attempts} attempts${retryAfterMs !== undefined ? ` (last Retry-After ${Math.round(retryAfterMs / 1000)} s)` : ''}; ` +
        'lower CONNECT_CONCURRENCY or set a CONNECT_MAX_RPS cap, or ask the operator for a higher quota',
      options,
    );
    this.retryAfterMs = retryAfterMs;
    this.attempts = attempts;
  }
}

/** Network failure, timeout, 5xx or dropped connection that persisted through every retry. */
export class TransientError extends ConnectApiError {
  override name = 'TransientError';
  /** What the last attempt ran into: network, timeout, http_5xx, invalid_response, graphql_partial. */
  readonly reason: string;
  readonly attempts: number;
  readonly elapsedMs: number;

  constructor(reason: string, detail: string, attempts: number, elapsedMs: number, options: ConnectErrorOptions = {}) {
    super(
      `the CONNECT API request${options.operation ? ` ${options.operation}` : ''} failed ${attempts} time(s) over ` +
        `${(elapsedMs / 1000).toFixed(1)} s (last: ${detail}); the upstream is unreachable or unhealthy: ` +
        'check CONNECT_API_URL and the network, or raise CONNECT_TIMEOUT_MS if requests time out; the next run retries',
      options,
    );
    this.reason = reason;
    this.attempts = attempts;
    this.elapsedMs = elapsedMs;
  }
}

/** The server answered, but not like a GraphQL API (wrong URL, proxy page, unexpected 4xx). */
export class UnexpectedResponseError extends ConnectApiError {
  override name = 'UnexpectedResponseError';
  readonly status: number | undefined;

  constructor(status: number | undefined, detail: string, options: ConnectErrorOptions = {}) {
    super(
      `the CONNECT API endpoint answered ${status !== undefined ? `HTTP ${status}` : 'something'} that is not a GraphQL response` +
        `${options.operation ? ` to ${options.operation}` : ''} (${detail}); check that CONNECT_API_URL is the full GraphQL endpoint, e.g. https://host/graphql`,
      options,
    );
    this.status = status;
  }
}

export interface GraphQLErrorSummary {
  message: string;
  path: ReadonlyArray<string | number> | undefined;
  code: string | undefined;
  /** Where in the sent document the error points (validation errors), when the server says. */
  locations?: ReadonlyArray<{ line: number; column: number }> | undefined;
}

/** GraphQL `errors` that concern the whole operation (not single records of a page). */
export class GraphQLResponseError extends ConnectApiError {
  override name = 'GraphQLResponseError';
  readonly errors: readonly GraphQLErrorSummary[];
  /** Whatever `data` came with the errors (partial data), as received. */
  readonly data: unknown;

  constructor(errors: readonly GraphQLErrorSummary[], data: unknown, options: ConnectErrorOptions = {}) {
    const list = errors
      .slice(0, 5)
      .map((e) => `${e.message}${e.path ? ` at ${e.path.join('.')}` : ''}`)
      .join('; ');
    super(
      `the CONNECT API answered${options.operation ? ` ${options.operation}` : ''} with GraphQL errors: ${list}` +
        `${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}; if this persists, report it to the API operator`,
      options,
    );
    this.errors = errors;
    this.data = data;
  }
}

/** The API's schema or data does not match what this client expects (schema drift). */
export class SchemaMismatchError extends ConnectApiError {
  override name = 'SchemaMismatchError';
  readonly problems: readonly string[];
  /** For a single-record query whose record failed validation. */
  readonly rejects: readonly Reject[];
  /** The server's validation errors, when it answered some (with their locations in the document). */
  readonly errors: readonly GraphQLErrorSummary[];

  constructor(problems: readonly string[], options: ConnectErrorOptions & { rejects?: readonly Reject[]; errors?: readonly GraphQLErrorSummary[] } = {}) {
    // One readable line however many errors the server listed: each distinct problem once, at most five.
    const distinct = [...new Set(problems)];
    const shown = distinct.slice(0, 5).join('; ') + (distinct.length > 5 ? ` (and ${distinct.length - 5} more)` : '');
    super(
      `the CONNECT API does not match what connect-sync expects${options.operation ? ` (${options.operation})` : ''}: ` +
        `${shown}; run \`connect-sync check\` for the full list`,
      options,
    );
    this.problems = distinct;
    this.rejects = options.rejects ?? [];
    this.errors = options.errors ?? [];
  }
}

/** Pagination went wrong: the same page came back twice, or pages stopped making progress. */
export class PaginationError extends ConnectApiError {
  override name = 'PaginationError';
  readonly pageIndex: number;

  constructor(detail: string, pageIndex: number, options: ConnectErrorOptions = {}) {
    super(
      `pagination of${options.operation ? ` ${options.operation}` : ' the CONNECT API'} failed at page ${pageIndex}: ${detail}; ` +
        'the pass is incomplete and nothing is marked deleted; the next run retries (if it keeps happening, the upstream ignores the paging arguments)',
      options,
    );
    this.pageIndex = pageIndex;
  }
}

/** The caller aborted (shutdown) while a request or a retry wait was under way. */
export class AbortedError extends ConnectApiError {
  override name = 'AbortedError';
  constructor(options: ConnectErrorOptions = {}) {
    super(`the CONNECT API request${options.operation ? ` ${options.operation}` : ''} was aborted (shutting down)`, options);
  }
}
