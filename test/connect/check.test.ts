// `connect-sync check`: passes on both simulator dialects; names the missing field on a drifted
// schema (a graphql-yoga server serving the simulator's SDL with fields changed); exit codes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterEach, expect, test } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { startSimulator, typeDefs, type Simulator } from '../../src/simulator/index.js';
import { checkApi, checkCommand, CHECK_EXIT } from '../../src/connect/index.js';
import { makeClient } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});
async function sim(options: Parameters<typeof startSimulator>[0]): Promise<Simulator> {
  const s = await startSimulator(options);
  closers.push(() => s.close());
  return s;
}

/** A GraphQL server for `sdl` (no data, no key check), over real HTTP. */
async function yogaServer(sdl: string): Promise<{ url: string; apiKey: string }> {
  const yoga = createYoga({ schema: createSchema({ typeDefs: sdl }), logging: false, graphiql: false, landingPage: false });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, apiKey: 'yoga-key-1234' };
}

/** Replaces the first match of `find` inside `type NAME { ... }` of `sdl`. */
function editType(sdl: string, type: string, find: RegExp, replace: string): string {
  const start = sdl.indexOf(`type ${type} {`);
  const end = sdl.indexOf('\n}', start);
  const body = sdl.slice(start, end);
  const edited = body.replace(find, replace);
  if (edited === body) throw new Error(`editType: ${find} not found in type ${type}`);
  return sdl.slice(0, start) + edited + sdl.slice(end);
}

function output() {
  const lines: string[] = [];
  return { write: (t: string) => lines.push(...t.split('\n').filter(Boolean)), lines };
}

function config(url: string, apiKey?: string) {
  return parseConfig({ CONNECT_API_URL: url, ...(apiKey ? { CONNECT_API_KEY: apiKey } : {}) });
}

test.each(['offset', 'paged'] as const)('passes on the %s dialect (checkApi and checkCommand)', async (dialect) => {
  const s = await sim({ dialect, chargepoints: 3, contacts: 2 });
  const result = await checkApi(makeClient(s));
  expect(result).toMatchObject({ outcome: 'ok', ok: true, problems: [], degraded: [], dialect: { pagination: dialect } });

  const out = output();
  expect(await checkCommand(config(s.url, s.apiKey), silentLogger, out)).toBe(CHECK_EXIT.ok);
  expect(out.lines).toHaveLength(1);
  expect(out.lines[0]).toMatch(new RegExp(`^ok: .* speaks the ${dialect} dialect`));
});

test('degraded: documented nullable fields the API leaves out are listed with what they cost; exit 0', async () => {
  const s = await sim({ chargepoints: 3, contacts: 2, schema: 'missing-nullable' });
  const out = output();
  expect(await checkCommand(config(s.url, s.apiKey), silentLogger, out)).toBe(CHECK_EXIT.ok);
  expect(out.lines).toEqual([
    'degraded: Connector.name is not offered: connectors.name stays empty',
    'degraded: Chargepoint.createdAt is not offered: chargepoints.upstream_created_at stays empty',
    'degraded: Contact.fax is not offered: contacts.fax stays empty',
    'degraded: Contact.gender is not offered: contacts.gender stays empty',
    'degraded: Card.rate is not offered: cards.rate stays empty',
    'degraded: Session.tariff is not offered: charging_sessions.tariff stays empty',
    expect.stringMatching(/^degraded: http:\/\/127\.0\.0\.1:\d+\/graphql accepts the API key and speaks the offset dialect; every job runs, without the 6 item\(s\) above$/),
  ]);
});

test('introspection refused: the same findings, learnt from validation errors; the refusal is said once', async () => {
  const s = await sim({ chargepoints: 3, contacts: 2, schema: 'closed', dialect: 'paged' });
  const result = await checkApi(makeClient(s));
  expect(result.outcome).toBe('degraded');
  expect(result.dialect).toEqual({ pagination: 'paged', key: 'uuid' });
  expect(result.degraded).toContain('Contact.fax is not offered: contacts.fax stays empty');
  expect(result.degraded).toContain('Chargepoint.createdAt is not offered: chargepoints.upstream_created_at stays empty');
  expect(result.warnings).toHaveLength(1);
  expect(result.warnings[0]).toMatch(/^introspection is not available \(GraphQL introspection has been disabled.*\(and \d+ more error\(s\) like it\)\)/);
  expect(result.warnings[0]!.length).toBeLessThan(400);
});

