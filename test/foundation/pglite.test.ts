import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../../src/db/database.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { chargepoints } from '../../src/db/schema.js';
import { silentLogger } from '../../src/log.js';

describe('embedded PGlite database', () => {
  it('runs the same migrations and an upsert through the same drizzle code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-pglite-'));
    try {
      const database = await openDatabase({ dataDir: dir }, silentLogger);
      expect(database.kind).toBe('pglite');
      const first = await migrateDatabase(database, silentLogger);
      expect(first.applied).toBeGreaterThanOrEqual(2);
      for (const name of ['one', 'two', 'two']) {
        await database.db
          .insert(chargepoints)
          .values({ id: 'cp-1', name, raw: { id: 'cp-1', name } })
          .onConflictDoUpdate({ target: chargepoints.id, set: { name, raw: { id: 'cp-1', name } } });
      }
      const r = await rows<{ id: string; name: string }>(database.db, sql`select id, name from connect.chargepoints`);
      expect(r).toEqual([{ id: 'cp-1', name: 'two' }]);
      expect((await migrateDatabase(database, silentLogger)).applied).toBe(0);
      await database.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
