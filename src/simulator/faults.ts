// Fault injection. Every fault draws from its own seeded stream (independent of the world's), so
// each fires at its configured rate, reproducibly, and changing one leaves the others alone.
import { UNKNOWN_STATUSES } from './catalog.js';
import { Prng, deriveSeed } from './prng.js';
import type { ServeFaults } from './render.js';
import type { SimStats } from './stats.js';

export interface FaultSettings {
  /** Added delay before answering, ms. */
  latencyMs: number;
  /** Extra uniform random delay in [0, jitterMs), ms. */
  jitterMs: number;
  /** Fraction of requests answered HTTP 500, 502 or 503. */
  errorRate: number;
  /** Requests per second (sliding 1 s window) above which requests get 429; 0 = no limit. */
  rateLimitRps: number;
  /** Fraction of requests answered 429 whatever the load (a shared quota spent by others). */
  rateLimitRate: number;
  /** Retry-After header value on a 429, seconds. */
  retryAfterS: number;
  /** Fraction of requests delayed by spikeMs on top of any latency (a latency spike). */
  spikeRate: number;
  /** Length of a latency spike, ms. */
  spikeMs: number;
  /** Fraction of query responses carrying a GraphQL error with a path, plus partial data. */
  graphqlErrorRate: number;
  /** Fraction of requests whose socket is destroyed without an answer. */
  dropRate: number;
  /** At most this many records per page whatever was asked; 0 = no cap (the hard cap is 1000). */
  pageCap: number;
  /** Fraction of records served with null in every nullable field. */
  nullRate: number;
  /** Fraction of connector statuses served as a value outside the five known ones. */
  unknownStatusRate: number;
}

export const NO_FAULTS: Readonly<FaultSettings> = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  rateLimitRps: 0,
  rateLimitRate: 0,
  retryAfterS: 1,
  spikeRate: 0,
  spikeMs: 0,
  graphqlErrorRate: 0,
  dropRate: 0,
  pageCap: 0,
  nullRate: 0,
  unknownStatusRate: 0,
});

export const FAULT_KEYS = Object.keys(NO_FAULTS) as (keyof FaultSettings)[];

const RATE_KEYS: ReadonlySet<keyof FaultSettings> = new Set([
  'errorRate',
  'rateLimitRate',
  'spikeRate',
  'graphqlErrorRate',
  'dropRate',
  'nullRate',
  'unknownStatusRate',
]);
const INTEGER_KEYS: ReadonlySet<keyof FaultSettings> = new Set(['pageCap', 'retryAfterS']);

/** Throws a RangeError naming the setting when a value is out of range. */
export function validateFaults(partial: Partial<FaultSettings>): void {
  for (const [key, value] of Object.entries(partial) as [keyof FaultSettings, unknown][]) {
    if (!FAULT_KEYS.includes(key)) throw new RangeError(`unknown fault setting "${key}"`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`fault setting ${key} must be a finite number >= 0, got ${String(value)}`);
    }
    if (RATE_KEYS.has(key) && value > 1) throw new RangeError(`fault setting ${key} is a fraction in [0, 1], got ${value}`);
    if (INTEGER_KEYS.has(key) && !Number.isInteger(value)) throw new RangeError(`fault setting ${key} must be an integer, got ${value}`);
  }
}

export class FaultInjector implements ServeFaults {
  private current: FaultSettings;
  private readonly rng: Record<'drop' | 'error' | 'gql' | 'null' | 'status' | 'latency' | 'quota' | 'spike', Prng>;
  /** Arrival times (ms) of the requests let through in the last second, oldest first. */
  private window: number[] = [];
  private windowStart = 0;

  constructor(
    seed: number,
    settings: Partial<FaultSettings>,
    private readonly stats: SimStats,
  ) {
    validateFaults(settings);
    this.current = { ...NO_FAULTS, ...settings };
    const stream = (name: string) => new Prng(deriveSeed(seed, `fault:${name}`));
    this.rng = {
      drop: stream('drop'),
      error: stream('error'),
      gql: stream('graphql'),
      null: stream('null'),
      status: stream('status'),
      latency: stream('latency'),
      quota: stream('quota'),
      spike: stream('spike'),
    };
  }

  get settings(): Readonly<FaultSettings> {
    return this.current;
  }

  set(partial: Partial<FaultSettings>): void {
    validateFaults(partial);
    this.current = { ...this.current, ...partial };
  }

  drop(): boolean {
    if (!this.rng.drop.chance(this.current.dropRate)) return false;
    this.stats.fault('drop');
    return true;
  }

  /** True when this request is over the rate limit (sliding one-second window) or drew a 429 (rateLimitRate). */
  rateLimited(nowMs: number): boolean {
    if (this.rng.quota.chance(this.current.rateLimitRate)) {
      this.stats.fault('rateLimited');
      return true;
    }
    const limit = this.current.rateLimitRps;
    if (limit <= 0) return false;
    const w = this.window;
    while (this.windowStart < w.length && w[this.windowStart]! <= nowMs - 1000) this.windowStart++;
    if (this.windowStart > 1024) {
      this.window = w.slice(this.windowStart);
      this.windowStart = 0;
    }
    if (this.window.length - this.windowStart >= limit) {
      this.stats.fault('rateLimited');
      return true;
    }
    this.window.push(nowMs);
    return false;
  }

  /** 0, or the HTTP status to fail this request with. */
  httpError(): 0 | 500 | 502 | 503 {
    if (!this.rng.error.chance(this.current.errorRate)) return 0;
    this.stats.fault('httpError');
    const u = this.rng.error.next();
    return u < 0.4 ? 500 : u < 0.7 ? 502 : 503;
  }

  latency(): number {
    const { latencyMs, jitterMs, spikeMs } = this.current;
    const spike = spikeMs > 0 && this.rng.spike.chance(this.current.spikeRate) ? spikeMs : 0;
    if (spike > 0) this.stats.fault('latencySpike');
    if (latencyMs <= 0 && jitterMs <= 0) return spike;
    this.stats.fault('latency');
    return spike + latencyMs + (jitterMs > 0 ? this.rng.latency.next() * jitterMs : 0);
  }

  /** Decided once per request; the first resolver that can carry an error uses it. */
  graphqlError(): boolean {
    return this.rng.gql.chance(this.current.graphqlErrorRate);
  }

  /** Which of n records carries the injected GraphQL error. */
  pickIndex(n: number): number {
    return Math.floor(this.rng.gql.next() * n);
  }

  /** No fault changes a record as it is rendered (nullRecord, unknownStatus): its answer is its record's alone. */
  get recordsAsStored(): boolean {
    return this.current.nullRate === 0 && this.current.unknownStatusRate === 0;
  }

  nullRecord(): boolean {
    if (!this.rng.null.chance(this.current.nullRate)) return false;
    this.stats.fault('nullRecord');
    return true;
  }

  unknownStatus(): string | null {
    if (!this.rng.status.chance(this.current.unknownStatusRate)) return null;
    this.stats.fault('unknownStatus');
    return this.rng.status.pick(UNKNOWN_STATUSES);
  }

  /** The page size actually served for `requested` records (already bounded by the hard cap). */
  capPage(requested: number): number {
    const cap = this.current.pageCap;
    if (cap > 0 && requested > cap) {
      this.stats.fault('pageCap');
      return cap;
    }
    return requested;
  }
}
