// What the CONNECT API reference (/work/shared/connect-api-reference.txt) documents, as data: the
// most connect-sync ever asks for. Documents are generated from this and the live schema
// (operations.ts); nothing here is sent as it is.
//
// Where the reference is silent, nothing is assumed:
// - `Location` is never defined (only `location { ...LocationFragment }`): its fields are read
//   from the server (introspection), or, without introspection, learnt by asking the usual names
//   and dropping what the server's validation errors name (LOCATION_CANDIDATES).
// - `ConnectorStatus` is never defined either; the curl example selects `status { status updatedAt }`.
//   A server where it is a leaf (an enum or a string) is read as such.
// - Chargepoint and Connector are keyed by `id` (schema section) or `uuid` (curl example).
// - The paging of getChargepoints: offset/limit → { chargepoints count } (schema section) or
//   count/page → { chargepoints nextPage count total } (curl example).

/** One field the reference documents on a type. */
export interface RefField {
  /** Alternative names, the first the server has is used (keys: id or uuid). */
  readonly names: readonly string[];
  /** The documented object type it holds; undefined for a leaf (scalar or enum). */
  readonly of?: string;
  /** The operation cannot work without it (a record key, the connector status). */
  readonly essential?: boolean;
  /** What a missing field costs, for `check` and the warning, e.g. "contacts.fax stays empty". */
  readonly cost?: string;
  /** Belongs to one reading of the reference only (the paging dialects): asked where offered, never reported missing. */
  readonly dialectOnly?: boolean;
}

export type RefType = readonly RefField[];

const leaf = (name: string, cost?: string): RefField => (cost ? { names: [name], cost } : { names: [name] });

/** Documented object types, by the reference's names. Undefined ones (Location) are absent. */
export const REFERENCE_TYPES: Readonly<Record<string, RefType>> = {
  PaginatedChargepoints: [
    { names: ['chargepoints'], of: 'Chargepoint', essential: true },
    { names: ['count'], dialectOnly: true },
    { names: ['nextPage'], dialectOnly: true },
    { names: ['total'], dialectOnly: true },
  ],
  Chargepoint: [
    { names: ['id', 'uuid'], essential: true },
    { names: ['connectors'], of: 'Connector', essential: true },
    leaf('connectorsFree', 'chargepoints.connectors_free stays empty'),
    leaf('connectorsOccupied', 'chargepoints.connectors_occupied stays empty'),
    leaf('connectorsTotal', 'chargepoints.connectors_total stays empty'),
    leaf('connectorsUnavailable', 'chargepoints.connectors_unavailable stays empty'),
    leaf('createdAt', 'chargepoints.upstream_created_at stays empty'),
    { names: ['location'], of: 'Location', cost: 'chargepoints.location_id and connect.locations stay empty' },
    leaf('name', 'chargepoints.name stays empty'),
    leaf('publicName', 'chargepoints.public_name stays empty'),
    leaf('updatedAt', 'chargepoints.upstream_updated_at stays empty'),
  ],
  Connector: [
    { names: ['id', 'uuid'], essential: true },
    leaf('evse', 'connectors.evse stays empty (reports use the connector id as port id)'),
    leaf('name', 'connectors.name stays empty'),
    { names: ['status'], of: 'ConnectorStatus', essential: true },
    { names: ['type'], of: 'ConnectorType', cost: 'connectors.type_name, current_type and max_power stay empty' },
  ],
  // Not defined by the reference; the curl example's selection.
  ConnectorStatus: [
    { names: ['status'], essential: true },
    leaf('updatedAt', 'status intervals start at the observation time instead of the upstream change time'),
  ],
  ConnectorType: [
    leaf('currentType', 'connectors.current_type stays empty'),
    leaf('description', 'connectors.type_description stays empty'),
    leaf('maxPower', 'connectors.max_power stays empty'),
    leaf('name', 'connectors.type_name stays empty'),
  ],
  Contact: [
    leaf('birthdate', 'contacts.birthdate stays empty'),
    leaf('customerNumber', 'contacts.customer_number stays empty'),
    leaf('email', 'contacts.email stays empty'),
    leaf('fax', 'contacts.fax stays empty'),
    leaf('gender', 'contacts.gender stays empty'),
    leaf('givenName', 'contacts.given_name stays empty'),
    { names: ['id'], essential: true },
    leaf('isCompany', 'contacts.is_company stays empty'),
    { names: ['location'], of: 'Location', cost: 'contacts.address stays empty' },
    leaf('name', 'contacts.name stays empty'),
    leaf('phone', 'contacts.phone stays empty'),
  ],
  Card: [
    leaf('active', 'cards.active stays empty'),
    leaf('billingContact', 'cards.billing_contact_id stays empty'),
    leaf('cardType', 'cards.card_type stays empty'),
    leaf('contact', 'cards fetched one by one have no contact'),
    leaf('name', 'cards.name stays empty'),
    leaf('rate', 'cards.rate stays empty'),
    { names: ['tagId'], essential: true },
    leaf('validFrom', 'cards.valid_from stays empty'),
  ],
  Session: [
    leaf('cardId', 'charging_sessions.card_id stays empty'),
    { names: ['connector'], of: 'SessionConnector', cost: 'charging_sessions.connector_id and evse stay empty (no utilisation per connector)' },
    leaf('costs', 'charging_sessions.costs stays empty'),
    leaf('costsNet', 'charging_sessions.costs_net stays empty'),
    leaf('currency', 'charging_sessions.currency stays empty'),
    leaf('duration', 'charging_sessions.duration_s stays empty'),
    leaf('endTime', 'charging_sessions.end_time stays empty'),
    { names: ['id'], essential: true },
    leaf('meterEnd', 'charging_sessions.meter_end_wh stays empty'),
    leaf('meterStart', 'charging_sessions.meter_start_wh stays empty'),
    leaf('meterTotal', 'charging_sessions.meter_total_wh stays empty'),
    leaf('startTime', 'charging_sessions.start_time stays empty'),
    leaf('status', 'charging_sessions.status stays empty (active sessions are not told from stopped ones)'),
    leaf('tariff', 'charging_sessions.tariff stays empty'),
    leaf('taxAmount', 'charging_sessions.tax_amount stays empty'),
  ],
  SessionConnector: [
    leaf('connectorId', 'charging_sessions.connector_id stays empty'),
    leaf('connectorType', 'charging_sessions.connector_type stays empty'),
    leaf('evse', 'charging_sessions.evse stays empty'),
  ],
  PriceInfo: [leaf('currency', 'price_history.currency stays empty'), leaf('name', 'price_history.name stays empty'), leaf('price', 'price_history.price stays empty')],
  RemoteStartResponse: [leaf('message'), leaf('session'), leaf('status')],
};

