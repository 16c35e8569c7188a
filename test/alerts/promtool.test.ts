// The alerting and recording rules in prometheus/ are valid and behave as their unit tests say,
// checked with Debian's promtool (installed by .ci/run).
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROMTOOL } from './tools.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

describe('prometheus rules (promtool)', () => {
  it('promtool check rules accepts the rule file and counts every rule', async () => {
    const { stdout } = await run(PROMTOOL, ['check', 'rules', 'prometheus/connect-sync.rules.yml'], { cwd: ROOT });
    expect(stdout).toContain('SUCCESS: 13 rules found');
  });

  it('promtool test rules passes the unit tests (stale, failing, failure rate, 429s, rejects spike, unknown values, readiness, down)', async () => {
    const { stdout } = await run(PROMTOOL, ['test', 'rules', 'prometheus/tests/connect-sync.test.yml'], { cwd: ROOT });
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('promtool test rules fails when an expected alert does not come (the unit tests can fail)', async () => {
    const broken = resolve(ROOT, 'prometheus/tests/connect-sync.test.yml');
    const dir = mkdtempSync(resolve(tmpdir(), 'cs-promtool-'));
    try {
      copyFileSync(resolve(ROOT, 'prometheus/connect-sync.rules.yml'), resolve(dir, 'connect-sync.rules.yml'));
      // Expect the stale alert one minute too early (at 13m the poll is exactly three intervals old).
      const text = readFileSync(broken, 'utf8').replace('../connect-sync.rules.yml', 'connect-sync.rules.yml').replace('      - eval_time: 14m\n', '      - eval_time: 13m\n');
      writeFileSync(resolve(dir, 'test.yml'), text);
      const outcome = await run(PROMTOOL, ['test', 'rules', 'test.yml'], { cwd: dir }).then(
        () => 'passed',
        (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
      );
      expect(outcome).toContain('FAILED');
      expect(outcome).toContain('ConnectSyncStatusPollStale');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
