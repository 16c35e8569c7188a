// The short form of the chaos soak (the long form: `npm run soak`): a few simulated hours in both
// dialects, faults far more often than in the long form, and the clean and chaos databases must
// hold the same history. SOAK_CLI runs it against another build of the CLI (e.g. one with a
// deliberate bug) instead of dist/cli.js.
import { expect, inject, test } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { formatReport, runSoak } from './soak.js';

const SHORT = {
  ticks: 8,
  // Ten simulated minutes a tick: in eight ticks chargepoints come and go, cards change, sessions end.
  tickMs: 600_000,
  chaos: { processKill: 0.35, backendTermination: 0.4, databaseCut: 0.3, cutMs: [200, 1200] as [number, number], daemonKill: 0.3, withinMs: 800 },
};

test('short soak, both dialects at once: the chaos lane writes the same history as the clean one', { timeout: 240_000 }, async () => {
  const reports = await Promise.all(
    (['offset', 'paged'] as const).map((dialect) =>
      runSoak({ ...SHORT, dialect, seed: 14, adminUrl: inject('adminDatabaseUrl'), cli: process.env.SOAK_CLI ?? CLI, log: (line) => console.log(line) }),
    ),
  );
  for (const report of reports) {
    const text = formatReport(report);
    console.log(text);
    expect(report.differing, text).toEqual([]);
    expect(report.problems, text).toEqual({ clean: [], chaos: [] });
    expect(report.injected.filter(([, n]) => n === 0).map(([kind]) => kind), text).toEqual([]);
  }
});
