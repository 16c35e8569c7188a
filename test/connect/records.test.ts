// The boundary: normalisation, leniency where the upstream drifts, rejects where a record is unusable.
import { describe, expect, test } from 'vitest';
import { unknownValues } from '../../src/metrics.js';
import { parseJsonPreservingMoney, selectsMoney } from '../../src/connect/json.js';
import { draftFromReference } from '../../src/connect/operations.js';
import { parseCard, parseChargepoint, parseContact, parseList, parseSession, parseDateOnly, parseDateTime } from '../../src/connect/records.js';
import { memoryLogger } from './helpers.js';

const ctx = () => ({ logger: memoryLogger().logger });

describe('chargepoints', () => {
  const raw = {
    id: 4711,
    name: 'CP-1',
    publicName: 'Market square',
    createdAt: '2021-07-06',
    updatedAt: '2021-01-28T12:12:12.420Z',
    connectorsTotal: 2,
    connectorsFree: 1,
    connectorsOccupied: 0,
    connectorsUnavailable: 1,
    location: { id: 7, city: 'Köln', latitude: 50.9, longitude: '6.85' },
    connectors: [
      { id: 'c1', evse: 'DE*CON*E1', name: 'Left', status: { status: 'AVAILABLE', updatedAt: '2021-01-28T12:00:00Z' }, type: { currentType: 'AC', maxPower: 22, name: 'Type 2', description: 'x' } },
      { uuid: 99, status: { status: 'occupied', updatedAt: null }, type: null, extra: true },
    ],
    somethingNew: { nested: 1 },
  };

  test('normalises IDs, dates, numbers and keeps raw with extra fields', () => {
    const out = parseChargepoint(raw, ctx());
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const cp = out.record;
    expect(cp.id).toBe('4711');
    expect(cp.createdAt?.toISOString()).toBe('2021-07-06T00:00:00.000Z');
    expect(cp.updatedAt?.toISOString()).toBe('2021-01-28T12:12:12.420Z');
    expect(cp.location).toEqual({ id: '7', name: null, street: null, zip: null, city: 'Köln', country: null, latitude: 50.9, longitude: 6.85 });
    expect(cp.connectors.map((c) => [c.id, c.chargepointId, c.status])).toEqual([
      ['c1', '4711', 'AVAILABLE'],
      ['99', '4711', 'occupied'],
    ]);
    expect(cp.connectors[0]).toMatchObject({ typeName: 'Type 2', currentType: 'AC', maxPower: 22, evse: 'DE*CON*E1' });
    expect(cp.connectors[1]).toMatchObject({ typeName: null, statusUpdatedAt: null });
    expect((cp.raw as Record<string, unknown>)['somethingNew']).toEqual({ nested: 1 });
  });

  test('a chargepoint keyed by uuid (paged dialect) reads the same', () => {
    const { id, ...rest } = raw;
    const out = parseChargepoint({ ...rest, uuid: id }, ctx());
    expect(out.ok && out.record.id).toBe('4711');
  });

  test('a connector without id becomes its own reject; the chargepoint is kept', () => {
    const out = parseChargepoint({ ...raw, connectors: [raw.connectors[0], { name: 'no id' }, null] }, ctx());
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.record.connectors).toHaveLength(1);
    expect(out.rejects).toHaveLength(2);
    expect(out.rejects[0]).toMatchObject({ entity: 'connector', key: null, chargepointId: '4711' });
    expect(out.rejects[0]!.reason).toMatch(/id: missing.*chargepoint 4711/);
    expect(out.rejects[1]!.reason).toMatch(/null connector/);
  });

  test('a chargepoint without id or with a non-numeric count is rejected with a reason', () => {
    const noId = parseChargepoint({ name: 'x' }, ctx());
    expect(noId.ok).toBe(false);
    if (!noId.ok) expect(noId.reject.reason).toContain('id: missing');
    const bad = parseChargepoint({ id: 'a', connectorsTotal: 'many', updatedAt: 'yesterday' }, ctx());
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.reject.key).toBe('a');
      expect(bad.reject.reason).toContain('connectorsTotal: not a number ("many")');
      expect(bad.reject.reason).toContain('updatedAt: not a date-time');
    }
  });

  test('unknown connector statuses are kept, counted in the metric and warned about once per value', async () => {
    const log = memoryLogger();
    const before = (await unknownValues.get()).values.find((v) => v.labels.value === 'RESERVED_TEST')?.value ?? 0;
    for (let i = 0; i < 3; i++) {
      const out = parseChargepoint({ id: `cp${i}`, connectors: [{ id: `c${i}`, status: { status: 'RESERVED_TEST' } }] }, { logger: log.logger });
      expect(out.ok && out.record.connectors[0]!.status).toBe('RESERVED_TEST');
    }
    const after = (await unknownValues.get()).values.find((v) => v.labels.value === 'RESERVED_TEST');
    expect(after?.labels.field).toBe('connector.status');
    expect(after!.value - before).toBe(3);
    expect(log.lines().filter((l) => l['level'] === 'warn' && l['value'] === 'RESERVED_TEST')).toHaveLength(1);
    // Known values in another case (the old REST API's lower case) are not "unknown".
    parseChargepoint({ id: 'x', connectors: [{ id: 'y', status: { status: 'available' } }] }, { logger: log.logger });
    expect((await unknownValues.get()).values.some((v) => v.labels.value === 'available')).toBe(false);
  });
});

