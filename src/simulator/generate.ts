// Builds the initial world from a seed: sites with 1-5 chargepoints, chargepoints with 1-8
// connectors, contacts with 1-3 cards, a history of STOPPED sessions and ACTIVE sessions on some
// OCCUPIED connectors. Every random choice comes from the one `gen` stream, in a fixed order.
import {
  AC_TYPES,
  CARD_TYPES,
  CHADEMO_TYPE,
  CITIES,
  COMPANY_NAMES,
  CONNECTOR_TYPES,
  DC_TYPES,
  GIVEN_NAMES,
  RATE_NAMES,
  SITE_KINDS,
  STREETS,
  SURNAMES,
  type ConnectorTypeSpec,
} from './catalog.js';
import { DAY, HOUR, OWN_CARD_SHARE, drawCar, holdingMs, initialStatus, settleSession } from './behaviour.js';
import type { Prng } from './prng.js';
import {
  OCCUPIED,
  flat,
  type CardRec,
  type ChargepointRec,
  type ConnectorRec,
  type ContactRec,
  type LocationRec,
} from './records.js';
import type { World } from './world.js';

const asciiFold = (s: string) =>
  s
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^A-Za-z0-9]+/g, '')
    .toLowerCase();

const connectorNames: string[] = [];
/** "Connector n", one shared string per n. */
function connectorName(n: number): string {
  return (connectorNames[n] ??= flat('Connector ', n));
}

export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function makeAddress(rng: Prng, siteName: boolean): LocationRec {
  const city = rng.pick(CITIES);
  const street = rng.pick(STREETS);
  return {
    id: rng.uuid(),
    name: siteName ? flat(rng.pick(SITE_KINDS), ' ', street) : null,
    street: flat(street, ' ', rng.int(1, 140)),
    zip: flat(city.zip, rng.int(100, 999)),
    city: city.name,
    country: 'DE',
    latitude: Math.round((city.lat + (rng.next() - 0.5) * 0.16) * 1e6) / 1e6,
    longitude: Math.round((city.lon + (rng.next() - 0.5) * 0.24) * 1e6) / 1e6,
  };
}

/** Connector types of a new chargepoint: AC sites are small, DC hubs have up to 8 points. */
export function drawConnectorTypes(rng: Prng): ConnectorTypeSpec[] {
  if (rng.chance(0.7)) {
    const count = rng.pick([1, 2, 2, 2, 2, 2, 2, 3, 4, 4]);
    const type = CONNECTOR_TYPES[rng.pick(AC_TYPES)]!;
    return Array.from({ length: count }, () => type);
  }
  const count = rng.pick([1, 2, 2, 2, 2, 4, 4, 4, 6, 6, 8]);
  const type = CONNECTOR_TYPES[rng.pick(DC_TYPES)]!;
  const types = Array.from({ length: count }, () => type);
  if (count >= 2 && rng.chance(0.3)) types[count - 1] = CONNECTOR_TYPES[CHADEMO_TYPE]!;
  return types;
}

export function makeChargepoint(
  world: World,
  rng: Prng,
  location: LocationRec | null,
  indexAtLocation: number,
  types: ConnectorTypeSpec[],
  createdAt: number,
  initial: boolean,
): ChargepointRec {
  const serial = world.nextChargepointSerial();
  const city = CITIES.find((c) => c.name === location?.city);
  const cp: ChargepointRec = {
    id: rng.uuid(),
    name: flat('CP-', city?.code ?? 'XXX', '-', String(serial).padStart(6, '0')),
    publicName: flat(location?.name ?? 'Ladepunkt', ' ', indexAtLocation),
    createdAt,
    updatedAt: createdAt,
    location,
    connectors: [],
    removed: false,
    createdIso: null,
    updatedIso: null,
    served: null,
  };
  if (initial) cp.updatedAt = createdAt + Math.floor(rng.next() * (world.nowMs - createdAt));
  // map() gives an exactly sized array; push() would reserve 17 slots per chargepoint.
  cp.connectors = types.map((type, i): ConnectorRec => {
    const status = initial ? initialStatus(rng) : 'AVAILABLE';
    const age = initial ? Math.min(holdingMs(rng, status, type), world.nowMs - createdAt) : 0;
    return {
      serial: world.nextConnectorSerial(),
      id: rng.uuid(),
      name: connectorName(i + 1),
      type,
      status,
      statusAt: world.nowMs - age,
      statusIso: null,
      cp,
      session: null,
      meterWh: initial ? rng.int(100_000, 40_000_000) : 0,
      nextAt: Infinity,
    };
  });
  return cp;
}

