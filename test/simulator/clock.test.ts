// Simulated time: advancing the clock changes connector statuses at plausible rates, each change
// stamped with the simulated time it happened, and the per-chargepoint counts stay consistent.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_START_TIME, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { allChargepointsOffset, countsOf, expectedCounts, type ServedChargepoint } from './helpers.js';

function statusMap(cps: ServedChargepoint[]): Map<string, { status: string; updatedAt: string }> {
  const out = new Map<string, { status: string; updatedAt: string }>();
  for (const cp of cps) for (const c of cp.connectors!) out.set(c.id!, { status: c.status!.status!, updatedAt: c.status!.updatedAt! });
  return out;
}

describe('clock', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ chargepoints: 300, contacts: 40 });
  });
  afterAll(() => sim.close());

  test('starts at the fixed start time and only moves when advanced (speed 0)', async () => {
    expect(sim.clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(DEFAULT_START_TIME.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.clock.now().getTime()).toBe(DEFAULT_START_TIME.getTime());
    for (const cp of await allChargepointsOffset(sim)) {
      for (const c of cp.connectors!) expect(Date.parse(c.status!.updatedAt!)).toBeLessThanOrEqual(DEFAULT_START_TIME.getTime());
    }
  });

  test('advancing changes statuses with updatedAt = the simulated time of the change; counts agree', async () => {
    const before = statusMap(await allChargepointsOffset(sim));
    const t0 = sim.clock.now().getTime();
    sim.clock.advance(10 * 60_000);
    const t1 = sim.clock.now().getTime();
    expect(t1 - t0).toBe(10 * 60_000);
    const cps = await allChargepointsOffset(sim);
    const after = statusMap(cps);
    expect(after.size).toBe(before.size);
    let changed = 0;
    for (const [id, now] of after) {
      const was = before.get(id)!;
      if (now.updatedAt === was.updatedAt) {
        expect(now.status).toBe(was.status);
        continue;
      }
      changed++;
      const at = Date.parse(now.updatedAt);
      expect(at).toBeGreaterThan(t0);
      expect(at).toBeLessThanOrEqual(t1);
    }
    // ~1 % of connectors per simulated minute: 10 minutes of ~800 connectors is a few dozen.
    expect(changed).toBeGreaterThan(0.002 * 10 * after.size);
    expect(changed).toBeLessThan(0.03 * 10 * after.size);
    for (const cp of cps) expect(countsOf(cp)).toEqual(expectedCounts(cp));
    expect(sim.world.checkConsistency()).toEqual([]);
  });

  test('over a simulated day every status occurs, sessions start and stop, and the world stays consistent', async () => {
    const sessionsBefore = sim.world.sizes().sessions;
    const seen = new Set<string>();
    for (let h = 0; h < 24; h++) {
      sim.clock.advance(60 * 60_000);
      for (const cp of sim.world.dump().chargepoints) for (const c of cp.connectors!) seen.add(c.status!.status!);
    }
    expect([...seen].sort()).toEqual(['AVAILABLE', 'FAULTED', 'OCCUPIED', 'UNAVAILABLE', 'UNKNOWN']);
    const sizes = sim.world.sizes();
    expect(sizes.sessions).toBeGreaterThan(sessionsBefore);
    expect(sizes.activeSessions).toBeGreaterThan(0);
    expect(sim.world.checkConsistency()).toEqual([]);
    const stopped = sim.world.contactIds().flatMap((id) => sim.world.sessionsOf(id)).filter((s) => s.status === 'STOPPED' && Date.parse(s.startTime!) >= DEFAULT_START_TIME.getTime());
    expect(stopped.length).toBeGreaterThan(0);
    for (const s of stopped) {
      expect(s.duration).toBe(Math.round((Date.parse(s.endTime!) - Date.parse(s.startTime!)) / 1000));
      expect(s.meterTotal).toBe(s.meterEnd! - s.meterStart!);
      expect(s.meterTotal).toBeGreaterThanOrEqual(0);
      expect(s.currency).toBe('EUR');
      expect(s.costsNet! + s.taxAmount!).toBeCloseTo(s.costs!, 2);
      expect(s.tariff).toMatch(/^(Standard|Business|Flex|Ad-hoc) (AC|DC)$/);
    }
  });
});

test('with speed > 0 simulated time runs by itself', async () => {
  const sim = await startSimulator({ chargepoints: 50, contacts: 5, speed: 3600 }); // 1 h per second
  try {
    await new Promise((r) => setTimeout(r, 600));
    const elapsed = sim.clock.now().getTime() - DEFAULT_START_TIME.getTime();
    expect(elapsed).toBeGreaterThan(0.25 * 3600_000);
    expect(elapsed).toBeLessThan(3 * 3600_000);
    expect(sim.world.eventsApplied).toBeGreaterThan(0);
  } finally {
    await sim.close();
  }
  const frozen = sim.clock.now().getTime();
  await new Promise((r) => setTimeout(r, 200));
  expect(sim.clock.now().getTime()).toBe(frozen); // close() stops the clock
});
