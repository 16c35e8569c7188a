// Turns world records into the plain objects GraphQL serialises (and the world's test views).
// Built per request for the requested page only; the default field resolver then reads plain
// properties, which keeps a page of 100 chargepoints cheap.
import { CURRENCY } from './catalog.js';
import {
  bucketOf,
  evseOf,
  type CardRec,
  type ChargepointRec,
  type ConnectorRec,
  type ContactRec,
  type LocationRec,
  type SessionRec,
} from './records.js';

/** Per-record fault hooks (see faults.ts); absent when rendering test views. */
export interface ServeFaults {
  nullRecord(): boolean;
  unknownStatus(): string | null;
}

export interface RenderOptions {
  key: 'id' | 'uuid';
  faults?: ServeFaults | undefined;
  /**
   * Serve shared immutable objects (connector types, locations) instead of copies: fine for
   * GraphQL, which only reads them; test views get copies.
   */
  share?: boolean;
}

export const PLAIN: RenderOptions = { key: 'id' };

export interface LocationView {
  id: string;
  name: string | null;
  street: string | null;
  zip: string | null;
  city: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface ConnectorView {
  id: string;
  name: string | null;
  evse: string | null;
  status: { status: string | null; updatedAt: string | null } | null;
  type: { currentType: string; name: string; description: string; maxPower: number } | null;
}

export interface ChargepointView {
  id: string;
  name: string | null;
  publicName: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  location: LocationView | null;
  connectorsTotal: number | null;
  connectorsFree: number | null;
  connectorsOccupied: number | null;
  connectorsUnavailable: number | null;
  connectors: ConnectorView[] | null;
}

export interface ContactView {
  id: string;
  customerNumber: string | null;
  name: string | null;
  givenName: string | null;
  email: string | null;
  phone: string | null;
  fax: string | null;
  gender: string | null;
  birthdate: string | null;
  isCompany: boolean | null;
  location: LocationView | null;
}

export interface CardView {
  tagId: string | null;
  name: string | null;
  active: boolean | null;
  cardType: number | null;
  rate: string | null;
  validFrom: string | null;
  contact: string | null;
  billingContact: string | null;
}

export interface SessionView {
  id: string | null;
  cardId: string | null;
  connector: { connectorId: string; connectorType: string; evse: string } | null;
  startTime: string | null;
  endTime: string | null;
  duration: number | null;
  meterStart: number | null;
  meterEnd: number | null;
  meterTotal: number | null;
  status: string | null;
  tariff: string | null;
  costs: number | null;
  costsNet: number | null;
  taxAmount: number | null;
  currency: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function renderLocation(loc: LocationRec | null, share = false): LocationView | null {
  return loc === null ? null : share ? loc : { ...loc };
}

export function renderConnector(c: ConnectorRec, o: RenderOptions): Record<string, unknown> {
  if (o.faults?.nullRecord()) return { [o.key]: c.id, name: null, evse: null, status: null, type: null };
  const status = o.faults?.unknownStatus() ?? c.status;
  return {
    [o.key]: c.id,
    name: c.name,
    evse: evseOf(c.serial),
    status: { status, updatedAt: (c.statusIso ??= iso(c.statusAt)) },
    type: o.share === true ? c.type : { ...c.type },
  };
}

export function renderChargepoint(cp: ChargepointRec, o: RenderOptions): Record<string, unknown> {
  if (o.faults?.nullRecord()) {
    return {
      [o.key]: cp.id,
      name: null,
      publicName: null,
      createdAt: null,
      updatedAt: null,
      location: null,
      connectorsTotal: null,
      connectorsFree: null,
      connectorsOccupied: null,
      connectorsUnavailable: null,
      connectors: null,
    };
  }
  const connectors = cp.connectors.map((c) => renderConnector(c, o));
  // Counts follow the statuses as served, so a page is always self-consistent.
  let free = 0;
  let occupied = 0;
  let unavailable = 0;
  for (const c of connectors) {
    const bucket = bucketOf((c['status'] as { status: string } | null)?.status ?? null);
    if (bucket === 'free') free++;
    else if (bucket === 'occupied') occupied++;
    else unavailable++;
  }
  return {
    [o.key]: cp.id,
    name: cp.name,
    publicName: cp.publicName,
    createdAt: (cp.createdIso ??= iso(cp.createdAt)),
    updatedAt: (cp.updatedIso ??= iso(cp.updatedAt)),
    location: renderLocation(cp.location, o.share),
    connectorsTotal: connectors.length,
    connectorsFree: free,
    connectorsOccupied: occupied,
    connectorsUnavailable: unavailable,
    connectors,
  };
}

export function renderContact(c: ContactRec, o: RenderOptions): ContactView {
  if (o.faults?.nullRecord()) {
    return {
      id: c.id,
      customerNumber: null,
      name: null,
      givenName: null,
      email: null,
      phone: null,
      fax: null,
      gender: null,
      birthdate: null,
      isCompany: null,
      location: null,
    };
  }
  return {
    id: c.id,
    customerNumber: c.customerNumber,
    name: c.name,
    givenName: c.givenName,
    email: c.email,
    phone: c.phone,
    fax: c.fax,
    gender: c.gender,
    birthdate: c.birthdate,
    isCompany: c.isCompany,
    location: renderLocation(c.location, o.share),
  };
}

export function renderCard(card: CardRec, o: RenderOptions): CardView {
  if (o.faults?.nullRecord()) {
    return { tagId: null, name: null, active: null, cardType: null, rate: null, validFrom: null, contact: null, billingContact: null };
  }
  return {
    tagId: card.tagId,
    name: card.name,
    active: card.active,
    cardType: card.cardType,
    rate: card.rate,
    validFrom: card.validFrom,
    contact: card.contact.id,
    billingContact: card.billingContactId,
  };
}

export function renderSession(s: SessionRec, o: RenderOptions): SessionView {
  if (o.faults?.nullRecord()) {
    return {
      id: null,
      cardId: null,
      connector: null,
      startTime: null,
      endTime: null,
      duration: null,
      meterStart: null,
      meterEnd: null,
      meterTotal: null,
      status: null,
      tariff: null,
      costs: null,
      costsNet: null,
      taxAmount: null,
      currency: null,
    };
  }
  // An ACTIVE session has no end yet: end-dependent values are null until it stops.
  return {
    id: s.id,
    cardId: s.card.tagId,
    connector: { connectorId: s.connectorId, connectorType: s.connectorType, evse: s.evse },
    startTime: iso(s.startAt),
    endTime: s.endAt !== null ? iso(s.endAt) : null,
    duration: s.endAt !== null ? Math.round((s.endAt - s.startAt) / 1000) : null,
    meterStart: s.meterStart,
    meterEnd: s.meterEnd,
    meterTotal: s.meterEnd !== null ? s.meterEnd - s.meterStart : null,
    status: s.status,
    tariff: s.tariff,
    costs: s.costs,
    costsNet: s.costsNet,
    taxAmount: s.taxAmount,
    currency: CURRENCY,
  };
}
