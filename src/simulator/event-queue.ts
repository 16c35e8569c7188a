// Min-heap of connector events ordered by (time, serial). The tie-break on the serial makes the
// order total, so advancing the clock in one step or in many gives the same world.

export class EventQueue {
  private times: number[] = [];
  private serials: number[] = [];

  get size(): number {
    return this.times.length;
  }

  push(time: number, serial: number): void {
    const times = this.times;
    const serials = this.serials;
    let i = times.length;
    times.push(time);
    serials.push(serial);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && serials[parent]! <= serial)) break;
      times[i] = pt;
      serials[i] = serials[parent]!;
      i = parent;
    }
    times[i] = time;
    serials[i] = serial;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    return this.times.length > 0 ? this.times[0]! : Infinity;
  }

  /** Removes the earliest event and returns its serial (the caller read its time via peekTime). */
  pop(): number {
    const times = this.times;
    const serials = this.serials;
    const top = serials[0]!;
    const lastTime = times.pop()!;
    const lastSerial = serials.pop()!;
    const n = times.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (times[r]! < times[l]! || (times[r] === times[l] && serials[r]! < serials[l]!))) c = r;
      const ct = times[c]!;
      if (lastTime < ct || (lastTime === ct && lastSerial <= serials[c]!)) break;
      times[i] = ct;
      serials[i] = serials[c]!;
      i = c;
    }
    times[i] = lastTime;
    serials[i] = lastSerial;
    return top;
  }
}
