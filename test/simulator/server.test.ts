// The HTTP front: authentication, paths, introspection and the request statistics.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { data, gql, pool, post } from './helpers.js';

describe('HTTP front', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ chargepoints: 10, contacts: 3, apiKey: 'test-key-123' });
  });
  afterAll(() => sim.close());

  test('serves on 127.0.0.1 under /graphql with the given key', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}/graphql`);
    expect(sim.apiKey).toBe('test-key-123');
  });

  test('401 with a JSON error when the key is missing', async () => {
    const res = await fetch(sim.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ errors: [{ message: 'Unauthorized: the x-api-key header is missing' }] });
  });

  test('401 when the key is wrong, also for a key of the right length', async () => {
    for (const key of ['nope', 'test-key-124', '']) {
      const res = await post(sim, { query: '{ __typename }' }, { 'x-api-key': key });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ errors: [{ message: 'Unauthorized: invalid API key' }] });
    }
  });

  test('200 with the right key', async () => {
    expect(await data(sim, '{ __typename }')).toEqual({ __typename: 'Query' });
  });

  test('other paths are 404', async () => {
    const res = await fetch(sim.url.replace('/graphql', '/'), { headers: { 'x-api-key': sim.apiKey } });
    expect(res.status).toBe(404);
  });

  test('a random key is made up when none is given', async () => {
    const other = await startSimulator({ chargepoints: 1, contacts: 1 });
    try {
      expect(other.apiKey.length).toBeGreaterThanOrEqual(20);
      expect(other.apiKey).not.toBe(sim.apiKey);
      expect((await post(other, { query: '{ __typename }' })).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  test('stats count requests by operation name, else by first field, and measure concurrency', async () => {
    sim.stats.reset();
    await data(sim, 'query myCards { getContacts(limit: 1) { id } }');
    await data(sim, '{ getContacts(limit: 1) { id } }');
    await data(sim, '{ a: getContacts(limit: 1) { id } b: getChargepoints(limit: 1) { count } }');
    await post(sim, { query: '{ __typename }' }, { 'x-api-key': 'wrong' });
    sim.setFaults({ latencyMs: 400 }); // long enough for all six to overlap on a busy machine
    try {
      await pool(6, 6, () => data(sim, 'query slow { __typename }'));
    } finally {
      sim.setFaults({ latencyMs: 0 });
    }
    expect(sim.stats.requests).toBe(10);
    expect(sim.stats.byOperation).toEqual({ myCards: 1, getContacts: 2, __typename: 1, slow: 6 });
    expect(sim.stats.byField).toEqual({ getContacts: 3, getChargepoints: 1, __typename: 7 });
    expect(sim.stats.byStatus).toEqual({ '200': 9, '401': 1 });
    expect(sim.stats.maxInFlight).toBe(6);
    expect(sim.stats.inFlight).toBe(0);
    expect(sim.stats.faults['latency']).toBe(6);
  });
});

describe('introspection', () => {
  const INTROSPECT = `{
    __schema { queryType { name } mutationType { name } }
    chargepoint: __type(name: "Chargepoint") { fields { name type { kind name ofType { name } } } }
    connector: __type(name: "Connector") { fields { name } }
    connectorStatus: __type(name: "ConnectorStatus") { fields { name type { kind name } } }
    status: __type(name: "Status") { kind enumValues { name } }
    sessionStatus: __type(name: "SessionStatus") { enumValues { name } }
    location: __type(name: "Location") { fields { name } }
    query: __type(name: "Query") { fields { name args { name } } }
    paginated: __type(name: "PaginatedChargepoints") { fields { name } }
  }`;
  type Field = { name: string; type: { kind: string; name: string | null; ofType: { name: string } | null } };
  type Answer = {
    chargepoint: { fields: Field[] };
    connector: { fields: { name: string }[] };
    connectorStatus: { fields: Field[] };
    status: { kind: string; enumValues: { name: string }[] };
    sessionStatus: { enumValues: { name: string }[] };
    location: { fields: { name: string }[] };
    query: { fields: { name: string; args: { name: string }[] }[] };
    paginated: { fields: { name: string }[] };
  };
  const names = (fields: { name: string }[]) => fields.map((f) => f.name).sort();

  test.each(['offset', 'paged'] as const)('describes the %s dialect honestly', async (dialect) => {
    const sim = await startSimulator({ chargepoints: 1, contacts: 1, dialect });
    try {
      const d = await data<Answer>(sim, INTROSPECT);
      const key = dialect === 'offset' ? 'id' : 'uuid';
      const cpFields = names(d.chargepoint.fields);
      expect(cpFields).toContain(key);
      expect(cpFields).not.toContain(dialect === 'offset' ? 'uuid' : 'id');
      expect(d.chargepoint.fields.find((f) => f.name === key)?.type).toMatchObject({ kind: 'NON_NULL', ofType: { name: 'ID' } });
      expect(names(d.connector.fields)).toEqual([key, 'evse', 'name', 'status', 'type'].sort());
      // The served status is a string scalar: values outside the enum are legal output.
      expect(d.connectorStatus.fields.find((f) => f.name === 'status')?.type).toEqual({ kind: 'SCALAR', name: 'StatusValue' });
      expect(d.status.kind).toBe('ENUM');
      expect(names(d.status.enumValues)).toEqual(['AVAILABLE', 'FAULTED', 'OCCUPIED', 'UNAVAILABLE', 'UNKNOWN']);
      expect(names(d.sessionStatus.enumValues)).toEqual(['ACTIVE', 'STOPPED']);
      expect(names(d.location.fields)).toEqual(['city', 'country', 'id', 'latitude', 'longitude', 'name', 'street', 'zip']);
      const getChargepoints = d.query.fields.find((f) => f.name === 'getChargepoints');
      expect(names(getChargepoints!.args)).toEqual(dialect === 'offset' ? ['limit', 'offset'] : ['count', 'page']);
      expect(names(d.paginated.fields)).toEqual(dialect === 'offset' ? ['chargepoints', 'count'] : ['chargepoints', 'count', 'nextPage', 'total']);
      expect(names(d.query.fields)).toEqual([
        'getCard', 'getCards', 'getChargepoint', 'getChargepoints', 'getChargingSession',
        'getChargingSessions', 'getContact', 'getContacts', 'getPrice',
      ]);
    } finally {
      await sim.close();
    }
  });

  test('the answer to a malformed body is an error, not a crash', async () => {
    const sim = await startSimulator({ chargepoints: 1, contacts: 1 });
    try {
      const res = await fetch(sim.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': sim.apiKey }, body: '{not json' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      const after = await gql(sim, '{ __typename }');
      expect(after.status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
