// The world helpers tests of the sync rely on, observed over HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { CARD_FIELDS, CONNECTOR_FIELDS, OFFSET_PAGE, allChargepointsOffset, countsOf, data, expectedCounts, gql, post, type ServedChargepoint } from './helpers.js';

const BY_ID = `query getChargepoint($id: ID, $evse: String) { getChargepoint(id: $id, evse: $evse) {
  id name publicName connectorsTotal connectorsFree connectorsOccupied connectorsUnavailable location { id } connectors { id ${CONNECTOR_FIELDS} } } }`;

describe('world helpers', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ chargepoints: 30, contacts: 8, seed: 11 });
  });
  afterAll(() => sim.close());

  test('setConnectorStatus serves any status with the given time and keeps counts consistent', async () => {
    const cpId = sim.world.chargepointIds()[4]!;
    const conn = sim.world.getChargepoint(cpId)!.connectors![0]!;
    const at = new Date('2025-12-31T23:59:00.000Z');
    sim.world.setConnectorStatus(conn.id, 'RESERVED', at);
    let cp = (await data<{ getChargepoint: ServedChargepoint }>(sim, BY_ID, { id: cpId })).getChargepoint;
    expect(cp.connectors!.find((c) => c.id === conn.id)!.status).toEqual({ status: 'RESERVED', updatedAt: at.toISOString() });
    expect(countsOf(cp)).toEqual(expectedCounts(cp));
    expect(cp.connectorsUnavailable).toBeGreaterThanOrEqual(1);

    sim.world.setConnectorStatus(conn.id, 'AVAILABLE'); // default time: the clock's now
    cp = (await data<{ getChargepoint: ServedChargepoint }>(sim, BY_ID, { id: cpId })).getChargepoint;
    expect(cp.connectors!.find((c) => c.id === conn.id)!.status).toEqual({ status: 'AVAILABLE', updatedAt: sim.clock.now().toISOString() });
    expect(countsOf(cp)).toEqual(expectedCounts(cp));
    expect(() => sim.world.setConnectorStatus('nope', 'AVAILABLE')).toThrow(/unknown connector nope/);
  });

  test('setConnectorStatus on a charging connector ends its session', () => {
    const withSession = sim.world.contactIds().flatMap((id) => sim.world.sessionsOf(id)).find((s) => s.status === 'ACTIVE')!;
    sim.world.setConnectorStatus(withSession.connector!.connectorId, 'FAULTED');
    expect(sim.world.getSession(withSession.id!)!.status).toBe('STOPPED');
    expect(sim.world.checkConsistency()).toEqual([]);
  });

  test('addChargepoint appends a chargepoint; removeChargepoint takes it away', async () => {
    const location = sim.world.getChargepoint(sim.world.chargepointIds()[0]!)!.location!.id;
    const id = sim.world.addChargepoint({ name: 'CP-TEST-1', publicName: 'Test site 1', locationId: location, connectors: [{ currentType: 'DC', maxPower: 150 }, { currentType: 'AC', status: 'FAULTED' }] });
    expect(sim.world.chargepointIds().at(-1)).toBe(id);
    let all = await allChargepointsOffset(sim);
    expect(all).toHaveLength(31);
    const added = all.at(-1)!;
    expect(added).toMatchObject({ id, name: 'CP-TEST-1', publicName: 'Test site 1', connectorsTotal: 2, connectorsFree: 1, connectorsUnavailable: 1 });
    expect(added.connectors!.map((c) => [c.type!.currentType, c.type!.maxPower, c.status!.status])).toEqual([['DC', 150, 'AVAILABLE'], ['AC', 22, 'FAULTED']]);
    expect((added['location'] as { id: string }).id).toBe(location);
    const count = (await data<{ getChargepoints: { count: number } }>(sim, OFFSET_PAGE, { offset: 0, limit: 1 })).getChargepoints.count;
    expect(count).toBe(31);

    const anyId = sim.world.addChargepoint();
    expect(sim.world.getChargepoint(anyId)!.connectors!.length).toBeGreaterThanOrEqual(1);
    sim.world.removeChargepoint(anyId);

    sim.world.removeChargepoint(id);
    all = await allChargepointsOffset(sim);
    expect(all.map((cp) => cp.id)).not.toContain(id);
    expect(all).toHaveLength(30);
    const gone = await gql(sim, BY_ID, { id });
    expect(gone.body.data).toBeNull();
    expect(gone.body.errors?.[0]?.message).toBe(`Chargepoint not found: ${id}`);
    expect(() => sim.world.removeChargepoint(id)).toThrow(/unknown chargepoint/);
  });

  test('getChargepoint by EVSE finds the connector\'s chargepoint', async () => {
    const cp = sim.world.getChargepoint(sim.world.chargepointIds()[7]!)!;
    const evse = cp.connectors!.at(-1)!.evse!;
    const found = (await data<{ getChargepoint: ServedChargepoint }>(sim, BY_ID, { evse })).getChargepoint;
    expect(found.id).toBe(cp.id);
  });

  test('failContact makes every getCards/getChargingSessions for that contact HTTP 500, others keep working', async () => {
    const [bad, good] = sim.world.contactIds();
    sim.world.failContact(bad!);
    const q = `query c($c: String!) { getCards(contactId: $c) { ${CARD_FIELDS} } }`;
    for (let i = 0; i < 3; i++) {
      const cards = await post(sim, { query: q, variables: { c: bad } });
      expect(cards.status).toBe(500);
      const sessions = await post(sim, { query: 'query s($c: String!) { getChargingSessions(contactId: $c) { id } }', variables: { c: bad } });
      expect(sessions.status).toBe(500);
    }
    expect((await post(sim, { query: q, variables: { c: good } })).status).toBe(200);
    expect(sim.stats.faults['failedContact']).toBe(6);
    sim.world.failContact(bad!, false);
    expect((await post(sim, { query: q, variables: { c: bad } })).status).toBe(200);
  });

  test('lookups of unknown things: null, empty list or error as the schema says', async () => {
    const d = await data<Record<string, unknown>>(sim, `{
      getContact(id: "nope") { id }
      getChargingSession(id: "nope") { id }
      getCards(contactId: "nope") { tagId }
      getChargingSessions(contactId: "nope") { id }
    }`);
    expect(d).toEqual({ getContact: null, getChargingSession: null, getCards: [], getChargingSessions: [] });
    const card = await gql(sim, '{ getCard(tagId: "nope") { tagId } }');
    expect(card.body).toMatchObject({ data: null, errors: [{ message: 'Card not found: nope', path: ['getCard'] }] });
  });

  test('getContact and getPrice', async () => {
    const id = sim.world.contactIds()[2]!;
    const contact = (await data<{ getContact: Record<string, unknown> }>(sim, `query c($id: ID!) { getContact(id: $id) { id name customerNumber email birthdate } }`, { id })).getContact;
    const view = sim.world.getContact(id)!;
    expect(contact).toEqual({ id, name: view.name, customerNumber: view.customerNumber, email: view.email, birthdate: view.birthdate });

    const cp = sim.world.getChargepoint(sim.world.chargepointIds()[0]!)!;
    const dc = cp.connectors!.some((c) => c.type!.currentType === 'DC');
    const adHoc = (await data<{ getPrice: Record<string, unknown> }>(sim, 'query p($cp: ID!) { getPrice(chargepoint: $cp) { currency name price } }', { cp: cp.id })).getPrice;
    expect(adHoc).toEqual({ currency: 'EUR', name: dc ? 'Ad-hoc DC' : 'Ad-hoc AC', price: dc ? 0.89 : 0.59 });
    const card = sim.world.cardsOf(id)[0]!;
    const withCard = (await data<{ getPrice: { name: string; price: number } }>(sim, 'query p($cp: ID!, $t: String) { getPrice(chargepoint: $cp, tagId: $t) { currency name price } }', { cp: cp.id, t: card.tagId })).getPrice;
    expect(withCard.name).toBe(`${card.rate} ${dc ? 'DC' : 'AC'}`);
    expect(withCard.price).toBeLessThan(1);
  });
});
