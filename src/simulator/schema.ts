// GraphQL SDL of the simulated CONNECT API, transcribed from /work/shared/connect-api-reference.txt.
//
// Choices where the reference is silent or contradicts itself (also in src/simulator/README.md):
// - Two dialects. `offset` follows the reference's schema section:
//   getChargepoints(offset, limit): PaginatedChargepoints! -> { chargepoints, count = total },
//   Chargepoint and Connector keyed by `id: ID!`. `paged` follows its curl example:
//   getChargepoints(count, page) -> { chargepoints, nextPage, count = on this page, total },
//   page 0-based, nextPage null on the last page, Chargepoint and Connector keyed by `uuid: ID!`
//   (no `id` field on those two types). getChargepoint keeps its `id` argument in both dialects.
// - The reference lists the enum descriptions but not the names. We name them
//   enum Status { AVAILABLE OCCUPIED FAULTED UNAVAILABLE UNKNOWN } and
//   enum SessionStatus { ACTIVE STOPPED }.
// - ConnectorStatus.status is NOT typed as the Status enum but as the scalar `StatusValue`
//   (serialised as a string): the live system drifts (legacy lower-case values, new values such as
//   RESERVED) and the simulator must be able to serve them while its introspection stays honest.
//   Status stays declared (and is used by DefaultResponse) to document the known values.
// - Location is not described by the reference; we chose
//   { id, name, street, zip, city, country, latitude, longitude }, everything but id nullable.
// - remoteStop returns the same shape as remoteStart (RemoteStartResponse), as the reference shows.
// - DateTime is an ISO-8601 string with milliseconds and Z; Date is a plain YYYY-MM-DD string;
//   Email a plain string. Inputs of these scalars are accepted as strings.
// Other faithful readings of the reference (schema variants) are edits of this SDL: variants.ts,
// variant-sdl.ts. With no variant, typeDefs(dialect) is served as it is.
import { GraphQLError, GraphQLScalarType, Kind } from './graphql.js';

export type Dialect = 'offset' | 'paged';

export const DIALECTS: readonly Dialect[] = ['offset', 'paged'];

/** Name of the key field of Chargepoint and Connector in each dialect. */
export function keyField(dialect: Dialect): 'id' | 'uuid' {
  return dialect === 'paged' ? 'uuid' : 'id';
}

