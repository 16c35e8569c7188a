// `report outages --format csv` streams lines that PostgreSQL builds (src/db/analytics/outage-csv.ts):
// byte for byte what the row-by-row formatter (outagesCsv) prints, in every zone, with quoting,
// milliseconds and offsets, through the command to a file and to stdout.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/analytics/command.js';
import { outagesCsv } from '../../src/analytics/format/outages.js';
import { reportOutages, streamOutagesCsv } from '../../src/analytics/outages.js';
import { createContext, type CommandContext } from '../../src/cli/context.js';
import { openDatabase } from '../../src/db/database.js';
import { silentLogger } from '../../src/log.js';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { insertChargepoint, insertConnector, insertDaylightSavingNetwork, insertMarchNetwork, insertPasses } from './fixture.js';

const t = useTestDatabase('analytics-outage-csv');
const dir = mkdtempSync(join(tmpdir(), 'cs-outage-csv-'));

beforeAll(async () => {
  await insertPasses(t);
  await insertMarchNetwork(t);
  await insertDaylightSavingNetwork(t);
  // A port whose outage starts at a fraction of a second, with a reason that needs quoting.
  await insertChargepoint(t, 'cp-Q', 'loc-3', 'Quebec');
  await insertConnector(
    t,
    'q1',
    'cp-Q',
    [
      { status: 'Available', from: '2026-03-09 00:00', to: '2026-03-10 04:00:01.25' },
      { status: 'Unavailable', from: '2026-03-10 04:00:01.25', to: '2026-03-10 05:30:00.999999' },
      { status: 'Available', from: '2026-03-10 05:30:00.999999', to: null },
    ],
    { evse: 'DE*CSY*E"q,1"' },
  );
  await t.sql(`insert into connect.outage_exclusions (connector_id, starts_at, ends_at, reason) values ('q1', '2026-03-10 04:30Z', '2026-03-10 05:00Z', $1)`, [
    'storm, "named" Q\nline two',
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function streamed(options: { from: string; to: string; tz: string }): Promise<string> {
  const chunks: string[] = [];
  await streamOutagesCsv(t.database, options, async (chunk) => void chunks.push(chunk));
  return chunks.join('');
}

function context(): CommandContext {
  return { ...createContext({ DATABASE_URL: t.url, LOG_LEVEL: 'silent' }), logger: silentLogger, openDatabase: () => openDatabase({ databaseUrl: t.url }, silentLogger) };
}

describe('streamed outage CSV', () => {
  for (const [from, to, tz] of [
    ['2026-03-10', '2026-03-11', 'UTC'],
    ['2026-03-09', '2026-03-12', 'Europe/Berlin'],
    ['2026-03-09', '2026-03-12', 'America/New_York'],
    ['2026-03-09', '2026-03-12', 'Asia/Kolkata'],
    ['2026-10-24', '2026-10-26', 'Europe/Berlin'],
    ['2026-03-01', '2026-11-01', 'Australia/Adelaide'],
  ] as const) {
    it(`is byte for byte the formatted report: ${from}..${to} in ${tz}`, async () => {
      const expected = outagesCsv(await reportOutages(t.database, { from, to, tz }));
      expect(expected.split('\r\n').length).toBeGreaterThan(2);
      expect(await streamed({ from, to, tz })).toBe(expected);
    });
  }

  it('quotes fields, keeps milliseconds and prints the zone offset', async () => {
    const text = await streamed({ from: '2026-03-10', to: '2026-03-11', tz: 'Asia/Kolkata' });
    expect(text).toContain(
      '"DE*CSY*E""q,1""",q1@2026-03-10T04:00:01.250000Z,79.98,2026-03-10T09:30:01.250+05:30,2026-03-10T11:00:00.999+05:30,Unavailable,"storm, ""named"" Q\nline two",30.00,10.02,Unavailable,false,q1,cp-Q\r\n',
    );
  });

  it('a period without outages is the header alone', async () => {
    expect(await streamed({ from: '2027-01-01', to: '2027-01-02', tz: 'UTC' })).toBe(
      'port_id,outage_id,outage_duration,outage_start,outage_end,status,exclusion_reason,excluded_minutes,not_observed_minutes,statuses,ongoing,connector_id,chargepoint_id\r\n',
    );
  });

  it('report outages --format csv writes the same bytes to --out and to stdout', async () => {
    const expected = outagesCsv(await reportOutages(t.database, { from: '2026-03-09', to: '2026-03-12', tz: 'Europe/Berlin' }));
    const file = join(dir, 'outages.csv');
    expect(await reportCommand(context(), ['outages', '--from', '2026-03-09', '--to', '2026-03-12', '--tz', 'Europe/Berlin', '--format', 'csv', '--out', file])).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(expected);
    const cli = await runCli(['report', 'outages', '--from', '2026-03-09', '--to', '2026-03-12', '--tz', 'Europe/Berlin', '--format', 'csv'], {
      DATABASE_URL: t.url,
      LOG_LEVEL: 'silent',
    });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(expected);
  });
});