/**
 * Without introspection, the usual names of a location's parts are asked (the validation errors
 * then say which exist); `address` and `coordinates` are asked as leaves first and, when the
 * server says they are objects, with these names inside.
 */
export const LOCATION_CANDIDATES: readonly string[] = [
  'id', 'name', 'street', 'streetAddress', 'address', 'houseNumber', 'zip', 'postalCode', 'zipCode', 'city',
  'country', 'countryCode', 'latitude', 'lat', 'longitude', 'lng', 'lon', 'coordinates',
];

export type ArgKind = 'paging' | 'needed' | 'optional';

export interface RefArg {
  readonly name: string;
  /** The reference's type; the server's own type is used when it can be read. */
  readonly type: string;
  /** paging and needed arguments are essential: without them the operation cannot be sent. */
  readonly kind: ArgKind;
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

export interface RefOperation {
  readonly name: OperationName;
  readonly kind: 'query' | 'mutation';
  /** The reference's result type (what REFERENCE_TYPES describes). */
  readonly result: string;
  readonly args: readonly RefArg[];
  /** Where the records sit below `data.<name>` for list operations ([] = the field itself is the list). */
  readonly list?: readonly string[];
  /** May be sent again when the fate of an attempt is unknown. */
  readonly idempotent: boolean;
}

const paging: RefArg[] = [
  { name: 'offset', type: 'Int', kind: 'paging' },
  { name: 'limit', type: 'Int', kind: 'paging' },
];

/** Paging arguments of getChargepoints, per dialect. */
export const CHARGEPOINT_PAGING = {
  offset: paging,
  paged: [
    { name: 'count', type: 'Int', kind: 'paging' },
    { name: 'page', type: 'Int', kind: 'paging' },
  ] as RefArg[],
} as const;

export const REFERENCE_OPERATIONS: Readonly<Record<OperationName, RefOperation>> = {
  // args of getChargepoints depend on the dialect (CHARGEPOINT_PAGING).
  getChargepoints: { name: 'getChargepoints', kind: 'query', result: 'PaginatedChargepoints', args: [], list: ['chargepoints'], idempotent: true },
  getChargepoint: {
    name: 'getChargepoint',
    kind: 'query',
    result: 'Chargepoint',
    args: [
      { name: 'id', type: 'ID', kind: 'needed' },
      { name: 'evse', type: 'String', kind: 'optional' },
    ],
    idempotent: true,
  },
  getContacts: { name: 'getContacts', kind: 'query', result: 'Contact', args: paging, list: [], idempotent: true },
  getContact: { name: 'getContact', kind: 'query', result: 'Contact', args: [{ name: 'id', type: 'ID!', kind: 'needed' }], idempotent: true },
  getCards: {
    name: 'getCards',
    kind: 'query',
    result: 'Card',
    args: [{ name: 'contactId', type: 'String!', kind: 'needed' }, { name: 'active', type: 'Boolean', kind: 'optional' }, ...paging],
    list: [],
    idempotent: true,
  },
  getCard: { name: 'getCard', kind: 'query', result: 'Card', args: [{ name: 'tagId', type: 'String!', kind: 'needed' }], idempotent: true },
  getChargingSessions: {
    name: 'getChargingSessions',
    kind: 'query',
    result: 'Session',
    args: [
      { name: 'contactId', type: 'String!', kind: 'needed' },
      { name: 'tagId', type: 'String', kind: 'optional' },
      { name: 'active', type: 'Boolean', kind: 'optional' },
      ...paging,
    ],
    list: [],
    idempotent: true,
  },
  getChargingSession: { name: 'getChargingSession', kind: 'query', result: 'Session', args: [{ name: 'id', type: 'ID!', kind: 'needed' }], idempotent: true },
  getPrice: {
    name: 'getPrice',
    kind: 'query',
    result: 'PriceInfo',
    args: [
      { name: 'chargepoint', type: 'ID!', kind: 'needed' },
      { name: 'tagId', type: 'String', kind: 'optional' },
    ],
    idempotent: true,
  },
  // remoteStart/remoteStop are not repeated after an attempt of unknown fate (a second start could
  // open a second session); updateCard sets values and is safe to repeat.
  remoteStart: {
    name: 'remoteStart',
    kind: 'mutation',
    result: 'RemoteStartResponse',
    args: [
      { name: 'connectorId', type: 'String!', kind: 'needed' },
      { name: 'tagId', type: 'String!', kind: 'needed' },
    ],
    idempotent: false,
  },
  remoteStop: { name: 'remoteStop', kind: 'mutation', result: 'RemoteStartResponse', args: [{ name: 'session', type: 'ID!', kind: 'needed' }], idempotent: false },
  updateCard: {
    name: 'updateCard',
    kind: 'mutation',
    result: 'Card',
    args: [
      { name: 'tagId', type: 'String!', kind: 'needed' },
      { name: 'name', type: 'String', kind: 'optional' },
      { name: 'active', type: 'Boolean', kind: 'optional' },
    ],
    idempotent: true,
  },
};

export type JobName = 'chargepoints' | 'contacts' | 'cards' | 'sessions' | 'prices';

/** What each job cannot work without, and what it uses when it is there. */
export const JOB_OPERATIONS: Readonly<Record<JobName, { essential: readonly OperationName[]; optional: readonly OperationName[] }>> = {
  chargepoints: { essential: ['getChargepoints'], optional: ['getChargepoint'] },
  contacts: { essential: ['getContacts'], optional: [] },
  cards: { essential: ['getCards'], optional: [] },
  sessions: { essential: ['getChargingSessions'], optional: ['getChargingSession'] },
  prices: { essential: ['getPrice'], optional: [] },
};

/** What losing an optional operation costs. */
export const OPERATION_COST: Readonly<Partial<Record<OperationName, string>>> = {
  getChargepoint: 'deletion candidates are not confirmed one by one before they are marked deleted',
  getChargingSession: 'sessions that stopped between active passes get their final values only from the next full sessions pass',
  getContact: 'not used by any job',
  getCard: 'not used by any job',
  remoteStart: 'not used by any job',
  remoteStop: 'not used by any job',
  updateCard: 'not used by any job',
};

export const ALL_OPERATIONS: readonly OperationName[] = [
  'getChargepoints',
  'getChargepoint',
  'getContacts',
  'getContact',
  'getCards',
  'getCard',
  'getChargingSessions',
  'getChargingSession',
  'getPrice',
  'remoteStart',
  'remoteStop',
  'updateCard',
];