test('fatal: what a job cannot work without is named with the job it blocks; exit 1', async () => {
  let sdl = typeDefs('offset');
  sdl = editType(sdl, 'Connector', /\n\s*id: ID!/, '\n  connectorKey: ID!');
  sdl = editType(sdl, 'Location', /\n\s*zip: String/, '');
  sdl = editType(sdl, 'Session', /\n\s*meterTotal: Int/, '\n  meterTotal: [Int]\n  energy: SessionEnergy');
  sdl += '\ntype SessionEnergy { wh: Int }\n';
  sdl = editType(sdl, 'Query', /getPrice\(/, 'getTariff(');
  const api = await yogaServer(sdl);

  const result = await checkApi(makeClient(api));
  expect(result.outcome).toBe('fatal');
  expect(result.dialect).toBeNull();
  expect(result.problems).toEqual([
    'getChargepoints: Connector has neither id nor uuid: the chargepoints job cannot run',
    'getPrice: Query.getPrice is not offered: the prices job cannot run',
  ]);
  // The lookup that only confirms deletions is not fatal; a Location without zip is simply read as it is.
  expect(result.degraded).toEqual([
    'getChargepoint: Connector has neither id nor uuid: the chargepoints job does without it (deletion candidates are not confirmed one by one before they are marked deleted)',
  ]);

  const out = output();
  expect(await checkCommand(config(api.url, api.apiKey), silentLogger, out)).toBe(CHECK_EXIT.problems);
  expect(out.lines).toEqual([
    ...result.degraded.map((d) => `degraded: ${d}`),
    ...result.problems.map((p) => `fatal: ${p}`),
    'fatal: 2 problem(s) above block a job; ask the API operator, or switch that job off (SYNC_*_CRON empty)',
  ]);
});

test('fatal: an argument the job needs is missing; loose readings (status a string, ID arguments) are fine', async () => {
  let sdl = typeDefs('paged');
  sdl = editType(sdl, 'Query', /getCards\(\n.*\n\s*contactId: String!/, 'getCards(\n    customer: String!');
  sdl = editType(sdl, 'Query', /getChargingSessions\(\n.*\n\s*contactId: String!/, 'getChargingSessions(\n    contactId: ID!');
  sdl = editType(sdl, 'Connector', /\n\s*status: ConnectorStatus/, '\n  status: String');
  const api = await yogaServer(sdl);
  const result = await checkApi(makeClient(api));
  expect(result.problems[0]).toBe(
    'getCards: Query.getCards takes no argument contactId (it takes customer, active, offset, limit); Query.getCards requires an argument customer: String! that the reference does not document: the cards job cannot run',
  );
  // This stand-in has no data behind its schema: the one real data request fails too, and says so.
  expect(result.problems.slice(1)).toEqual(['getChargepoints failed: Unexpected error.']);
  expect(result.warnings).toEqual(['Connector.status is a String (a leaf) on this API']);
  expect(result.degraded).toEqual([]);
  expect((await (await makeClient(api).catalog()).operation('getChargingSessions')).source).toContain('$contactId: ID!');
});

test('exit codes: 3 when the key is refused, 4 when unreachable, 2 when not configured', async () => {
  const s = await sim({ chargepoints: 2 });
  const out = output();
  const t0 = performance.now();
  expect(await checkCommand(config(s.url, 'a-wrong-key-777'), silentLogger, out)).toBe(CHECK_EXIT.auth);
  expect(performance.now() - t0).toBeLessThan(1000);
  expect(out.lines).toHaveLength(1);
  expect(out.lines[0]).toMatch(/^authentication failed: .*CONNECT_API_KEY/);
  expect(out.lines[0]).not.toContain('a-wrong-key-777');

  // A port nobody listens on (the simulator's, after closing it).
  const gone = await sim({ chargepoints: 1 });
  await gone.close();
  const down = output();
  expect(await checkCommand(config(gone.url, 'whatever-key'), silentLogger, down)).toBe(CHECK_EXIT.unreachable);
  expect(down.lines[0]).toMatch(/^unreachable: http:\/\/127\.0\.0\.1:\d+\/graphql: .*ECONNREFUSED/);

  const wrongPath = output();
  expect(await checkCommand(config(s.url.replace('/graphql', '/api'), s.apiKey), silentLogger, wrongPath)).toBe(CHECK_EXIT.unreachable);
  expect(wrongPath.lines[0]).toMatch(/HTTP 404 .*check that CONNECT_API_URL is the full GraphQL endpoint/);

  const missing = output();
  expect(await checkCommand(config(s.url), silentLogger, missing)).toBe(CHECK_EXIT.config);
  expect(missing.lines[0]).toMatch(/CONNECT_API_KEY is not set/);
}, 20_000);
