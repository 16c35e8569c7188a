// Seeded pseudo-random numbers. The world and the fault injector each own independent streams so
// that turning a fault on never changes the world, and the same seed always builds the same world.

/** mulberry32: tiny, fast, good enough for simulation (not for cryptography). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Unsigned 32-bit integer. */
  uint32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick() from an empty list');
    return item;
  }

  /** Exponentially distributed with the given mean (memoryless waiting times). */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** A version-4-looking UUID; deterministic because it comes from this stream. */
  uuid(): string {
    const a = this.uint32();
    const b = this.uint32();
    const c = this.uint32();
    const d = this.uint32();
    const h = (n: number, len: number) => n.toString(16).padStart(len, '0');
    // join() yields a flat string; + would leave a rope of ~10 nodes per id (100k worlds notice).
    return [
      h(a, 8),
      h(b >>> 16, 4),
      h(((b & 0x0fff) | 0x4000) >>> 0, 4),
      h(((c >>> 16) & 0x3fff) | 0x8000, 4),
      h(c & 0xffff, 4) + h(d, 8),
    ].join('-');
  }
}

/** Derives an independent seed for a named stream, so streams do not overlap. */
export function deriveSeed(seed: number, stream: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < stream.length; i++) {
    h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}
