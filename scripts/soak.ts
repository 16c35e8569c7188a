// `npm run soak -- [--ticks N] [--seed S] [--dialect offset|paged|both] [--keep] [--cli dist/cli.js]`: the long form of
// the chaos soak (test/soak/soak.ts). Prints one figure line per dialect; exit 1 when the clean and
// the chaos database differ or an invariant is broken.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Dialect } from '../test/soak/lane.js';
import { formatReport, runSoak } from '../test/soak/soak.js';

const { values } = parseArgs({
  options: {
    ticks: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    dialect: { type: 'string', default: 'both' },
    keep: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    cli: { type: 'string', default: 'dist/cli.js' },
  },
});
const ticks = Number(values.ticks);
const seed = Number(values.seed);
if (!Number.isSafeInteger(ticks) || ticks < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run soak -- [--ticks N (>= 1)] [--seed S (integer)] [--dialect offset|paged|both] [--keep]');
  process.exit(2);
}
const dialects: Dialect[] | null =
  values.dialect === 'both' ? ['offset', 'paged'] : values.dialect === 'offset' || values.dialect === 'paged' ? [values.dialect] : null;
if (dialects === null) {
  console.error(`--dialect must be offset, paged or both, not "${values.dialect}"`);
  process.exit(2);
}

const adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const cli = resolve(process.cwd(), values.cli);
let failed = false;
for (const dialect of dialects) {
  const report = await runSoak({
    ticks,
    seed,
    dialect,
    adminUrl,
    cli,
    keep: values.keep,
    log: values.quiet ? undefined : (line) => console.error(line),
  });
  console.log(formatReport(report));
  if (report.differing.length > 0 || report.problems.clean.length > 0 || report.problems.chaos.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
