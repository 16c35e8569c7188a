// `npm run bench [-- --json] [--chargepoints N] [--only simulator,chargepoints,poll100k,analytics,fanout]`: runs the benchmarks, prints a
// readable table, writes bench/results/latest.json, and with --json prints the same figures as
// one JSON object on the last line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchChargepoints, benchPoll100k } from './chargepoints.bench.js';
import { benchFanOut } from './fanout.bench.js';
import { benchSimulator } from './simulator.bench.js';
import { benchAnalytics } from './analytics.bench.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    chargepoints: { type: 'string', default: '20000' },
    'page-size': { type: 'string', default: '500' },
    only: { type: 'string' },
    contacts: { type: 'string', default: '5000' },
  },
});
const adminUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const chargepoints = Number(values.chargepoints);
const pageSize = Number(values['page-size']);
if (!Number.isInteger(chargepoints) || chargepoints < 1) throw new Error('--chargepoints must be a whole number above 0');
const only = values.only?.split(',');
const want = (name: string) => !only || only.includes(name);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const results: Record<string, unknown> = {};
if (want('simulator')) {
  log('simulator: page of 100 chargepoints, 100k-chargepoint world…');
  results.simulator = await benchSimulator();
}
if (want('chargepoints')) Object.assign(results, await benchChargepoints({ adminUrl, chargepoints, pageSize, log }));
if (want('poll100k')) Object.assign(results, await benchPoll100k({ adminUrl, pageSize, log }));
if (want('analytics')) {
  log('analytics: 2M status intervals for 10k connectors over 90 days (generating takes ~1.5 min)…');
  results.analytics = await benchAnalytics(adminUrl, { log });
}
if (want('fanout')) Object.assign(results, await benchFanOut({ adminUrl, contacts: Number(values.contacts), concurrency: 8, latencyMs: 20, log }));

function table(obj: Record<string, unknown>, prefix = ''): string[] {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object') lines.push(...table(v as Record<string, unknown>, `${prefix}${k}.`));
    else lines.push(`${(prefix + k).padEnd(44)} ${String(v)}`);
  }
  return lines;
}
process.stdout.write(table(results).join('\n') + '\n');
const dir = resolve(import.meta.dirname, '../../bench/results');
mkdirSync(dir, { recursive: true });
writeFileSync(resolve(dir, 'latest.json'), JSON.stringify(results, null, 2));
if (values.json) process.stdout.write(JSON.stringify(results) + '\n');
process.exit(0);
