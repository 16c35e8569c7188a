// Test helpers: real HTTP against a running simulator.
import type { Simulator } from '../../src/simulator/index.js';

export interface GqlAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

export async function post(sim: Simulator, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(sim.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': sim.apiKey, ...headers },
    body: JSON.stringify(body),
  });
}

export async function gql<T = Record<string, unknown>>(
  sim: Simulator,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlAnswer<T>> {
  const res = await post(sim, { query, variables });
  const text = await res.text();
  let body: GqlAnswer<T>['body'];
  try {
    body = JSON.parse(text) as GqlAnswer<T>['body'];
  } catch {
    body = { errors: [{ message: text }] };
  }
  return { status: res.status, headers: res.headers, body };
}

/** Like gql, but fails the test unless the answer is 200 without errors. */
export async function data<T = Record<string, unknown>>(sim: Simulator, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await gql<T>(sim, query, variables);
  if (answer.status !== 200 || answer.body.errors !== undefined || answer.body.data == null) {
    throw new Error(`GraphQL call failed: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
  }
  return answer.body.data;
}

/** Runs `fn` for 0..n-1 with at most `width` calls in flight. */
export async function pool<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

export const CONNECTOR_FIELDS = 'name evse status { status updatedAt } type { currentType description maxPower name }';
export const CHARGEPOINT_FIELDS = `name publicName createdAt updatedAt connectorsTotal connectorsFree connectorsOccupied connectorsUnavailable
  location { id name street zip city country latitude longitude }`;
export const CONTACT_FIELDS = 'id customerNumber name givenName email phone fax gender birthdate isCompany location { id street zip city country latitude longitude }';
export const CARD_FIELDS = 'tagId name active cardType rate validFrom contact billingContact';
export const SESSION_FIELDS = `id cardId status startTime endTime duration meterStart meterEnd meterTotal costs costsNet taxAmount currency tariff
  connector { connectorId connectorType evse }`;

export interface ServedConnector {
  id?: string;
  uuid?: string;
  name: string | null;
  evse: string | null;
  status: { status: string | null; updatedAt: string | null } | null;
  type: { currentType: string; description: string; maxPower: number; name: string } | null;
}

export interface ServedChargepoint {
  id?: string;
  uuid?: string;
  name: string | null;
  publicName: string | null;
  connectorsTotal: number | null;
  connectorsFree: number | null;
  connectorsOccupied: number | null;
  connectorsUnavailable: number | null;
  connectors: ServedConnector[] | null;
  [key: string]: unknown;
}

/** Offset-dialect page of chargepoints with every field. */
export const OFFSET_PAGE = `query getChargepoints($offset: Int, $limit: Int) {
  getChargepoints(offset: $offset, limit: $limit) {
    count
    chargepoints { id ${CHARGEPOINT_FIELDS} connectors { id ${CONNECTOR_FIELDS} } }
  }
}`;

/** Paged-dialect page of chargepoints with every field. */
export const PAGED_PAGE = `query getChargepoints($count: Int, $page: Int) {
  getChargepoints(count: $count, page: $page) {
    count total nextPage
    chargepoints { uuid ${CHARGEPOINT_FIELDS} connectors { uuid ${CONNECTOR_FIELDS} } }
  }
}`;

/** Every chargepoint through the offset dialect: pages until an empty one. */
export async function allChargepointsOffset(sim: Simulator, limit = 100): Promise<ServedChargepoint[]> {
  const out: ServedChargepoint[] = [];
  for (let offset = 0; ; ) {
    const d = await data<{ getChargepoints: { chargepoints: ServedChargepoint[] } }>(sim, OFFSET_PAGE, { offset, limit });
    const page = d.getChargepoints.chargepoints;
    if (page.length === 0) return out;
    out.push(...page);
    offset += page.length;
  }
}

export async function allContacts(sim: Simulator, limit = 100): Promise<{ id: string; [key: string]: unknown }[]> {
  const out: { id: string }[] = [];
  for (let offset = 0; ; ) {
    const d = await data<{ getContacts: { id: string }[] }>(sim, `query getContacts($offset: Int, $limit: Int) { getContacts(offset: $offset, limit: $limit) { ${CONTACT_FIELDS} } }`, { offset, limit });
    if (d.getContacts.length === 0) return out;
    out.push(...d.getContacts);
    offset += d.getContacts.length;
  }
}

const KNOWN = ['AVAILABLE', 'OCCUPIED', 'FAULTED', 'UNAVAILABLE', 'UNKNOWN'];
export const isKnownStatus = (s: string | null | undefined) => s != null && KNOWN.includes(s);

/** The counts a chargepoint should show for the connectors it was served with. */
export function expectedCounts(cp: ServedChargepoint): { total: number; free: number; occupied: number; unavailable: number } {
  const connectors = cp.connectors ?? [];
  let free = 0;
  let occupied = 0;
  for (const c of connectors) {
    const s = c.status?.status?.toUpperCase();
    if (s === 'AVAILABLE') free++;
    else if (s === 'OCCUPIED') occupied++;
  }
  return { total: connectors.length, free, occupied, unavailable: connectors.length - free - occupied };
}

export function countsOf(cp: ServedChargepoint) {
  return { total: cp.connectorsTotal, free: cp.connectorsFree, occupied: cp.connectorsOccupied, unavailable: cp.connectorsUnavailable };
}