describe('sessions and money', () => {
  const body = `{"data":{"getChargingSessions":[
    {"id":1,"cardId":"T1","connector":{"connectorId":"c1","connectorType":"CCS","evse":"E1"},
     "costs":0.1, "costsNet" : 1.10,"taxAmount":-0.30,"currency":"EUR","duration":5400,
     "startTime":"2021-01-28T12:12:00.420Z","endTime":"2021-01-28T13:42:00.420Z",
     "meterStart":69100,"meterEnd":56000,"meterTotal":13100,"status":"STOPPED","tariff":"costs: 5"},
    {"id":"2","costs":12345678901234567.891,"meterStart":"abc","status":"PAUSED"},
    {"id":null,"costs":1}
  ]}}`;

  test('money keeps the exact decimal text; implausible values are kept; bad records are rejects', () => {
    const parsed = parseJsonPreservingMoney(body) as { data: { getChargingSessions: unknown[] } };
    const page = parseList(parsed.data.getChargingSessions, (r) => parseSession(r, ctx(), 'contact-1'), 'session');
    expect(page.records).toHaveLength(1);
    const s = page.records[0]!;
    expect(s).toMatchObject({ id: '1', contactId: 'contact-1', costs: '0.1', costsNet: '1.10', taxAmount: '-0.30', meterStart: 69100, meterEnd: 56000 });
    expect(s.tariff).toBe('costs: 5'); // text inside strings is never touched
    expect(s.startTime?.toISOString()).toBe('2021-01-28T12:12:00.420Z');
    expect((s.raw as Record<string, unknown>)['costs']).toBe(0.1); // raw holds plain JSON numbers
    expect(page.rejects.map((r) => [r.key, r.reason])).toEqual([
      ['2', 'meterStart: not a number ("abc")'],
      [null, 'id: missing'],
    ]);
    expect((page.rejects[0]!.raw as Record<string, unknown>)['costs']).toBe(Number('12345678901234567.891'));
  });

  test('errors the API reported on single records turn exactly those into rejects', () => {
    const page = parseList([{ id: 'a' }, { id: 'b' }], (r) => parseSession(r, ctx()), 'session', new Map([[1, 'Could not load connector']]));
    expect(page.records.map((r) => r.id)).toEqual(['a']);
    expect(page.rejects).toEqual([{ entity: 'session', key: 'b', raw: { id: 'b' }, reason: 'the API reported an error for this record: Could not load connector' }]);
  });
});

describe('contacts, cards and dates', () => {
  test('dates arrive as plain dates or date-times', () => {
    expect(parseDateOnly('2021-07-06')).toBe('2021-07-06');
    expect(parseDateOnly('2021-07-06T16:01:41.120Z')).toBe('2021-07-06');
    expect(parseDateTime('2021-07-06')).toEqual(new Date('2021-07-06T00:00:00Z'));
    expect(parseDateTime('2021-07-06T16:01:41')).toEqual(new Date('2021-07-06T16:01:41Z'));
    expect(parseDateTime('2021-07-06T18:01:41+02:00')).toEqual(new Date('2021-07-06T16:01:41Z'));
  });

  test('contact and card normalise', () => {
    const c = parseContact({ id: 12, birthdate: '2022-01-06T16:01:41.120Z', isCompany: true, email: 'a@example.org', zip: 1 }, ctx());
    expect(c.ok && c.record).toMatchObject({ id: '12', birthdate: '2022-01-06', isCompany: true, email: 'a@example.org', location: null, fax: null });
    const card = parseCard({ tagId: 'T1', contact: 5, billingContact: 6, cardType: 987, validFrom: '2021-07-06T16:01:41.120Z', active: false }, ctx(), 'asked');
    expect(card.ok && card.record).toMatchObject({ tagId: 'T1', contactId: 'asked', billingContactId: '6', cardType: 987, validFrom: '2021-07-06', active: false });
    const own = parseCard({ tagId: 'T1', contact: 5 }, ctx());
    expect(own.ok && own.record.contactId).toBe('5');
    const noTag = parseCard({ name: 'x' }, ctx());
    expect(noTag.ok).toBe(false);
  });

  test('responses are read with the money rewrite exactly where the document selects a money field', () => {
    const source = (name: Parameters<typeof draftFromReference>[0]) => draftFromReference(name).operation!;
    expect(selectsMoney(source('getChargingSessions'))).toBe(true);
    expect(selectsMoney(source('getPrice'))).toBe(true);
    // The status poll's 600 kB pages and the contact lists are parsed by JSON.parse alone.
    expect(selectsMoney(source('getChargepoints'))).toBe(false);
    expect(selectsMoney(source('getContacts'))).toBe(false);
    // Whole names only: a field such as priceId is not money, an alias named like one is.
    expect(selectsMoney({ source: '{ getThings { priceId costsTotal } }' })).toBe(false);
    expect(selectsMoney({ source: '{ getThings { price: amount } }' })).toBe(true);
  });
});
