// `report outages --format csv` streams lines that PostgreSQL builds (src/db/analytics/outage-csv.ts):
// byte for byte what the row-by-row formatter (outagesCsv) prints, in every zone, with quoting,
// milliseconds and offsets, through the command to a file and to stdout.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/analytics/command.js';
import { outagesCsv } from '../../src/analytics/format/outages.js';
import { reportOutages, streamOutagesCsv } from '../../src/analytics/outages.js';
import { CrlfLines } from '../../src/db/analytics/outage-csv.js';
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
  // A port still down: its outage is ongoing, up to the last pass that saw it.
  await insertConnector(t, 'q2', 'cp-Q', [
    { status: 'Available', from: '2026-03-09 00:00', to: '2026-03-10 20:00' },
    { status: 'Faulted', from: '2026-03-10 20:00', to: '2026-03-10 21:00' },
    { status: 'Unavailable', from: '2026-03-10 21:00', to: null },
  ]);
  // Runs of three and of two intervals (statuses listed once, sorted; status = the run's first).
  await insertConnector(t, 'q3', 'cp-Q', [
    { status: 'Available', from: '2026-03-09 00:00', to: '2026-03-10 01:00' },
    { status: 'Unknown', from: '2026-03-10 01:00', to: '2026-03-10 02:00' },
    { status: 'Faulted', from: '2026-03-10 02:00', to: '2026-03-10 03:00' },
    { status: 'Unknown', from: '2026-03-10 03:00', to: '2026-03-10 04:00' },
    { status: 'Available', from: '2026-03-10 04:00', to: '2026-03-10 05:00' },
    { status: 'Unavailable', from: '2026-03-10 05:00', to: '2026-03-10 06:00' },
    { status: 'Faulted', from: '2026-03-10 06:00', to: '2026-03-10 07:00' },
    { status: 'Available', from: '2026-03-10 07:00', to: null },
  ]);
  await t.sql(`insert into connect.outage_exclusions (connector_id, starts_at, ends_at, reason) values ('q1', '2026-03-10 04:30Z', '2026-03-10 05:00Z', $1)`, [
    'storm, "named" Q\nline two',
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The streamed CSV through COPY (`copy`) or through a cursor (what the embedded database uses). */
async function streamed(options: { from: string; to: string; tz: string }, path: 'copy' | 'cursor' = 'copy'): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    highWaterMark: 1024, // small, so that backpressure is exercised
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  const { rows } = await streamOutagesCsv(t.database, { ...options, databaseUrl: path === 'copy' ? t.url : undefined }, out);
  const text = Buffer.concat(chunks).toString('utf8');
  expect(rows).toBe(text.split('\r\n').length - 2);
  return text;
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
    it(`is byte for byte the formatted report, through COPY and through a cursor: ${from}..${to} in ${tz}`, async () => {
      const expected = outagesCsv(await reportOutages(t.database, { from, to, tz }));
      expect(expected.split('\r\n').length).toBeGreaterThan(2);
      expect(await streamed({ from, to, tz }, 'copy')).toBe(expected);
      expect(await streamed({ from, to, tz }, 'cursor')).toBe(expected);
    });
  }

  it('quotes fields (a line break inside quotes stays LF), keeps milliseconds and prints the zone offset', async () => {
    const text = await streamed({ from: '2026-03-10', to: '2026-03-11', tz: 'Asia/Kolkata' });
    expect(text).toContain(
      '"DE*CSY*E""q,1""",q1@2026-03-10T04:00:01.250000Z,79.98,2026-03-10T09:30:01.250+05:30,2026-03-10T11:00:00.999+05:30,Unavailable,"storm, ""named"" Q\nline two",30.00,10.02,Unavailable,false,q1,cp-Q\r\n',
    );
  });

  it('a run of several intervals lists its first status and every status once, sorted', async () => {
    const report = await reportOutages(t.database, { from: '2026-03-10', to: '2026-03-11', tz: 'UTC' });
    const q3 = report.rows.filter((r) => r.connector_id === 'q3').map((r) => [r.outage_start.toISOString(), r.status, r.statuses, r.intervals]);
    expect(q3).toEqual([
      ['2026-03-10T01:00:00.000Z', 'Unknown', 'Faulted, Unknown', 3],
      ['2026-03-10T05:00:00.000Z', 'Unavailable', 'Faulted, Unavailable', 2],
    ]);
  });

  it('lists an ongoing outage (a run that ends in the open interval) with its statuses', async () => {
    const text = await streamed({ from: '2026-03-10', to: '2026-03-12', tz: 'UTC' });
    const line = text.split('\r\n').find((l) => l.startsWith('DE*CSY*Eq2,'));
    // Passes every 10 minutes: the last one before the end of the period (00:00) confirms it up to 23:50, the
    // rest of the period is not observed.
    expect(line).toBe('DE*CSY*Eq2,q2@2026-03-10T20:00:00.000000Z,1670.00,2026-03-10T20:00:00+00:00,2026-03-12T00:00:00+00:00,Faulted,,0.00,10.00,"Faulted, Unavailable",true,q2,cp-Q');
  });

  it('a period without outages is the header alone', async () => {
    const header =
      'port_id,outage_id,outage_duration,outage_start,outage_end,status,exclusion_reason,excluded_minutes,not_observed_minutes,statuses,ongoing,connector_id,chargepoint_id\r\n';
    expect(await streamed({ from: '2027-01-01', to: '2027-01-02', tz: 'UTC' }, 'copy')).toBe(header);
    expect(await streamed({ from: '2027-01-01', to: '2027-01-02', tz: 'UTC' }, 'cursor')).toBe(header);
  });

  it("COPY's LF line ends become CRLF outside quotes, across chunk boundaries", () => {
    const text = 'a,"x\ny",b\nc,"""",d\n';
    // Every way of cutting the text in two gives the same result.
    for (let cut = 0; cut <= text.length; cut++) {
      const lines = new CrlfLines();
      const out = Buffer.concat([lines.convert(Buffer.from(text.slice(0, cut))), lines.convert(Buffer.from(text.slice(cut)))]).toString();
      expect(out).toBe('a,"x\ny",b\r\nc,"""",d\r\n');
      expect(lines.rows).toBe(2);
    }
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
