// Paging the whole world in both dialects under a page cap: every id exactly once, in order, and
// the list ends on an empty page.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { CONTACT_FIELDS, OFFSET_PAGE, PAGED_PAGE, data, gql, type ServedChargepoint } from './helpers.js';

const CHARGEPOINTS = 137;
const CONTACTS = 23;
const CAP = 10;

interface PagedAnswer {
  getChargepoints: { count: number; total: number; nextPage: number | null; chargepoints: ServedChargepoint[] };
}

async function pageContacts(sim: Simulator): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  for (let offset = 0; ; ) {
    const d = await data<{ getContacts: { id: string }[] }>(
      sim,
      `query getContacts($offset: Int, $limit: Int) { getContacts(offset: $offset, limit: $limit) { ${CONTACT_FIELDS} } }`,
      { offset, limit: 50 },
    );
    pages.push(d.getContacts.length);
    if (d.getContacts.length === 0) return { ids, pages };
    ids.push(...d.getContacts.map((c) => c.id));
    offset += d.getContacts.length;
  }
}

describe('offset dialect under a page cap', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ chargepoints: CHARGEPOINTS, contacts: CONTACTS, pageCap: CAP });
  });
  afterAll(() => sim.close());

  test('getChargepoints(offset, limit) serves every chargepoint once and ends on an empty page', async () => {
    const ids: string[] = [];
    const sizes: number[] = [];
    for (let offset = 0; ; ) {
      const d = await data<{ getChargepoints: { count: number; chargepoints: ServedChargepoint[] } }>(sim, OFFSET_PAGE, { offset, limit: 50 });
      expect(d.getChargepoints.count).toBe(CHARGEPOINTS); // count = the total in this dialect
      const page = d.getChargepoints.chargepoints;
      sizes.push(page.length);
      if (page.length === 0) break;
      for (const cp of page) {
        expect(cp).not.toHaveProperty('uuid');
        ids.push(cp.id!);
        for (const c of cp.connectors!) expect(typeof c.id).toBe('string');
      }
      offset += page.length;
    }
    expect(ids).toEqual(sim.world.chargepointIds());
    expect(new Set(ids).size).toBe(CHARGEPOINTS);
    expect(sizes).toEqual([...Array<number>(13).fill(CAP), 7, 0]);
    expect(sim.stats.faults['pageCap']).toBe(sizes.length);
  });

  test('contacts page the same way (offset/limit in both dialects)', async () => {
    const { ids, pages } = await pageContacts(sim);
    expect(ids).toEqual(sim.world.contactIds());
    expect(new Set(ids).size).toBe(CONTACTS);
    expect(pages).toEqual([10, 10, 3, 0]);
  });

  test('the paged-dialect arguments do not exist here', async () => {
    const answer = await gql(sim, '{ getChargepoints(count: 5, page: 0) { count } }');
    expect(answer.body.data).toBeUndefined(); // a validation error: nothing executed
    expect(answer.body.errors?.[0]?.message).toMatch(/Unknown argument "count"/);
  });
});

describe('paged dialect under a page cap', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ chargepoints: CHARGEPOINTS, contacts: CONTACTS, dialect: 'paged', pageCap: CAP });
  });
  afterAll(() => sim.close());

  test('getChargepoints(count, page) follows nextPage through every chargepoint once', async () => {
    const ids: string[] = [];
    const seenPages: number[] = [];
    let page: number | null = 0;
    let last = -1;
    while (page !== null) {
      const d: PagedAnswer = await data<PagedAnswer>(sim, PAGED_PAGE, { count: 50, page });
      const p = d.getChargepoints;
      expect(p.total).toBe(CHARGEPOINTS);
      expect(p.count).toBe(p.chargepoints.length); // count = records on this page in this dialect
      expect(p.chargepoints.length).toBeLessThanOrEqual(CAP);
      for (const cp of p.chargepoints) {
        expect(cp).not.toHaveProperty('id');
        ids.push(cp.uuid!);
        for (const c of cp.connectors!) expect(typeof c.uuid).toBe('string');
      }
      seenPages.push(page);
      last = page;
      page = p.nextPage;
    }
    expect(seenPages).toEqual(Array.from({ length: 14 }, (_, i) => i));
    expect(ids).toEqual(sim.world.chargepointIds());
    expect(new Set(ids).size).toBe(CHARGEPOINTS);

    // One page beyond the end is empty.
    const after = await data<PagedAnswer>(sim, PAGED_PAGE, { count: 50, page: last + 1 });
    expect(after.getChargepoints).toMatchObject({ chargepoints: [], count: 0, nextPage: null, total: CHARGEPOINTS });
  });

  test('without a cap a page holds `count` records and nextPage is null on the last one', async () => {
    sim.setFaults({ pageCap: 0 });
    try {
      const first = await data<PagedAnswer>(sim, PAGED_PAGE, { count: 100, page: 0 });
      expect(first.getChargepoints).toMatchObject({ count: 100, nextPage: 1, total: CHARGEPOINTS });
      const second = await data<PagedAnswer>(sim, PAGED_PAGE, { count: 100, page: 1 });
      expect(second.getChargepoints).toMatchObject({ count: CHARGEPOINTS - 100, nextPage: null, total: CHARGEPOINTS });
      const byDefault = await data<PagedAnswer>(sim, '{ getChargepoints { count nextPage chargepoints { uuid } } }');
      expect(byDefault.getChargepoints.count).toBe(100); // default page size of the curl example
    } finally {
      sim.setFaults({ pageCap: CAP });
    }
  });

  test('contacts still use offset/limit', async () => {
    const { ids } = await pageContacts(sim);
    expect(ids).toEqual(sim.world.contactIds());
  });

  test('Chargepoint and Connector have uuid and no id', async () => {
    const bad = await gql(sim, '{ getChargepoints(count: 1) { chargepoints { id } } }');
    expect(bad.body.data).toBeUndefined();
    expect(bad.body.errors?.[0]?.message).toMatch(/Cannot query field "id" on type "Chargepoint"/);
  });
});
