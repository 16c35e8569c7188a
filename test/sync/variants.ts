// Every sync job against one schema variant of the simulator (another faithful reading of the
// reference): what the world holds must be what the database holds, whatever the API's shape.
import { expect } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { syncChargepoints } from '../../src/sync/chargepoints.js';
import { syncCards, syncContacts, syncSessions } from '../../src/sync/customers.js';
import { syncPrices } from '../../src/sync/prices.js';
import { parseSchemaVariants } from '../../src/simulator/index.js';
import { createDatabaseCopy } from '../helpers/database.js';
import { startUpstream } from '../helpers/upstream.js';
import pg from 'pg';

export interface VariantCase {
  schema: string;
  dialect: 'offset' | 'paged';
}

const sorted = (xs: string[]) => [...xs].sort();

/** Runs every job once against the variant and compares the database with the simulator's world. */
export async function syncEveryJob({ schema, dialect }: VariantCase, logger: Logger = silentLogger): Promise<void> {
  const up = await startUpstream({ schema, dialect, seed: 21, chargepoints: 14, contacts: 6, pageSize: 5, startTime: new Date('2026-11-02T00:00:00Z') });
  const copy = await createDatabaseCopy(`variant-${schema}-${dialect}`);
  const database = await openDatabase({ databaseUrl: copy.url, poolSize: 3 }, silentLogger);
  const sql = new pg.Client({ connectionString: copy.url });
  await sql.connect();
  let ok = false;
  try {
    up.sim.clock.advance(4 * 3600_000); // sessions, active and stopped
    const world = up.sim.world;
    const ctx = { database, logger };
    for (const [job, run] of [
      ['chargepoints', () => syncChargepoints(up.client, ctx)],
      ['contacts', () => syncContacts(up.client, ctx)],
      ['cards', () => syncCards(up.client, ctx, { concurrency: 3 })],
      ['sessions', () => syncSessions(up.client, ctx, { concurrency: 3, active: false })],
      ['active sessions', () => syncSessions(up.client, ctx, { concurrency: 3, active: true })],
      ['prices', () => syncPrices(up.client, ctx, { concurrency: 3 })],
    ] as const) {
      const result = await run();
      expect({ job, status: result.status, error: result.error }).toEqual({ job, status: 'succeeded', error: undefined });
    }
    const q = async (text: string) => (await sql.query(text)).rows as Array<Record<string, unknown>>;

    // Chargepoints and connectors, with the exact status as served.
    const cpIds = world.chargepointIds();
    expect(sorted((await q('select id from connect.chargepoints where deleted_at is null')).map((r) => String(r['id'])))).toEqual(sorted(cpIds));
    const expectedStatus = new Map<string, string | null>();
    for (const id of cpIds) for (const c of world.getChargepoint(id)!.connectors ?? []) expectedStatus.set(c.id, c.status?.status ?? null);
    const stored = await q('select id, status from connect.connectors where deleted_at is null');
    expect(new Map(stored.map((r) => [String(r['id']), r['status'] as string | null]))).toEqual(expectedStatus);
    const open = await q('select count(*)::int as n from connect.connector_status_history where valid_to is null');
    expect(open[0]!['n']).toBe(expectedStatus.size);

    // Locations: the details the variant offers, in typed columns whatever their names or nesting.
    const variants = parseSchemaVariants(schema);
    const locs = await q(`select c.id, l.id as location_id, l.city, l.zip, l.latitude, l.raw from connect.chargepoints c join connect.locations l on l.id = c.location_id`);
    expect(locs).toHaveLength(cpIds.length);
    for (const row of locs) {
      const loc = world.getChargepoint(String(row['id']))!.location!;
      expect(row['city']).toBe(loc.city);
      expect(row['zip']).toBe(loc.zip);
      expect(row['latitude']).toBeCloseTo(loc.latitude!, 6);
      expect(row['raw']).toBeTypeOf('object');
      if (variants.includes('location-noid')) expect(String(row['location_id'])).toMatch(/^fp:[0-9a-f]{32}$/);
      else expect(row['location_id']).toBe(loc.id);
    }

    // Contacts, cards and sessions: every one, each once.
    const contactIds = world.contactIds();
    expect(sorted((await q('select id from connect.contacts')).map((r) => String(r['id'])))).toEqual(sorted(contactIds));
    const cards = contactIds.flatMap((c) => world.cardsOf(c).map((card) => `${card.tagId}|${c}`));
    expect((await q(`select tag_id || '|' || contact_id as k from connect.cards`)).map((r) => String(r['k'])).sort()).toEqual(sorted(cards));
    const sessions = contactIds.flatMap((c) => world.sessionsOf(c).map((s) => `${s.id}|${s.status}`));
    expect(sessions.length).toBeGreaterThan(3);
    expect((await q(`select id || '|' || upper(status) as k from connect.charging_sessions`)).map((r) => String(r['k'])).sort()).toEqual(sorted(sessions));
    const prices = await q('select count(*)::int as n from connect.price_history where valid_to is null');
    expect(prices[0]!['n']).toBe(cpIds.length);
    ok = true;
  } finally {
    await sql.end();
    await database.close();
    await up.close();
    if (ok) await copy.drop();
    else console.warn(`test database kept for inspection: ${copy.name}`);
  }
}
