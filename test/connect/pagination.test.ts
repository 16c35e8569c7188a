// Pagination edge cases the simulator does not produce, against small real HTTP servers.
import { afterEach, expect, test } from 'vitest';
import { collect, OFFSET_DIALECT, PAGED_DIALECT, PaginationError } from '../../src/connect/index.js';
import { makeClient, stubServer, type StubServer } from './helpers.js';

const servers: StubServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(answer: Parameters<typeof stubServer>[0]) {
  const s = await stubServer(answer);
  servers.push(s);
  return { ...s, apiKey: 'stub-key-123' };
}

const contact = (i: number) => ({ id: `c${i}`, name: `Contact ${i}` });

test('a page that comes back again (offset ignored) is a PaginationError', async () => {
  const s = await serve(() => ({ data: { getContacts: [contact(1), contact(2), contact(3)] } }));
  const client = makeClient(s, { pageSize: 3 });
  const pass = client.contactPages();
  const first = await pass.next();
  expect(first.value).toMatchObject({ index: 0, duplicates: 0 });
  await expect(pass.next()).rejects.toThrow(PaginationError);
  await expect(collect(client.contactPages())).rejects.toThrow(/same 3 record\(s\) for offset 3/);
  expect(pass.stats.complete).toBe(false);
});

test('offset paging ends only on an empty page and advances by what was received', async () => {
  // The server caps at 2 whatever is asked: short pages are not the end.
  const all = Array.from({ length: 7 }, (_, i) => contact(i));
  const s = await serve(({ variables }) => {
    const offset = Number(variables['offset']);
    return { data: { getContacts: all.slice(offset, offset + Math.min(2, Number(variables['limit']))) } };
  });
  const client = makeClient(s, { pageSize: 100 });
  await client.catalog(); // the schema is read once per client (this server refuses introspection)
  const { records, stats } = await collect(client.contactPages());
  expect(records.map((r) => r.id)).toEqual(all.map((c) => c.id));
  expect(s.requests.map((r) => r.variables['offset'])).toEqual([0, 2, 4, 6, 7]);
  expect(s.requests.every((r) => r.variables['limit'] === 100)).toBe(true);
  expect(stats).toMatchObject({ pages: 4, requests: 5, complete: true });
});

test('records already seen in the pass are dropped and counted as duplicates', async () => {
  // Live data shifted: the second page repeats c2 from the first.
  const pages = [[contact(1), contact(2)], [contact(2), contact(3)], []];
  const s = await serve(({ variables }) => ({ data: { getContacts: pages[Number(variables['offset']) / 2] ?? [] } }));
  const client = makeClient(s, { pageSize: 2 });
  const seen = [];
  for await (const page of client.contactPages()) seen.push({ ids: page.records.map((r) => r.id), duplicates: page.duplicates });
  expect(seen).toEqual([
    { ids: ['c1', 'c2'], duplicates: 0 },
    { ids: ['c3'], duplicates: 1 },
  ]);
});

test('paged dialect: a wrong nextPage: null does not cut the pass short; the end is confirmed by an empty page', async () => {
  const cps = Array.from({ length: 5 }, (_, i) => ({ uuid: `cp${i}`, connectors: [] }));
  const s = await serve(({ variables }) => {
    const page = Number(variables['page']);
    const count = Number(variables['count']);
    const slice = cps.slice(page * count, page * count + count);
    // nextPage lies (null already after the first page).
    return { data: { getChargepoints: { chargepoints: slice, nextPage: null, count: slice.length, total: cps.length } } };
  });
  const client = makeClient(s, { pageSize: 2, dialect: PAGED_DIALECT });
  const { records, stats } = await collect(client.chargepointPages());
  expect(records.map((r) => r.id)).toEqual(cps.map((c) => c.uuid));
  // Read-ahead asks pages 1 and 2 together: their order of arrival is not fixed.
  expect(s.requests.map((r) => Number(r.variables['page'])).sort()).toEqual([0, 1, 2, 3]);
  expect(stats).toMatchObject({ pages: 3, requests: 4, reportedTotal: 5, complete: true });
});

test('a bad record becomes a reject, not a page failure', async () => {
  const s = await serve(({ variables }) =>
    Number(variables['offset']) > 0
      ? { data: { getChargepoints: { chargepoints: [], count: 3 } } }
      : {
          data: {
            getChargepoints: {
              chargepoints: [
                { id: 1, connectors: [{ id: 'k1', status: { status: 'AVAILABLE' } }] },
                { name: 'no id at all' },
                { id: 3, connectorsFree: 'lots', connectors: [] },
                { id: 4, connectors: [] },
              ],
              count: 3,
            },
          },
        },
  );
  const client = makeClient(s, { pageSize: 10, dialect: OFFSET_DIALECT });
  const pages = [];
  for await (const page of client.chargepointPages()) pages.push(page);
  expect(pages).toHaveLength(1);
  expect(pages[0]!.records.map((r) => r.id)).toEqual(['1', '4']);
  expect(pages[0]!.rejects.map((r) => [r.entity, r.key, r.reason])).toEqual([
    ['chargepoint', null, 'id: missing'],
    ['chargepoint', '3', 'connectorsFree: not a number ("lots")'],
  ]);
});

test('a server that keeps returning only records already seen is stopped', async () => {
  let n = 0;
  // Pages differ (so no exact repeat) but bring nothing new after the first.
  const s = await serve(() => ({ data: { getContacts: n++ % 2 ? [contact(1), contact(2)] : [contact(2), contact(1)] } }));
  const client = makeClient(s, { pageSize: 2 });
  await expect(collect(client.contactPages())).rejects.toThrow(/brought only records already seen/);
  expect(s.requests.length).toBe(4);
});