export function typeDefs(dialect: Dialect): string {
  const key = keyField(dialect);
  const getChargepoints =
    dialect === 'paged'
      ? `  """
  Paged list of charging stations with their connectors. page is 0-based; count is the page size.
  """
  getChargepoints(count: Int, page: Int): PaginatedChargepoints!`
      : `  """
  List of charging stations with their connectors.
  """
  getChargepoints(
    "Defines the starting point of the pagination"
    offset: Int
    "Defines the number of returned elements"
    limit: Int
  ): PaginatedChargepoints!`;
  const paginated =
    dialect === 'paged'
      ? `"""
Represents charging station as a list
"""
type PaginatedChargepoints {
  "Represents all parameters of a charging station, incl. the connectors"
  chargepoints: [Chargepoint!]!
  "Number of the next page, null on the last page"
  nextPage: Int
  "Number of chargepoints on this page"
  count: Int
  "Total number of chargepoints"
  total: Int
}`
      : `"""
Represents charging station as a list
"""
type PaginatedChargepoints {
  "Represents all parameters of a charging station, incl. the connectors"
  chargepoints: [Chargepoint!]!
  "Number of chargepoints"
  count: Int
}`;

  return `# CONNECT API (simulated), dialect: ${dialect}.
# Enum names, the Location fields and StatusValue are the simulator's choices (see schema.ts).

"ISO8601 date and time string in the format YYYY-MM-DDThh:mm:ss.sssZ"
scalar DateTime
"Calendar date in the format YYYY-MM-DD"
scalar Date
"E-Mail address"
scalar Email
"""
Status of a charging connector as a string. Normally one of the values of enum Status; the live
system also sends values outside it (e.g. RESERVED, or legacy lower-case values), so clients must
accept any string.
"""
scalar StatusValue

"""
Status of a charging station or charging connector
"""
enum Status {
  "Charging stations or charging connectors is available."
  AVAILABLE
  "Charging stations or charging connectors is occupied."
  OCCUPIED
  "Charging stations or charging connectors is faulty"
  FAULTED
  "Charging stations or charging connectors is not available."
  UNAVAILABLE
  "The status of the charging station or the charging connector is unknown."
  UNKNOWN
}

"""
Shows the state of a session.
"""
enum SessionStatus {
  "A charging process has been started and is still ongoing."
  ACTIVE
  "A charging process has been stopped."
  STOPPED
}

type Query {
  getCard(
    "Unique identifier of a charge card/authentication medium"
    tagId: String!
  ): Card!
  getCards(
    "Unique identifier of a contact"
    contactId: String!
    "Return active cards only"
    active: Boolean
    "Defines the starting point of the pagination"
    offset: Int
    "Defines the number of returned elements"
    limit: Int
  ): [Card]!
  getChargepoint(
    "Chargepoint ID"
    id: ID
    "The EVSE ID of one of its connectors, e.g. DE*CON*E1000229"
    evse: String
  ): Chargepoint!
${getChargepoints}
  getChargingSession(id: ID!): Session
  getChargingSessions(
    "Unique identifier of a contact"
    contactId: String!
    "Unique identifier of a charge card/authentication medium"
    tagId: String
    "Return active sessions only"
    active: Boolean
    "Defines the starting point of the pagination"
    offset: Int
    "Defines the number of returned elements"
    limit: Int
  ): [Session]!
  getContact(id: ID!): Contact
  getContacts(
    "Defines the starting point of the pagination"
    offset: Int
    "Defines the number of returned elements"
    limit: Int
  ): [Contact]
  getPrice(
    "Unique identifier of a chargepoint"
    chargepoint: ID!
    "Unique identifier of a charge card/authentication medium"
    tagId: String
  ): PriceInfo
}

type Mutation {
  remoteStart(connectorId: String!, tagId: String!): RemoteStartResponse
  remoteStop(session: ID!): RemoteStartResponse
  updateCard(
    "Unique identifier of a charge card/authentication medium"
    tagId: String!
    "Name of the card user"
    name: String
    "Activating or deactivating a card"
    active: Boolean
  ): Card!
}

"""
Represents a card and its properties
"""
type Card {
  "Indicates whether the authentication medium (the card) is active/inactive."
  active: Boolean
  "Shows the billing contact"
  billingContact: ID
  "Type of authentication medium (card): 1 RFID card, 2 key fob, 3 app token."
  cardType: Int
  "Unique identifier of a contact"
  contact: ID
  "Name of the card user"
  name: String
  "Shows the tariff to which the card is assigned."
  rate: String
  "Unique identifier of a charge card/authentication medium."
  tagId: String
  "Valid from e.g.: YYYY-MM-DD"
  validFrom: Date
}

"""
Represents all parameters of a charging station, incl. the connectors
"""
type Chargepoint {
  "A list of the available charging connectors"
  connectors: [Connector]
  "Number of free charging connectors"
  connectorsFree: Int
  "Number of occupied charging connectors"
  connectorsOccupied: Int
  "Total number of charging connectors available"
  connectorsTotal: Int
  "Number of unavailable charging connectors (e.g. due to faults)."
  connectorsUnavailable: Int
  "Creation date of the Chargepoint"
  createdAt: DateTime
  "Unique identifier of the charging station that can be used for direct query."
  ${key}: ID!
  "Location of the charging station"
  location: Location
  "Internal name of the charging station"
  name: String
  "Public name of the charging station. This should be used for display in applications."
  publicName: String
  "Displays the last change date."
  updatedAt: DateTime
}

"""
Represents all parameters of a single charging connector.
"""
type Connector {
  "The EVSE ID of the charging point, e.g.: DE*CON*E1000229"
  evse: String
  "Unique identifier of the connector."
  ${key}: ID!
  "Name of the charging connector."
  name: String
  "The last status of a charging connector."
  status: ConnectorStatus
  "The type of charging connector."
  type: ConnectorType
}

"""
The last status of a charging connector and when it changed.
"""
type ConnectorStatus {
  "One of enum Status, or another value the live system sends (see StatusValue)."
  status: StatusValue
  "When the status last changed."
  updatedAt: DateTime
}

"""
The type of charging connector
"""
type ConnectorType {
  "Current type AC / DC"
  currentType: String
  "Description of the connector Type"
  description: String
  "Maximum power of the charging connector in kW"
  maxPower: Float
  "Name of the connector Type"
  name: String
}

"""
The contact represents all the information of the contact.
"""
type Contact {
  "Represents the date of birth of a contact"
  birthdate: Date
  "Represents an individual customer number and is unique."
  customerNumber: String
  "E-Mail address"
  email: Email
  "Fax"
  fax: String
  "Gender of the contact for addressing in the app or messages."
  gender: String
  "Given name or first name of the contact"
  givenName: String
  "Unique identifier in the form of a id."
  id: ID!
  "Indicates whether the contact is a company or a person."
  isCompany: Boolean
  "Address and place of contact"
  location: Location
  "Name or surname of a contact"
  name: String
  "Phone number"
  phone: String
}

"""
Address and coordinates of a site or a contact (fields chosen by the simulator).
"""
type Location {
  id: ID!
  name: String
  street: String
  zip: String
  city: String
  "ISO 3166-1 alpha-2 country code"
  country: String
  latitude: Float
  longitude: Float
}

"""
Standard response
"""
type DefaultResponse {
  status: Status
}

${paginated}

"""
Price information for charging at a chargepoint.
"""
type PriceInfo {
  currency: String
  name: String
  "Price per kWh, VAT included"
  price: Float
}

"""
Response to remote start
"""
type RemoteStartResponse {
  "Info message"
  message: String
  "Unique identifier of a loading process that can be used for direct query."
  session: ID
  "ACCEPTED or REJECTED"
  status: String
}

"""
Information about a charging process.
"""
type Session {
  "Unique identifier of the authentication medium that used."
  cardId: String
  "Connector which was used during this session."
  connector: SessionConnector
  "Total costs of the charging process."
  costs: Float
  "Total costs VAT excluded of the charging process."
  costsNet: Float
  "Currency in which the charging process was calculated."
  currency: String
  "Duration of the charging process in seconds [s]"
  duration: Int
  "End time of the charging process"
  endTime: DateTime
  "Unique identifier of a charging process that can be used for direct query."
  id: ID
  "Energy meter when stopping the charging process (Wh)"
  meterEnd: Int
  "Energy meter when starting the charging process (Wh)"
  meterStart: Int
  "Amount of energy charged in watt hours [Wh]. Difference between meterStart and meterEnd."
  meterTotal: Int
  "Start time of the charging process"
  startTime: DateTime
  "Shows the state of a session."
  status: SessionStatus
  "Name of the tariff used."
  tariff: String
  "Tax (VAT) amount included in total costs"
  taxAmount: Float
}

"""
Connector information
"""
type SessionConnector {
  "Unique identifier of a connector"
  connectorId: String
  "The type of charging connector."
  connectorType: String
  "The EVSE ID of the charging point"
  evse: String
}
`;
}

function stringScalar(name: string, description: string, check?: (value: string) => boolean): GraphQLScalarType {
  const accept = (value: unknown): string => {
    if (typeof value !== 'string' || (check && !check(value))) {
      throw new GraphQLError(`${name} cannot represent value: ${JSON.stringify(value)}`);
    }
    return value;
  };
  return new GraphQLScalarType({
    name,
    description,
    // Values are stored as strings already (cheap on the hot path); Dates are tolerated.
    serialize: (value) => (value instanceof Date ? value.toISOString() : accept(value)),
    parseValue: accept,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new GraphQLError(`${name} must be a string literal`);
      return accept(ast.value);
    },
  });
}

/** Scalar implementations shared by both dialects. */
export const scalarResolvers = {
  DateTime: stringScalar('DateTime', 'ISO8601 date and time', (v) => !Number.isNaN(Date.parse(v))),
  Date: stringScalar('Date', 'YYYY-MM-DD', (v) => /^\d{4}-\d{2}-\d{2}/.test(v)),
  Email: stringScalar('Email', 'E-Mail address'),
  StatusValue: stringScalar('StatusValue', 'Connector status string'),
};
