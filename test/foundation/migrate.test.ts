import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { silentLogger } from '../../src/log.js';
import { createDatabaseCopy } from '../helpers/database.js';
import pg from 'pg';
import { withDatabase } from '../setup/global-setup.js';
import { inject } from 'vitest';

const TABLES = [
  'cards', 'chargepoints', 'charging_sessions', 'connector_status_history', 'connectors', 'contacts', 'locations',
  'outage_exclusions', 'price_history', 'schema_migrations', 'status_categories', 'sync_rejects', 'sync_runs',
];

async function emptyDatabase() {
  const name = `cs_empty_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(inject('adminDatabaseUrl'), name),
    async drop() {
      const a = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
      await a.connect();
      await a.query(`drop database ${name} with (force)`);
      await a.end();
    },
  };
}

async function tables(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const r = await c.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = 'connect' order by 1`);
  await c.end();
  return r.rows.map((x) => x.t);
}

describe('migrations', () => {
  it('create every table of the contract; a second run changes nothing', async () => {
    const db = await emptyDatabase();
    try {
      const database = await openDatabase({ databaseUrl: db.url }, silentLogger);
      const first = await migrateDatabase(database, silentLogger);
      const second = await migrateDatabase(database, silentLogger);
      await database.close();
      expect(first.applied).toBeGreaterThanOrEqual(2);
      expect(second).toEqual({ applied: 0, total: first.total });
      expect(await tables(db.url)).toEqual(expect.arrayContaining(TABLES));
    } finally {
      await db.drop();
    }
  });

  it('two processes migrating at the same moment leave one correct schema', async () => {
    const db = await emptyDatabase();
    try {
      const handles = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: db.url }, silentLogger)));
      const results = await Promise.all(handles.map((h) => migrateDatabase(h, silentLogger)));
      await Promise.all(handles.map((h) => h.close()));
      expect(results.map((r) => r.applied).sort()).toEqual([0, 0, results[0]!.total].sort());
      expect(new Set(results.map((r) => r.total)).size).toBe(1);
      expect(await tables(db.url)).toEqual(expect.arrayContaining(TABLES));
    } finally {
      await db.drop();
    }
  });

  it('guards the status history: one open interval per connector, no overlaps', async () => {
    const copy = await createDatabaseCopy('guards');
    const c = new pg.Client({ connectionString: copy.url });
    await c.connect();
    try {
      await c.query(`insert into connect.chargepoints (id, raw) values ('cp1', '{}')`);
      await c.query(`insert into connect.connectors (id, chargepoint_id, raw) values ('c1', 'cp1', '{}')`);
      const ins = (from: string, to: string | null) =>
        c.query(`insert into connect.connector_status_history (connector_id, status, valid_from, valid_to, observed_at) values ('c1', 'AVAILABLE', $1, $2, now())`, [from, to]);
      await ins('2026-01-01T00:00Z', '2026-01-01T01:00Z');
      await ins('2026-01-01T01:00Z', null);
      await expect(ins('2026-01-01T02:00Z', null)).rejects.toMatchObject({ code: '23505' });
      await expect(ins('2026-01-01T00:30Z', '2026-01-01T00:45Z')).rejects.toMatchObject({ code: '23P01' });
      await expect(ins('2026-01-01T05:00Z', '2026-01-01T04:00Z')).rejects.toMatchObject({ code: '23514' });
      // The guard leads with hashtext(connector_id) (migration 0008): two connectors whose ids
      // share a hash still never conflict with each other, only with themselves.
      const [a, b] = ['conn-103023', 'conn-180991'];
      const hashes = await c.query(`select hashtext($1) = hashtext($2) as same`, [a, b]);
      expect(hashes.rows).toEqual([{ same: true }]);
      await c.query(`insert into connect.connectors (id, chargepoint_id, raw) values ($1, 'cp1', '{}'), ($2, 'cp1', '{}')`, [a, b]);
      const insFor = (id: string, from: string, to: string | null) =>
        c.query(`insert into connect.connector_status_history (connector_id, status, valid_from, valid_to, observed_at) values ($1, 'AVAILABLE', $2, $3, now())`, [id, from, to]);
      await insFor(a, '2026-01-01T00:00Z', null);
      await insFor(b, '2026-01-01T00:00Z', null);
      await expect(insFor(b, '2026-01-01T00:10Z', '2026-01-01T00:20Z')).rejects.toMatchObject({ code: '23P01' });
      // A lookup by connector reads a btree, never a scan of the whole GiST index.
      const plan = await c.query(`explain select id from connect.connector_status_history where connector_id = 'c1' and valid_to is null`);
      expect(plan.rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n')).not.toMatch(/no_overlap/);
      const cats = await c.query(`select category from connect.status_categories where status = 'faulted'`);
      expect(cats.rows).toEqual([{ category: 'down' }]);
    } finally {
      await c.end();
      await copy.drop();
    }
  });
});
