// The same seed builds the same world (seen through the API and through a full dump); another seed
// builds another; the clock's events do not depend on how time is chopped up.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { World, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { CARD_FIELDS, SESSION_FIELDS, allChargepointsOffset, allContacts, data } from './helpers.js';

async function apiDump(sim: Simulator) {
  const chargepoints = await allChargepointsOffset(sim, 40);
  const contacts = await allContacts(sim, 7);
  const perContact = [];
  for (const c of contacts) {
    perContact.push(
      await data(
        sim,
        `query q($c: String!) { getCards(contactId: $c) { ${CARD_FIELDS} } getChargingSessions(contactId: $c) { ${SESSION_FIELDS} } }`,
        { c: c.id },
      ),
    );
  }
  return { chargepoints, contacts, perContact };
}

describe('determinism', () => {
  let a: Simulator;
  let b: Simulator;
  let c: Simulator;
  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      startSimulator({ seed: 42, chargepoints: 60, contacts: 12 }),
      startSimulator({ seed: 42, chargepoints: 60, contacts: 12 }),
      startSimulator({ seed: 43, chargepoints: 60, contacts: 12 }),
    ]);
  });
  afterAll(() => Promise.all([a.close(), b.close(), c.close()]));

  test('the same seed gives the same world, through the API and in a full dump', async () => {
    const [dumpA, dumpB] = await Promise.all([apiDump(a), apiDump(b)]);
    expect(dumpA.chargepoints).toHaveLength(60);
    expect(dumpA.contacts).toHaveLength(12);
    expect(dumpB).toEqual(dumpA);
    expect(b.world.dump()).toEqual(a.world.dump());
    expect(JSON.stringify(b.world.dump())).toBe(JSON.stringify(a.world.dump()));
  });

  test('a different seed gives a different world', async () => {
    const [dumpA, dumpC] = await Promise.all([apiDump(a), apiDump(c)]);
    expect(dumpC).not.toEqual(dumpA);
    const idsA = new Set(a.world.chargepointIds());
    expect(c.world.chargepointIds().filter((id) => idsA.has(id))).toEqual([]);
    expect(c.world.dump().contacts.map((x) => x.name)).not.toEqual(a.world.dump().contacts.map((x) => x.name));
  });

  test('the world is plausible: 1-8 connectors, shared locations, 1-3 cards, ids look like UUIDs', () => {
    const dump = a.world.dump();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const locations = new Map<string, number>();
    for (const cp of dump.chargepoints) {
      expect(cp.id).toMatch(uuid);
      expect(cp.connectors!.length).toBeGreaterThanOrEqual(1);
      expect(cp.connectors!.length).toBeLessThanOrEqual(8);
      for (const conn of cp.connectors!) {
        expect(conn.id).toMatch(uuid);
        expect(conn.evse).toMatch(/^DE\*CON\*E\d{7}$/);
        expect(['AC', 'DC']).toContain(conn.type!.currentType);
        expect(conn.type!.currentType === 'AC' ? [11, 22] : [50, 150, 300]).toContain(conn.type!.maxPower);
      }
      locations.set(cp.location!.id, (locations.get(cp.location!.id) ?? 0) + 1);
    }
    expect(locations.size).toBeLessThan(dump.chargepoints.length); // several chargepoints share a site
    for (const contact of dump.contacts) {
      expect(contact.cards.length).toBeGreaterThanOrEqual(1);
      expect(contact.cards.length).toBeLessThanOrEqual(3);
      if (!contact.isCompany) expect(contact.birthdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      for (const card of contact.cards) expect(card.validFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      for (const s of contact.sessions) {
        expect(s.status === 'ACTIVE' || s.status === 'STOPPED').toBe(true);
        if (s.status === 'STOPPED') expect(s.meterEnd! - s.meterStart!).toBe(s.meterTotal);
      }
    }
    expect(dump.contacts.flatMap((x) => x.sessions).some((s) => s.status === 'ACTIVE')).toBe(true);
    expect(a.world.checkConsistency()).toEqual([]);
  });
});

test('advancing in one step or in many gives the same world', () => {
  const options = { seed: 5, chargepoints: 80, contacts: 15, startTime: new Date('2026-03-01T00:00:00Z') };
  const once = new World(options);
  const often = new World(options);
  once.advanceTo(Date.parse('2026-03-01T06:00:00Z'));
  for (let i = 1; i <= 72; i++) often.advanceTo(Date.parse('2026-03-01T00:00:00Z') + i * 5 * 60_000);
  expect(once.eventsApplied).toBeGreaterThan(100);
  expect(often.eventsApplied).toBe(once.eventsApplied);
  expect(often.dump()).toEqual(once.dump());
});

test('churn (chargepoints added and removed, cards changed) follows the clock only: one advance equals many small ones', () => {
  const options = {
    seed: 7,
    chargepoints: 30,
    contacts: 10,
    startTime: new Date('2026-03-01T00:00:00Z'),
    churn: { chargepointsAddedPerHour: 2, chargepointsRemovedPerHour: 2, cardChangesPerHour: 4 },
  };
  const once = new World(options);
  const often = new World(options);
  const still = new World({ ...options, churn: {} });
  const before = once.dump();
  once.advanceTo(Date.parse('2026-03-01T06:00:00Z'));
  for (let i = 1; i <= 72; i++) often.advanceTo(Date.parse('2026-03-01T00:00:00Z') + i * 5 * 60_000);
  still.advanceTo(Date.parse('2026-03-01T06:00:00Z'));
  expect(often.dump()).toEqual(once.dump());
  const ids = (w: World) => new Set(w.chargepointIds());
  const initial = new Set(before.chargepoints.map((cp) => cp.id));
  expect([...ids(once)].filter((id) => !initial.has(id)).length).toBeGreaterThan(3);
  expect([...initial].filter((id) => !ids(once).has(id)).length).toBeGreaterThan(3);
  expect(JSON.stringify(once.dump().contacts.map((c) => c.cards))).not.toBe(JSON.stringify(before.contacts.map((c) => c.cards)));
  expect(still.chargepointIds()).toEqual([...initial]);
  expect(once.checkConsistency()).toEqual([]);
});
