// remoteStart / remoteStop / updateCard over HTTP change the world consistently and refuse what
// the real system would refuse.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { CARD_FIELDS, CONNECTOR_FIELDS, SESSION_FIELDS, countsOf, data, expectedCounts, gql, type ServedChargepoint } from './helpers.js';

const START = 'mutation remoteStart($connectorId: String!, $tagId: String!) { remoteStart(connectorId: $connectorId, tagId: $tagId) { message session status } }';
const STOP = 'mutation remoteStop($session: ID!) { remoteStop(session: $session) { message session status } }';
const UPDATE = `mutation updateCard($tagId: String!, $name: String, $active: Boolean) { updateCard(tagId: $tagId, name: $name, active: $active) { ${CARD_FIELDS} } }`;
const CHARGEPOINT = `query getChargepoint($id: ID, $evse: String) { getChargepoint(id: $id, evse: $evse) {
  id connectorsTotal connectorsFree connectorsOccupied connectorsUnavailable connectors { id ${CONNECTOR_FIELDS} } } }`;

type Remote = { message: string; session: string | null; status: string };

describe('mutations', () => {
  let sim: Simulator;
  let connectorId: string;
  let chargepointId: string;
  let tagId: string;
  let contactId: string;

  beforeAll(async () => {
    sim = await startSimulator({ chargepoints: 40, contacts: 10, seed: 3 });
    // An AVAILABLE connector and an active card without a running session.
    const cp = sim.world.dump().chargepoints.find((x) => x.connectors!.some((c) => c.status!.status === 'AVAILABLE'))!;
    chargepointId = cp.id;
    connectorId = cp.connectors!.find((c) => c.status!.status === 'AVAILABLE')!.id;
    for (const id of sim.world.contactIds()) {
      const active = new Set(sim.world.sessionsOf(id).filter((s) => s.status === 'ACTIVE').map((s) => s.cardId));
      const card = sim.world.cardsOf(id).find((c) => c.active && !active.has(c.tagId));
      if (card) {
        tagId = card.tagId!;
        contactId = id;
        break;
      }
    }
    expect(tagId).toBeDefined();
  });
  afterAll(() => sim.close());

  async function chargepoint(): Promise<ServedChargepoint> {
    return (await data<{ getChargepoint: ServedChargepoint }>(sim, CHARGEPOINT, { id: chargepointId })).getChargepoint;
  }

  test('remoteStart occupies the connector and opens an ACTIVE session for the card', async () => {
    sim.clock.advance(60_000);
    const before = await chargepoint();
    const started = (await data<{ remoteStart: Remote }>(sim, START, { connectorId, tagId })).remoteStart;
    expect(started.status).toBe('ACCEPTED');
    expect(started.session).toMatch(/^[0-9a-f-]{36}$/);

    const after = await chargepoint();
    const conn = after.connectors!.find((c) => c.id === connectorId)!;
    expect(conn.status).toEqual({ status: 'OCCUPIED', updatedAt: sim.clock.now().toISOString() });
    expect(after.connectorsOccupied).toBe(before.connectorsOccupied! + 1);
    expect(after.connectorsFree).toBe(before.connectorsFree! - 1);
    expect(countsOf(after)).toEqual(expectedCounts(after));

    const session = (await data<{ getChargingSession: Record<string, unknown> }>(sim, `query s($id: ID!) { getChargingSession(id: $id) { ${SESSION_FIELDS} } }`, { id: started.session })).getChargingSession;
    expect(session).toMatchObject({
      id: started.session,
      cardId: tagId,
      status: 'ACTIVE',
      startTime: sim.clock.now().toISOString(),
      endTime: null,
      meterEnd: null,
      connector: { connectorId, evse: conn.evse, connectorType: conn.type!.name },
    });
    const active = (await data<{ getChargingSessions: { id: string }[] }>(sim, `query a($c: String!) { getChargingSessions(contactId: $c, active: true) { id status } }`, { c: contactId })).getChargingSessions;
    expect(active.map((s) => s.id)).toContain(started.session);
    expect(sim.world.checkConsistency()).toEqual([]);

    // remoteStop after five simulated minutes ends it STOPPED and frees the connector.
    sim.clock.advance(5 * 60_000);
    const stopped = (await data<{ remoteStop: Remote }>(sim, STOP, { session: started.session })).remoteStop;
    expect(stopped).toEqual({ status: 'ACCEPTED', message: 'Charging session stopped', session: started.session });
    const done = sim.world.getSession(started.session!)!;
    expect(done).toMatchObject({ status: 'STOPPED', endTime: sim.clock.now().toISOString(), duration: 300, currency: 'EUR' });
    expect(done.meterTotal).toBe(done.meterEnd! - done.meterStart!);
    expect(done.meterTotal).toBeGreaterThan(0);
    expect(done.costs).toBeGreaterThan(0);
    expect(done.costsNet! + done.taxAmount!).toBeCloseTo(done.costs!, 2);
    const freed = await chargepoint();
    expect(freed.connectors!.find((c) => c.id === connectorId)!.status).toEqual({ status: 'AVAILABLE', updatedAt: sim.clock.now().toISOString() });
    expect(countsOf(freed)).toEqual(expectedCounts(freed));

    const again = (await data<{ remoteStop: Remote }>(sim, STOP, { session: started.session })).remoteStop;
    expect(again.status).toBe('REJECTED');
    expect(again.message).toMatch(/already stopped/);
    expect(sim.world.checkConsistency()).toEqual([]);
  });

  test('remoteStart on a connector that is not AVAILABLE is refused and changes nothing', async () => {
    const busy = sim.world.dump().chargepoints.flatMap((cp) => cp.connectors!).find((c) => c.status!.status !== 'AVAILABLE')!;
    const before = sim.world.dump();
    const answer = (await data<{ remoteStart: Remote }>(sim, START, { connectorId: busy.id, tagId })).remoteStart;
    expect(answer).toEqual({ status: 'REJECTED', message: `Connector ${busy.id} is ${busy.status!.status}, not AVAILABLE`, session: null });
    expect(sim.world.dump()).toEqual(before);
  });

  test('unknown connector, unknown card and unknown session are refused', async () => {
    const unknownConnector = (await data<{ remoteStart: Remote }>(sim, START, { connectorId: 'nope', tagId })).remoteStart;
    expect(unknownConnector).toMatchObject({ status: 'REJECTED', session: null, message: 'Unknown connector nope' });
    const unknownCard = (await data<{ remoteStart: Remote }>(sim, START, { connectorId, tagId: 'FFFF' })).remoteStart;
    expect(unknownCard).toMatchObject({ status: 'REJECTED', message: 'Unknown card FFFF' });
    const unknownSession = (await data<{ remoteStop: Remote }>(sim, STOP, { session: 'nope' })).remoteStop;
    expect(unknownSession).toMatchObject({ status: 'REJECTED', message: 'Unknown session nope' });
  });

  test('updateCard changes the card; an inactive card cannot start a session', async () => {
    const updated = (await data<{ updateCard: Record<string, unknown> }>(sim, UPDATE, { tagId, name: 'Renamed Holder', active: false })).updateCard;
    expect(updated).toMatchObject({ tagId, name: 'Renamed Holder', active: false, contact: contactId });
    const card = (await data<{ getCard: Record<string, unknown> }>(sim, `query c($t: String!) { getCard(tagId: $t) { ${CARD_FIELDS} } }`, { t: tagId })).getCard;
    expect(card).toEqual(updated);
    const activeOnly = (await data<{ getCards: { tagId: string }[] }>(sim, 'query c($c: String!) { getCards(contactId: $c, active: true) { tagId } }', { c: contactId })).getCards;
    expect(activeOnly.map((c) => c.tagId)).not.toContain(tagId);

    const refused = (await data<{ remoteStart: Remote }>(sim, START, { connectorId, tagId })).remoteStart;
    expect(refused).toEqual({ status: 'REJECTED', message: `Card ${tagId} is inactive`, session: null });

    // Omitted arguments leave fields alone.
    const reactivated = (await data<{ updateCard: Record<string, unknown> }>(sim, UPDATE, { tagId, active: true })).updateCard;
    expect(reactivated).toMatchObject({ name: 'Renamed Holder', active: true });
  });

  test('updateCard on an unknown tag is a GraphQL error', async () => {
    const answer = await gql(sim, UPDATE, { tagId: 'NOT-A-TAG', name: 'x' });
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors).toEqual([expect.objectContaining({ message: 'Card not found: NOT-A-TAG', path: ['updateCard'] })]);
  });

  test('a card with a running session cannot start a second one', async () => {
    const free = sim.world.dump().chargepoints.flatMap((cp) => cp.connectors!).filter((c) => c.status!.status === 'AVAILABLE');
    const first = (await data<{ remoteStart: Remote }>(sim, START, { connectorId: free[0]!.id, tagId })).remoteStart;
    expect(first.status).toBe('ACCEPTED');
    const second = (await data<{ remoteStart: Remote }>(sim, START, { connectorId: free[1]!.id, tagId })).remoteStart;
    expect(second).toMatchObject({ status: 'REJECTED', message: `Card ${tagId} already has an active session ${first.session}` });
    expect(sim.world.checkConsistency()).toEqual([]);
  });
});
