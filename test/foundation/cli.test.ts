import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import pg from 'pg';
import { adminUrl, useTestDatabase } from '../helpers/database.js';
import { withDatabase } from '../setup/global-setup.js';

describe('command line', () => {
  const t = useTestDatabase('cli');

  it('--help lists the commands and the environment variables', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const word of ['migrate', 'DATABASE_URL', 'CONNECT_API_URL', 'CONNECT_API_KEY_FILE', 'SYNC_CHARGEPOINTS_CRON', 'Exit codes']) {
      expect(r.stdout).toContain(word);
    }
  });

  it('a malformed variable ends with one line naming it and exit code 2', async () => {
    const r = await runCli(['migrate'], { DATABASE_URL: 'nonsense' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['configuration error: DATABASE_URL must be a URL like postgres://user:password@host:5432/dbname']);
  });

  it('an unknown command is a usage error', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });

  it('a database that is down ends with exit code 5 and a line that says what to check', async () => {
    const r = await runCli(['migrate'], { DATABASE_URL: 'postgres://app:topsecret@127.0.0.1:1/nowhere' });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('database unreachable');
    expect(r.stderr).toContain('Check DATABASE_URL');
    expect(r.stderr).not.toContain('topsecret');
  });

  it('two migrate processes started at the same moment both exit 0 and leave one correct schema', async () => {
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    const name = `cs_cli_migrate_${process.pid}`;
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    try {
      const url = withDatabase(adminUrl(), name);
      const [a, b] = await Promise.all([
        runCli(['migrate'], { DATABASE_URL: url, LOG_LEVEL: 'silent' }),
        runCli(['migrate'], { DATABASE_URL: url, LOG_LEVEL: 'silent' }),
      ]);
      expect([a.code, b.code]).toEqual([0, 0]);
      expect([a.stdout, b.stdout].filter((o) => o.startsWith('applied')).length).toBe(1);
      expect([a.stdout, b.stdout].filter((o) => o.startsWith('nothing to do')).length).toBe(1);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const tables = await c.query(`select count(*)::int as n from information_schema.tables where table_schema = 'connect' and table_type = 'BASE TABLE'`);
      const applied = await c.query(`select count(*)::int as n from connect.schema_migrations`);
      await c.end();
      expect(tables.rows[0].n).toBe(14); // 12 entity and run tables, schema_migrations, upstream_schema (0010)
      expect(applied.rows[0].n).toBeGreaterThanOrEqual(4);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it('migrate on an already migrated database is a no-op', async () => {
    const r = await runCli(['migrate'], { DATABASE_URL: t.url, LOG_LEVEL: 'silent' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^nothing to do; schema "connect" is up to date/);
  });
});