function makeContact(rng: Prng, index: number): ContactRec {
  const isCompany = rng.chance(0.15);
  const location = makeAddress(rng, false);
  const customerNumber = flat('K', 100_001 + index);
  if (isCompany) {
    const name = rng.pick(COMPANY_NAMES);
    return {
      id: rng.uuid(),
      customerNumber,
      name,
      givenName: null,
      email: flat('fuhrpark', index, '@', asciiFold(name.split(' ')[0] ?? 'firma'), '.example.com'),
      phone: flat('+49 ', rng.int(30, 89), ' ', rng.int(100_000, 9_999_999)),
      fax: rng.chance(0.5) ? flat('+49 ', rng.int(30, 89), ' ', rng.int(100_000, 9_999_999)) : null,
      gender: null,
      birthdate: null,
      isCompany,
      location,
      cards: [],
      sessions: [],
      failed: false,
    };
  }
  const given = rng.pick(GIVEN_NAMES);
  const surname = rng.pick(SURNAMES);
  const y = rng.int(1950, 2005);
  const m = rng.int(1, 12);
  const d = rng.int(1, 28);
  return {
    id: rng.uuid(),
    customerNumber,
    name: surname,
    givenName: given.name,
    email: flat(asciiFold(given.name), '.', asciiFold(surname), index, '@example.org'),
    phone: flat('+49 1', rng.int(50, 79), ' ', rng.int(1_000_000, 9_999_999)),
    fax: null,
    gender: given.gender,
    birthdate: flat(y, '-', String(m).padStart(2, '0'), '-', String(d).padStart(2, '0')),
    isCompany,
    location,
    cards: [],
    sessions: [],
    failed: false,
  };
}

export function uniqueTagId(rng: Prng, taken: ReadonlyMap<string, unknown>): string {
  for (;;) {
    const tag = ('04' + rng.uint32().toString(16).padStart(8, '0') + rng.uint32().toString(16).padStart(8, '0'))
      .slice(0, 14)
      .toUpperCase();
    if (!taken.has(tag)) return tag;
  }
}

/** Fills an empty world. */
export function populate(world: World, rng: Prng, chargepoints: number, contacts: number): void {
  const now = world.nowMs;

  let location: LocationRec | null = null;
  let left = 0;
  let indexAtLocation = 0;
  for (let i = 0; i < chargepoints; i++) {
    if (left === 0 || location === null) {
      location = makeAddress(rng, true);
      world.addLocation(location);
      left = rng.int(1, 5);
      indexAtLocation = 0;
    }
    left--;
    indexAtLocation++;
    const createdAt = now - rng.int(30, 1500) * DAY - rng.int(0, DAY);
    world.insertChargepoint(makeChargepoint(world, rng, location, indexAtLocation, drawConnectorTypes(rng), createdAt, true));
  }

  const companies: ContactRec[] = [];
  for (let i = 0; i < contacts; i++) {
    const contact = makeContact(rng, i);
    world.insertContact(contact);
    if (contact.isCompany) companies.push(contact);
    const cards = rng.int(1, 3);
    for (let k = 0; k < cards; k++) {
      const holder = contact.isCompany ? flat(rng.pick(GIVEN_NAMES).name, ' ', rng.pick(SURNAMES)) : flat(contact.givenName ?? '', ' ', contact.name);
      const billing = !contact.isCompany && companies.length > 0 && rng.chance(0.1) ? rng.pick(companies) : contact;
      const card: CardRec = {
        tagId: uniqueTagId(rng, world.cardByTag),
        name: holder,
        active: rng.chance(0.85),
        cardType: rng.pick(CARD_TYPES),
        rate: contact.isCompany ? 'Business' : rng.pick(RATE_NAMES),
        validFrom: isoDate(now - rng.int(10, 1000) * DAY),
        contact,
        billingContactId: billing.id,
        session: null,
      };
      world.insertCard(card);
    }
  }

  // History: 0-5 finished sessions per contact in the 60 days before the start.
  const connectors = world.liveConnectors();
  if (connectors.length > 0) {
    for (const contact of world.contacts) {
      const n = rng.int(0, 5);
      const starts = Array.from({ length: n }, () => now - rng.int(2 * HOUR, 60 * DAY)).sort((a, b) => a - b);
      for (const startAt of starts) {
        const card = rng.pick(contact.cards);
        const c = rng.pick(connectors);
        const car = drawCar(rng, c.type);
        const session = world.makeSession(rng.uuid(), card, c, startAt, car);
        const span = Math.min(holdingMs(rng, OCCUPIED, c.type), now - HOUR - startAt);
        session.meterStart = Math.max(0, c.meterWh - rng.int(100_000, 2_000_000));
        settleSession(session, startAt + Math.max(60_000, span));
        world.insertSession(session);
      }
    }
  }

  // Some OCCUPIED connectors are charging one of our contacts' cards right now.
  const cards = world.cards;
  for (const c of connectors) {
    if (c.status !== OCCUPIED || cards.length === 0 || !rng.chance(OWN_CARD_SHARE)) continue;
    const card = rng.pick(cards);
    if (!card.active || card.session !== null) continue;
    const session = world.makeSession(rng.uuid(), card, c, c.statusAt, drawCar(rng, c.type));
    world.insertSession(session);
    c.session = session;
    card.session = session;
  }
  for (const contact of world.contacts) contact.sessions.sort((a, b) => a.startAt - b.startAt);
}

