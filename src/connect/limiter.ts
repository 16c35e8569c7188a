// The one request limiter of the process. Every client and job that talks to the same upstream
// shares it, since the upstream's quota is per key, not per job.
//
// In flight: at most `limit` requests, where `limit` adapts to the server between 1 and
// `concurrency` (CONNECT_CONCURRENCY) — additive increase, multiplicative decrease: a 429 halves
// it (and pauses every start for Retry-After), each `limit` successes in a row raise it by one.
// So concurrency bounds the load and the client backs off by itself; `maxRps`
// (CONNECT_MAX_RPS) is only an optional hard cap on request starts per second (spaced
// 1000/maxRps ms apart, no bursts).
import pLimit from 'p-limit';
import { apiConcurrencyLimit } from '../metrics.js';

export interface LimiterOptions {
  /** Requests in flight at most (CONNECT_CONCURRENCY): the ceiling of the adaptive limit. */
  concurrency: number;
  /** Optional cap on request starts per second (CONNECT_MAX_RPS); undefined = none. */
  maxRps?: number | undefined;
}

export interface Limiter {
  /** Runs one request when a slot and a start time are free; the slot is held until `fn` settles. */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Holds back every new start until `ms` from now (used on 429 Retry-After). */
  pause(ms: number): void;
  /** The server said 429: halve the in-flight limit (not below 1; once per Retry-After pause). */
  rateLimited(): void;
  /** A request succeeded: after `limit` successes in a row the limit rises by one, up to `concurrency`. */
  succeeded(): void;
  /** The ceiling (CONNECT_CONCURRENCY). */
  readonly concurrency: number;
  /** The in-flight limit now. */
  readonly limit: number;
  readonly maxRps: number | undefined;
  /** Requests running now. */
  readonly active: number;
  /** Requests waiting for a slot. */
  readonly pending: number;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function createLimiter(options: LimiterOptions): Limiter {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const maxRps = options.maxRps;
  if (maxRps !== undefined && !(maxRps > 0)) throw new RangeError(`maxRps must be above 0, got ${maxRps}`);
  const spacingMs = maxRps === undefined ? 0 : 1000 / maxRps;
  const limit = pLimit(concurrency);
  apiConcurrencyLimit.set(concurrency);
  let successes = 0;
  let holdDecreaseUntil = 0;
  // Earliest time the next request may start. Reserved synchronously, so concurrent callers
  // each get their own start time and the spacing holds exactly.
  let nextStart = 0;
  let pausedUntil = 0;

  const setLimit = (n: number) => {
    limit.concurrency = Math.max(1, Math.min(concurrency, n));
    apiConcurrencyLimit.set(limit.concurrency);
  };

  async function waitForStart(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      const at = Math.max(now, nextStart, pausedUntil);
      if (at <= now) {
        nextStart = now + spacingMs;
        return;
      }
      // Sleep, then re-check: a pause may have been added meanwhile.
      await sleep(at - now, signal);
    }
  }

  return {
    run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      return limit(async () => {
        signal?.throwIfAborted();
        await waitForStart(signal);
        return fn();
      });
    },
    pause(ms: number) {
      pausedUntil = Math.max(pausedUntil, Date.now() + ms);
    },
    rateLimited() {
      successes = 0;
      // Requests in flight together meet the same quota: halve once per pause, not once per 429.
      const now = Date.now();
      if (now < holdDecreaseUntil) return;
      holdDecreaseUntil = Math.max(pausedUntil, now + 1000);
      setLimit(Math.floor(limit.concurrency / 2));
    },
    succeeded() {
      if (limit.concurrency >= concurrency) return;
      if (++successes >= limit.concurrency) {
        successes = 0;
        setLimit(limit.concurrency + 1);
      }
    },
    concurrency,
    get limit() {
      return limit.concurrency;
    },
    maxRps,
    get active() {
      return limit.activeCount;
    },
    get pending() {
      return limit.pendingCount;
    },
  };
}
