// The GraphQL operations this client sends: twelve, each named after its root field, selecting
// every field the API reference documents. Chargepoint documents come in dialects (see
// dialect.ts): `offset` pagination with entities keyed by `id` (the reference's schema section)
// and `paged` pagination keyed by `uuid` (the reference's curl example). Nested types are
// selected through fragments so that `check` can name a missing field by its type.
import { parse, print, type TypedQueryDocumentNode } from 'graphql';

export interface Dialect {
  /** `offset`: getChargepoints(offset, limit) → { chargepoints count }; `paged`: getChargepoints(count, page) → { chargepoints nextPage count total }. */
  pagination: 'offset' | 'paged';
  /** Key field of Chargepoint and Connector (read from Chargepoint; check reports a Connector that differs). */
  key: 'id' | 'uuid';
}

export const OFFSET_DIALECT: Readonly<Dialect> = Object.freeze({ pagination: 'offset', key: 'id' });
export const PAGED_DIALECT: Readonly<Dialect> = Object.freeze({ pagination: 'paged', key: 'uuid' });

/** Short label for logs and `check`: "offset", "paged", or e.g. "offset/uuid" for a mix. */
export function dialectName(d: Dialect): string {
  const usual = d.pagination === 'offset' ? 'id' : 'uuid';
  return d.key === usual ? d.pagination : `${d.pagination}/${d.key}`;
}

export type OperationName =
  | 'getCard'
  | 'getCards'
  | 'getChargepoint'
  | 'getChargepoints'
  | 'getChargingSession'
  | 'getChargingSessions'
  | 'getContact'
  | 'getContacts'
  | 'getPrice'
  | 'remoteStart'
  | 'remoteStop'
  | 'updateCard';

type Data = Record<string, unknown>;

export interface Operation<TVars extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: OperationName;
  readonly kind: 'query' | 'mutation';
  readonly document: TypedQueryDocumentNode<Data, TVars>;
  /** The printed document, as sent. */
  readonly source: string;
  /** For list operations: where the records sit in `data` (errors below it concern single records). */
  readonly listPath?: readonly string[];
  /** May be sent again when the fate of an attempt is unknown (timeout, dropped connection, 5xx). */
  readonly idempotent: boolean;
}

function operation<TVars extends Record<string, unknown>>(
  name: OperationName,
  text: string,
  extra: { listPath?: readonly string[]; idempotent?: boolean } = {},
): Operation<TVars> {
  const document = parse(text) as TypedQueryDocumentNode<Data, TVars>;
  const def = document.definitions[0];
  const kind = def?.kind === 'OperationDefinition' && def.operation === 'mutation' ? 'mutation' : 'query';
  return Object.freeze({
    name,
    kind,
    document,
    source: print(document),
    ...(extra.listPath ? { listPath: extra.listPath } : {}),
    idempotent: extra.idempotent ?? kind === 'query',
  });
}

// ---- fragments -------------------------------------------------------------------------------

const LOCATION_FRAGMENT = `
fragment LocationFields on Location {
  id
  name
  street
  zip
  city
  country
  latitude
  longitude
}`;

const CARD_FIELDS = `
  active
  billingContact
  cardType
  contact
  name
  rate
  tagId
  validFrom`;

const CONTACT_FIELDS = `
  birthdate
  customerNumber
  email
  fax
  gender
  givenName
  id
  isCompany
  location {
    ...LocationFields
  }
  name
  phone`;

const SESSION_FRAGMENT = `
fragment SessionFields on Session {
  cardId
  connector {
    connectorId
    connectorType
    evse
  }
  costs
  costsNet
  currency
  duration
  endTime
  id
  meterEnd
  meterStart
  meterTotal
  startTime
  status
  tariff
  taxAmount
}`;

const REMOTE_FIELDS = `
  message
  session
  status`;

function chargepointFragments(d: Dialect): string {
  return `
fragment ConnectorFields on Connector {
  ${d.key}
  evse
  name
  status {
    status
    updatedAt
  }
  type {
    currentType
    description
    maxPower
    name
  }
}

fragment ChargepointFields on Chargepoint {
  ${d.key}
  name
  publicName
  createdAt
  updatedAt
  connectorsTotal
  connectorsFree
  connectorsOccupied
  connectorsUnavailable
  location {
    ...LocationFields
  }
  connectors {
    ...ConnectorFields
  }
}
${LOCATION_FRAGMENT}`;
}

// ---- variables -------------------------------------------------------------------------------

export type OffsetChargepointsVars = { offset: number; limit: number };
export type PagedChargepointsVars = { count: number; page: number };
export type ChargepointVars = { id?: string; evse?: string };
export type ContactsVars = { offset: number; limit: number };
export type ContactVars = { id: string };
export type CardsVars = { contactId: string; active?: boolean; offset: number; limit: number };
export type CardVars = { tagId: string };
export type SessionsVars = { contactId: string; tagId?: string; active?: boolean; offset: number; limit: number };
export type SessionVars = { id: string };
export type PriceVars = { chargepoint: string; tagId?: string };
export type RemoteStartVars = { connectorId: string; tagId: string };
export type RemoteStopVars = { session: string };
export type UpdateCardVars = { tagId: string; name?: string; active?: boolean };

