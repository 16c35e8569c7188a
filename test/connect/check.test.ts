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
  expect(result).toMatchObject({ ok: true, problems: [], dialect: { pagination: dialect } });

  const out = output();
  expect(await checkCommand(config(s.url, s.apiKey), silentLogger, out)).toBe(CHECK_EXIT.ok);
  expect(out.lines).toHaveLength(1);
  expect(out.lines[0]).toMatch(new RegExp(`^ok: .* speaks the ${dialect} dialect`));
});

test('fails naming the type and field on a schema that lacks one', async () => {
  let sdl = typeDefs('offset');
  sdl = editType(sdl, 'Connector', /\n\s*id: ID!/, '\n  uuid: ID!');
  sdl = editType(sdl, 'Location', /\n\s*zip: String/, '');
  sdl = editType(sdl, 'Session', /\n\s*meterTotal: Int/, '\n  meterTotal: [Int]\n  energy: SessionEnergy');
  sdl += '\ntype SessionEnergy { wh: Int }\n';
  sdl = editType(sdl, 'Query', /getPrice\(/, 'getTariff(');
  const api = await yogaServer(sdl);

  const result = await checkApi(makeClient(api));
  expect(result.ok).toBe(false);
  expect(result.dialect?.pagination).toBe('offset');
  expect(result.problems).toContain('Connector.id is missing; the API offers uuid (used by getChargepoints, getChargepoint)');
  expect(result.problems.find((p) => p.startsWith('Location.zip is missing'))).toMatch(
    /^Location\.zip is missing; Location has id, name, street, city, .* \(used by getChargepoints, getChargepoint, getContacts, getContact\)$/,
  );
  expect(result.problems.find((p) => p.startsWith('Query.getPrice'))).toBe('Query.getPrice is missing; Query has getCard, getCards, getChargepoint, getChargepoints, getChargingSession, getChargingSessions, getContact, getContacts, getTariff (used by getPrice)');
  // A list where a scalar was is not a validation error; it is not reported (the records reject it).
  expect(result.problems).toHaveLength(3);

  const out = output();
  expect(await checkCommand(config(api.url, api.apiKey), silentLogger, out)).toBe(CHECK_EXIT.problems);
  expect(out.lines).toEqual(result.problems);
});

test('reports arguments the API no longer takes and a changed dialect shape', async () => {
  let sdl = typeDefs('paged');
  sdl = editType(sdl, 'Query', /getCards\(\n.*\n\s*contactId: String!/, 'getCards(\n    customer: String!');
  sdl = editType(sdl, 'Connector', /\n\s*status: ConnectorStatus/, '\n  status: String');
  const api = await yogaServer(sdl);
  const result = await checkApi(makeClient(api));
  expect(result.dialect).toEqual({ pagination: 'paged', key: 'uuid' });
  expect(result.problems).toEqual(
    expect.arrayContaining([
      'Query.getCards has no argument contactId; it takes customer, active, offset, limit (used by getCards)',
      'Field "getCards" argument "customer" of type "String!" is required, but it was not provided. (used by getCards)',
      'Connector.status is a String on the API; connect-sync expects an object with status, updatedAt (used by getChargepoints, getChargepoint)',
    ]),
  );
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
