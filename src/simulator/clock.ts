// Simulated time. speed 0: time moves only when a test calls advance(ms). speed N > 0: N
// simulated ms pass per real ms (60 = one simulated minute per real second), driven by a timer.
import type { World } from './world.js';

export interface SimClock {
  now(): Date;
  /** Moves simulated time forward by ms, applying every world event on the way. */
  advance(ms: number): void;
  readonly speed: number;
}

const TICK_MS = 100;

export class WorldClock implements SimClock {
  private timer: NodeJS.Timeout | undefined;
  private lastReal = 0;
  private carry = 0;

  constructor(
    private readonly world: World,
    readonly speed: number,
  ) {
    if (!Number.isFinite(speed) || speed < 0) throw new RangeError(`speed must be a number >= 0, got ${speed}`);
  }

  now(): Date {
    return new Date(this.world.nowMs);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
    this.world.advanceTo(this.world.nowMs + Math.floor(ms));
  }

  start(): void {
    if (this.speed === 0 || this.timer !== undefined) return;
    this.lastReal = performance.now();
    this.timer = setInterval(() => {
      const real = performance.now();
      this.carry += (real - this.lastReal) * this.speed;
      this.lastReal = real;
      const step = Math.floor(this.carry);
      this.carry -= step;
      if (step > 0) this.world.advanceTo(this.world.nowMs + step);
    }, TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
