// The one request limiter of the process: at most `concurrency` requests in flight (p-limit) and
// at most `maxRps` request starts per second (starts spaced 1000/maxRps ms apart, no bursts).
// Every client and job that talks to the same upstream shares one limiter; a 429 pauses it for
// everybody, since the upstream's quota is per key, not per job.
import pLimit from 'p-limit';

export interface LimiterOptions {
  /** Requests in flight at most (CONNECT_CONCURRENCY). */
  concurrency: number;
  /** Request starts per second at most (CONNECT_MAX_RPS). */
  maxRps: number;
}

export interface Limiter {
  /** Runs one request when a slot and a start time are free; the slot is held until `fn` settles. */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Holds back every new start until `ms` from now (used on 429 Retry-After). */
  pause(ms: number): void;
  readonly concurrency: number;
  readonly maxRps: number;
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
  if (!(maxRps > 0)) throw new RangeError(`maxRps must be above 0, got ${maxRps}`);
  const spacingMs = 1000 / maxRps;
  const limit = pLimit(concurrency);
  // Earliest time the next request may start. Reserved synchronously, so concurrent callers
  // each get their own start time and the spacing holds exactly.
  let nextStart = 0;
  let pausedUntil = 0;

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
    concurrency,
    maxRps,
    get active() {
      return limit.activeCount;
    },
    get pending() {
      return limit.pendingCount;
    },
  };
}
