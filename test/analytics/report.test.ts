// The report layer: the CSV carries exactly the database's numbers, the command checks its flags.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/analytics/command.js';
import { roundDecimal, shiftDecimal } from '../../src/analytics/decimal.js';
import { outagesCsv, outagesJson, outagesTable } from '../../src/analytics/format/outages.js';
import { uptimeCsv, uptimeJson, uptimeTable } from '../../src/analytics/format/uptime.js';
import { formatInstant } from '../../src/analytics/format/text.js';
import { reportOutages } from '../../src/analytics/outages.js';
import { reportUptime } from '../../src/analytics/uptime.js';
import { createContext, type CommandContext } from '../../src/cli/context.js';
import { describeError, UsageError } from '../../src/cli/errors.js';
import { openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/log.js';
import { useTestDatabase } from '../helpers/database.js';
import { insertDaylightSavingNetwork, insertMarchNetwork, insertPasses } from './fixture.js';

const t = useTestDatabase('analytics-report');
const dir = mkdtempSync(join(tmpdir(), 'cs-report-'));

beforeAll(async () => {
  await insertPasses(t);
  await insertMarchNetwork(t);
  await insertDaylightSavingNetwork(t);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Parses our CSV (no embedded line breaks in these reports). */
function parseCsv(text: string): Array<Record<string, string>> {
  const lines = text.trimEnd().split('\r\n');
  const split = (line: string) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'));
  const header = split(lines[0]!);
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((v, i) => [header[i]!, v])));
}

function context(lines: string[] = []): CommandContext {
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
  return { ...createContext({ DATABASE_URL: t.url, LOG_LEVEL: 'silent' }), logger, openDatabase: () => openDatabase({ databaseUrl: t.url }, logger) };
}

describe('decimal rounding', () => {
  it('rounds decimal strings like PostgreSQL round(numeric, n)', () => {
    expect(roundDecimal('92.708333333333333333', 2)).toBe('92.71');
    expect(roundDecimal('0.125', 2)).toBe('0.13');
    expect(roundDecimal('-0.125', 2)).toBe('-0.13');
    expect(roundDecimal('99.994999', 2)).toBe('99.99');
    expect(roundDecimal('99.995', 2)).toBe('100.00');
    expect(roundDecimal('1500', 2)).toBe('1500.00');
    expect(roundDecimal('-0.001', 2)).toBe('0.00');
    expect(roundDecimal('9.999', 2)).toBe('10.00');
    expect(roundDecimal('0099.5', 0)).toBe('100');
    expect(shiftDecimal('0.99642361111111111111', 2)).toBe('99.642361111111111111');
    expect(shiftDecimal('1', 2)).toBe('100');
  });

  it('agrees with PostgreSQL round(numeric, n) on random decimals', async () => {
    let seed = 99;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const values: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const int = String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 8)));
      const frac = Array.from({ length: Math.floor(rnd() * 12) }, () => (rnd() < 0.3 ? '9' : rnd() < 0.2 ? '5' : String(Math.floor(rnd() * 10)))).join('');
      values.push(`${rnd() < 0.3 ? '-' : ''}${int}${frac ? `.${frac}` : ''}`);
    }
    for (const places of [0, 2, 4]) {
      const expected = await t.sql<{ r: string }>(`select round(v::numeric, $2)::text as r from unnest($1::text[]) with ordinality as x(v, i) order by i`, [values, places]);
      expect(values.map((v) => roundDecimal(v, places))).toEqual(expected.map((e) => e.r));
    }
  });

  it('prints instants in the report time zone with their offset', () => {
    expect(formatInstant(new Date('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+02:00');
    expect(formatInstant(new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+01:00');
    expect(formatInstant(new Date('2026-03-10T06:00:00.250Z'), 'UTC')).toBe('2026-03-10T06:00:00.250+00:00');
  });
});

describe('reportUptime', () => {
  it('writes the EV-ChART uptime columns with exactly the numbers of connect.availability', async () => {
    const report = await reportUptime(t.database, { from: '2026-03-10', to: '2026-03-11', by: 'connector' });
    const csv = uptimeCsv(report);
    const header = csv.split('\r\n')[0];
    expect(header).toBe(
      'port_id,uptime_reporting_start,uptime_reporting_end,uptime,total_outage,total_outage_excl,not_observed_minutes,observed_share,up_minutes,down_minutes,unknown_minutes,connector_id,chargepoint_id,utilisation_pct',
    );
    const rows = parseCsv(csv);
    const db = await t.sql<Record<string, string>>(
      `select a.entity_id, coalesce(c.evse, c.id) as port_id, c.chargepoint_id, round(a.uptime_pct, 2)::text as uptime, round(a.outage_minutes, 2)::text as total_outage,
         round(a.excluded_minutes, 2)::text as total_outage_excl, round(a.not_observed_minutes, 2)::text as not_observed_minutes,
         round(a.observed_share, 4)::text as observed_share, round(a.up_minutes, 2)::text as up_minutes, round(a.down_minutes, 2)::text as down_minutes,
         round(a.unknown_minutes, 2)::text as unknown_minutes, coalesce(round(a.utilisation_pct, 2)::text, '') as utilisation_pct
       from connect.availability('2026-03-10T00:00Z', '2026-03-11T00:00Z') a join connect.connectors c on c.id = a.entity_id order by a.entity_id`,
    );
    expect(rows).toEqual(
      db.map((r) => ({
        port_id: r.port_id,
        uptime_reporting_start: '2026-03-10T00:00:00+00:00',
        uptime_reporting_end: '2026-03-11T00:00:00+00:00',
        uptime: r.uptime,
        total_outage: r.total_outage,
        total_outage_excl: r.total_outage_excl,
        not_observed_minutes: r.not_observed_minutes,
        observed_share: r.observed_share,
        up_minutes: r.up_minutes,
        down_minutes: r.down_minutes,
        unknown_minutes: r.unknown_minutes,
        connector_id: r.entity_id,
        chargepoint_id: r.chargepoint_id,
        utilisation_pct: r.utilisation_pct,
      })),
    );
    // Hand-checked values survive the trip: e1 has 230 outage minutes, 125 excluded, uptime 92.71 %.
    expect(rows.find((r) => r.connector_id === 'e1')).toMatchObject({ port_id: 'DE*CSY*Ee1', uptime: '92.71', total_outage: '230.00', total_outage_excl: '125.00' });
    // Without an EVSE id the port is the connector id.
    expect(rows.find((r) => r.connector_id === 'n1')?.port_id).toBe('n1');
    expect(report.unmappedStatuses).toEqual(['WEIRD']);
    expect(report.summary).toMatchObject({ entities: 7, connectors: 7, belowThreshold: 4 });
  });

  it('gives the same rows when run as concurrent parts', async () => {
    const one = await reportUptime(t.database, { from: '2026-03-10', to: '2026-03-11', by: 'chargepoint', concurrency: 1 });
    const three = await reportUptime(t.database, { from: '2026-03-10', to: '2026-03-11', by: 'chargepoint', concurrency: 3 });
    expect(three.rows).toEqual(one.rows);
  });

  it('uses local midnights of --tz, with the offsets in the reporting start and end', async () => {
    const report = await reportUptime(t.database, { from: '2026-10-25', to: '2026-10-26', tz: 'Europe/Berlin', by: 'chargepoint', countNotObservedAsOutage: true });
    const [row] = parseCsv(uptimeCsv(report)).filter((r) => r.chargepoint_id === 'cp-B');
    expect(row).toMatchObject({
      uptime_reporting_start: '2026-10-25T00:00:00+02:00',
      uptime_reporting_end: '2026-10-26T00:00:00+01:00',
      // 1500 minutes: 50 down + 20 not observed count as outage here.
      total_outage: '70.00',
      uptime: roundDecimal(String(((1500 - 70) / 1500) * 100), 2),
    });
    expect(report.period.start.toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });

  it('renders a table and JSON with the same figures', async () => {
    const report = await reportUptime(t.database, { from: '2026-03-10', to: '2026-03-11', by: 'location' });
    const table = uptimeTable(report);
    expect(table).toMatch(/^LOCATION\s+NAME\s+PORTS\s+UPTIME %/m);
    expect(table).toMatch(/WEIRD/);
    const json = JSON.parse(uptimeJson(report)) as { rows: Array<{ entity_id: string | null; connectors: number; total_outage: number }> };
    expect(json.rows.map((r) => [r.entity_id, r.connectors])).toEqual([
      ['loc-1', 4],
      ['loc-2', 2],
      [null, 1],
    ]);
    expect(json.rows[0]!.total_outage).toBe(110 + 320 + 230);
  });
});

describe('reportOutages', () => {
  it('writes the EV-ChART outage columns', async () => {
    const report = await reportOutages(t.database, { from: '2026-03-10', to: '2026-03-11', tz: 'UTC' });
    const rows = parseCsv(outagesCsv(report));
    expect(Object.keys(rows[0]!).slice(0, 8)).toEqual(['port_id', 'outage_id', 'outage_duration', 'outage_start', 'outage_end', 'status', 'exclusion_reason', 'excluded_minutes']);
    expect(rows.find((r) => r.connector_id === 'e1')).toMatchObject({
      port_id: 'DE*CSY*Ee1',
      outage_id: 'e1@2026-03-10T16:00:00.000000Z',
      outage_duration: '230.00',
      outage_start: '2026-03-10T16:00:00+00:00',
      outage_end: '2026-03-10T20:00:00+00:00',
      status: 'Faulted',
      exclusion_reason: 'maintenance; utility outage; vandalism',
      excluded_minutes: '125.00',
    });
    expect(rows.map((r) => r.connector_id)).toEqual(['a1', 'a2', 'e1', 'n1', 'u1']);
    expect(JSON.parse(outagesJson(report)).rows).toHaveLength(5);
    expect(outagesTable(report)).toMatch(/^PORT\s+START\s+END\s+MINUTES/m);
  });
});

describe('report command', () => {
  it('writes the report to --out and logs to the logger', async () => {
    const lines: string[] = [];
    const out = join(dir, 'uptime.csv');
    const code = await reportCommand(context(lines), ['uptime', '--from', '2026-03-10', '--to', '2026-03-11', '--format', 'csv', '--out', out, '--by', 'chargepoint']);
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^chargepoint_id,uptime_reporting_start,/);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string });
    expect(logged.map((l) => l.msg)).toContain('uptime report written');
    const outagesFile = join(dir, 'outages.json');
    expect(await reportCommand(context(), ['outages', '--from', '2026-03-10', '--to', '2026-03-11', '--format', 'json', '--out', outagesFile])).toBe(0);
    expect(JSON.parse(readFileSync(outagesFile, 'utf8')).report).toBe('outages');
  });

  it.each([
    [['uptime', '--from', '2026-13-01', '--to', '2026-14-01'], /--from "2026-13-01" is not a calendar date; write it as YYYY-MM-DD/],
    [['uptime', '--to', '2026-11-01'], /--from is required/],
    [['uptime', '--from', '2026-11-01', '--to', '2026-10-01'], /--to \(2026-10-01\) must be after --from \(2026-11-01\)/],
    [['uptime', '--from', '2026-10-01', '--to', '2026-10-01'], /must be after --from/],
    [['uptime', '--from', '2026-10-01', '--to', '2026-11-01', '--tz', 'Mars/Olympus_Mons'], /--tz "Mars\/Olympus_Mons" is not a known IANA time zone/],
    [['uptime', '--from', '2026-10-01', '--to', '2026-11-01', '--by', 'station'], /--by "station" is not a level; use one of connector, chargepoint, location/],
    [['uptime', '--from', '2026-10-01', '--to', '2026-11-01', '--format', 'xml'], /--format "xml" is not available here; use one of table, csv, json, html/],
    [['outages', '--from', '2026-10-01', '--to', '2026-11-01', '--format', 'html'], /use one of table, csv, json/],
    [['uptime', '--from', '2026-10-01', '--to', '2026-11-01', '--colour'], /report uptime: Unknown option '--colour'/],
    [['availability'], /unknown report "availability"; use "report uptime" or "report outages"/],
    [[], /report needs a kind/],
  ])('rejects %j with a usage error that names the fix', async (argv, message) => {
    const err = await reportCommand(context(), argv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect(describeError(err).code).toBe(2);
  });
});