// ---- operations that do not depend on the dialect ----------------------------------------------

export const getCard = operation<CardVars>(
  'getCard',
  `query getCard($tagId: String!) {
  getCard(tagId: $tagId) {${CARD_FIELDS}
  }
}`,
);

export const getCards = operation<CardsVars>(
  'getCards',
  `query getCards($contactId: String!, $active: Boolean, $offset: Int, $limit: Int) {
  getCards(contactId: $contactId, active: $active, offset: $offset, limit: $limit) {${CARD_FIELDS}
  }
}`,
  { listPath: ['getCards'] },
);

export const getContact = operation<ContactVars>(
  'getContact',
  `query getContact($id: ID!) {
  getContact(id: $id) {${CONTACT_FIELDS}
  }
}
${LOCATION_FRAGMENT}`,
);

export const getContacts = operation<ContactsVars>(
  'getContacts',
  `query getContacts($offset: Int, $limit: Int) {
  getContacts(offset: $offset, limit: $limit) {${CONTACT_FIELDS}
  }
}
${LOCATION_FRAGMENT}`,
  { listPath: ['getContacts'] },
);

export const getChargingSession = operation<SessionVars>(
  'getChargingSession',
  `query getChargingSession($id: ID!) {
  getChargingSession(id: $id) {
    ...SessionFields
  }
}
${SESSION_FRAGMENT}`,
);

export const getChargingSessions = operation<SessionsVars>(
  'getChargingSessions',
  `query getChargingSessions($contactId: String!, $tagId: String, $active: Boolean, $offset: Int, $limit: Int) {
  getChargingSessions(contactId: $contactId, tagId: $tagId, active: $active, offset: $offset, limit: $limit) {
    ...SessionFields
  }
}
${SESSION_FRAGMENT}`,
  { listPath: ['getChargingSessions'] },
);

export const getPrice = operation<PriceVars>(
  'getPrice',
  `query getPrice($chargepoint: ID!, $tagId: String) {
  getPrice(chargepoint: $chargepoint, tagId: $tagId) {
    currency
    name
    price
  }
}`,
);

// Mutations: remoteStart/remoteStop are not repeated after an attempt of unknown fate (a second
// start could open a second session); updateCard sets values and is safe to repeat.
export const remoteStart = operation<RemoteStartVars>(
  'remoteStart',
  `mutation remoteStart($connectorId: String!, $tagId: String!) {
  remoteStart(connectorId: $connectorId, tagId: $tagId) {${REMOTE_FIELDS}
  }
}`,
);

export const remoteStop = operation<RemoteStopVars>(
  'remoteStop',
  `mutation remoteStop($session: ID!) {
  remoteStop(session: $session) {${REMOTE_FIELDS}
  }
}`,
);

export const updateCard = operation<UpdateCardVars>(
  'updateCard',
  `mutation updateCard($tagId: String!, $name: String, $active: Boolean) {
  updateCard(tagId: $tagId, name: $name, active: $active) {${CARD_FIELDS}
  }
}`,
  { idempotent: true },
);

// ---- chargepoint operations, per dialect -----------------------------------------------------

export interface ChargepointOperations {
  getChargepoints: Operation<OffsetChargepointsVars> | Operation<PagedChargepointsVars>;
  getChargepoint: Operation<ChargepointVars>;
}

const chargepointCache = new Map<string, ChargepointOperations>();

export function chargepointOperations(d: Dialect): ChargepointOperations {
  const cacheKey = `${d.pagination}/${d.key}`;
  const cached = chargepointCache.get(cacheKey);
  if (cached) return cached;
  const fragments = chargepointFragments(d);
  const list =
    d.pagination === 'offset'
      ? operation<OffsetChargepointsVars>(
          'getChargepoints',
          `query getChargepoints($offset: Int, $limit: Int) {
  getChargepoints(offset: $offset, limit: $limit) {
    chargepoints {
      ...ChargepointFields
    }
    count
  }
}
${fragments}`,
          { listPath: ['getChargepoints', 'chargepoints'] },
        )
      : operation<PagedChargepointsVars>(
          'getChargepoints',
          `query getChargepoints($count: Int, $page: Int) {
  getChargepoints(count: $count, page: $page) {
    chargepoints {
      ...ChargepointFields
    }
    nextPage
    count
    total
  }
}
${fragments}`,
          { listPath: ['getChargepoints', 'chargepoints'] },
        );
  const single = operation<ChargepointVars>(
    'getChargepoint',
    `query getChargepoint($id: ID, $evse: String) {
  getChargepoint(id: $id, evse: $evse) {
    ...ChargepointFields
  }
}
${fragments}`,
  );
  const ops = Object.freeze({ getChargepoints: list, getChargepoint: single });
  chargepointCache.set(cacheKey, ops);
  return ops;
}

/** All twelve operations for a dialect, in a stable order (for `check`). */
export function allOperations(d: Dialect): readonly Operation[] {
  const cp = chargepointOperations(d);
  return [
    cp.getChargepoints,
    cp.getChargepoint,
    getContacts,
    getContact,
    getCards,
    getCard,
    getChargingSessions,
    getChargingSession,
    getPrice,
    remoteStart,
    remoteStop,
    updateCard,
  ] as readonly Operation[];
}
