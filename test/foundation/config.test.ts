import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

describe('configuration', () => {
  it('parses defaults into a frozen, typed object', () => {
    const c = parseConfig({});
    expect(c.pageSize).toBe(500);
    expect(c.concurrency).toBe(4);
    expect(c.httpPort).toBe(8080);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.schedules.chargepoints).toBe('* * * * *');
    expect(c.schedules.prices).toBe('');
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.schedules)).toBe(true);
  });

  it.each([
    [{ DATABASE_URL: 'nonsense' }, /^DATABASE_URL must be a URL like postgres:\/\//],
    [{ CONNECT_API_URL: 'ftp://x' }, /^CONNECT_API_URL must be a URL/],
    [{ CONNECT_PAGE_SIZE: '0' }, /^CONNECT_PAGE_SIZE must be a whole number from 1 to 10000/],
    [{ CONNECT_CONCURRENCY: 'four' }, /^CONNECT_CONCURRENCY must be a whole number/],
    [{ HTTP_PORT: '70000' }, /^HTTP_PORT must be a port number/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of fatal, error/],
    [{ SYNC_CHARGEPOINTS_CRON: 'every minute' }, /^SYNC_CHARGEPOINTS_CRON must be a cron expression/],
    [{ CONNECT_API_KEY: 'a', CONNECT_API_KEY_FILE: '/x' }, /both set/],
    [{ CONNECT_API_KEY_FILE: '/nonexistent/key' }, /^CONNECT_API_KEY_FILE: cannot read \/nonexistent\/key \(ENOENT\)/],
  ])('names the variable and the expected form: %o', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });

  it('reads the key from CONNECT_API_KEY_FILE, trimmed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-key-'));
    writeFileSync(join(dir, 'key'), 'secret-from-file\n');
    expect(parseConfig({ CONNECT_API_KEY_FILE: join(dir, 'key') }).connectApiKey).toBe('secret-from-file');
  });

  it('accepts six-field cron with seconds and empty to switch a job off', () => {
    const c = parseConfig({ SYNC_CHARGEPOINTS_CRON: '*/5 * * * * *', SYNC_CARDS_CRON: '' });
    expect(c.schedules.chargepoints).toBe('*/5 * * * * *');
    expect(c.schedules.cards).toBe('');
  });
});
