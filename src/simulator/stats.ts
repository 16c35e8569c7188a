// Request counters the tests and the bench read: totals, per GraphQL operation, concurrency
// (arrival to end of response) and how often each fault fired.

export type FaultName =
  | 'latency'
  | 'latencySpike'
  | 'httpError'
  | 'rateLimited'
  | 'graphqlError'
  | 'drop'
  | 'pageCap'
  | 'nullRecord'
  | 'unknownStatus'
  | 'failedContact';

export class SimStats {
  requests = 0;
  byOperation: Record<string, number> = {};
  /** Requests by root field (getCards, getChargepoints, ...), whatever the operation is called. */
  byField: Record<string, number> = {};
  inFlight = 0;
  maxInFlight = 0;
  faults: Record<string, number> = {};
  /** Answers by HTTP status (401, 429, 500, ... and 200). */
  byStatus: Record<string, number> = {};

  arrived(): void {
    this.requests++;
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  finished(status: number): void {
    this.inFlight--;
    const key = String(status);
    this.byStatus[key] = (this.byStatus[key] ?? 0) + 1;
  }

  operation(name: string): void {
    this.byOperation[name] = (this.byOperation[name] ?? 0) + 1;
  }

  field(name: string): void {
    this.byField[name] = (this.byField[name] ?? 0) + 1;
  }

  fault(name: FaultName): void {
    this.faults[name] = (this.faults[name] ?? 0) + 1;
  }

  /** Zeroes the counters; requests still in flight stay counted in inFlight. */
  reset(): void {
    this.requests = 0;
    this.byOperation = {};
    this.byField = {};
    this.maxInFlight = this.inFlight;
    this.faults = {};
    this.byStatus = {};
  }
}
