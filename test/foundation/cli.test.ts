import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

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

  it('migrate on an already migrated database is a no-op', async () => {
    const r = await runCli(['migrate'], { DATABASE_URL: t.url, LOG_LEVEL: 'silent' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^nothing to do; schema "connect" is up to date/);
  });
});
