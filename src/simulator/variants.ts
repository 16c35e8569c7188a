// Schema variants: other faithful readings of the CONNECT API reference. Each differs from the
// simulator's default reading only where the reference is silent or loose (a type it never defines,
// enum values it leaves blank, argument types, defaults, which nullable fields exist, ...). The world
// served is the same for one seed; only the shape and typing of what is served differ. Variants are
// combinable with each other (except status-enum with status-string) and with both dialects.
// The SDL edits are in variant-sdl.ts, the value shaping in variant-shape.ts.

export interface SchemaVariantInfo {
  readonly name: string;
  /** One short line: what the variant serves (the CLI's --help). */
  readonly description: string;
  /** Where the reference is silent or loose, i.e. why this is a faithful reading. */
  readonly reads: string;
}

export const SCHEMA_VARIANTS = [
  {
    name: 'location-noid',
    description: 'Location without id and name: street, zip, city, country, latitude, longitude',
    reads: 'The reference never defines Location (it only writes `location { ...LocationFragment }`).',
  },
  {
    name: 'location-nested',
    description: 'Location as address { street zip city country } and coordinates { latitude longitude }',
    reads: 'Location is undefined; nested address/coordinates objects are as usual as flat fields.',
  },
  {
    name: 'location-renamed',
    description: 'Location fields named streetAddress, postalCode, city, countryCode, lat, lng',
    reads: 'Location is undefined, so are the names of its fields.',
  },
  {
    name: 'missing-nullable',
    description: 'no Contact.fax/gender, Chargepoint.createdAt, Connector.name, Card.rate, Session.tariff',
    reads: 'A nullable field may be left out by a server that never has the value; the reference does not say which exist.',
  },
  {
    name: 'id-args',
    description: 'String id arguments declared ID (contactId, tagId, connectorId), ID ones String',
    reads: 'The reference mixes ID and String for the same identifiers (Card.contact is ID, getCards(contactId) is String!).',
  },
  {
    name: 'paging-defaults',
    description: 'paging arguments with defaults: offset = 0, limit = 100 (count = 100, page = 0)',
    reads: 'The reference documents offset/limit without defaults or a maximum.',
  },
  {
    name: 'connector-type-string',
    description: 'Connector.type is a String (the type name) instead of ConnectorType',
    reads: 'The curl example selects `type` without subfields; SessionConnector.connectorType is a String.',
  },
  {
    name: 'status-enum',
    description: 'ConnectorStatus.status typed as enum Status (a value outside it: field error)',
    reads: 'The reference documents enum Status (values blank) but not the type of ConnectorStatus.status.',
  },
  {
    name: 'status-string',
    description: 'ConnectorStatus.status typed String',
    reads: 'The type of ConnectorStatus.status is not documented.',
  },
  {
    name: 'connector-status-scalar',
    description: 'Connector.status is a leaf (enum ConnectorStatus) without updatedAt',
    reads: 'The types section writes `status - ConnectorStatus` without defining ConnectorStatus.',
  },
  {
    name: 'session-status-lower',
    description: 'enum SessionStatus { active stopped }: statuses served lower case',
    reads: 'The reference leaves the SessionStatus value names blank; the older REST API used lower case.',
  },
  {
    name: 'no-introspection',
    description: 'introspection refused with a validation error',
    reads: 'The reference says nothing of introspection; production servers often disable it.',
  },
  {
    name: 'no-aliases',
    description: 'aliased fields refused with a validation error (as a gateway that caps aliases at 0)',
    reads: 'The reference never uses an alias; hardened GraphQL gateways limit them (e.g. a maxAliases rule).',
  },
  {
    name: 'date-datetime',
    description: 'Date values (Card.validFrom, Contact.birthdate) served as date-times',
    reads: 'Date is used but never defined; the reference\'s own examples show Date fields as date-times.',
  },
  {
    name: 'plain-scalars',
    description: 'Date and Email declared as the built-in String',
    reads: 'The reference uses the scalars Date and Email without defining them.',
  },
] as const satisfies readonly SchemaVariantInfo[];

export type SchemaVariant = (typeof SCHEMA_VARIANTS)[number]['name'];

export const SCHEMA_VARIANT_NAMES: readonly SchemaVariant[] = SCHEMA_VARIANTS.map((v) => v.name);

/** Variants that cannot be combined (they type the same thing differently). */
const EXCLUSIVE: readonly (readonly [SchemaVariant, SchemaVariant])[] = [['status-enum', 'status-string']];

/**
 * Named combinations, each in canonical order. A preset name may be given wherever variant names are (`--schema strict`,
 * `schema: ['strict', 'no-introspection']`).
 */
export const SCHEMA_PRESETS = {
  /** The simulator's own reading (no variant). */
  default: [],
  /** Like the independent implementation met in issue 12: a Location without id and name. */
  independent: ['location-noid'],
  /** Offers less and types loosely: no Location id, missing nullable fields, strings for type and status. */
  sparse: ['location-noid', 'missing-nullable', 'connector-type-string', 'status-string', 'plain-scalars'],
  /** Types strictly: ID arguments, paging defaults, enums for connector and session statuses. */
  strict: ['id-args', 'paging-defaults', 'status-enum', 'session-status-lower'],
  /** Nested objects where the default is flat and flat where it is nested. */
  nested: ['location-nested', 'location-renamed', 'connector-status-scalar', 'date-datetime'],
  /** Introspection refused, an unfamiliar Location and missing nullable fields. */
  closed: ['location-noid', 'missing-nullable', 'no-introspection'],
  /** Every variant that combines (all but status-string). */
  everything: SCHEMA_VARIANT_NAMES.filter((v) => v !== 'status-string'),
} as const satisfies Record<string, readonly SchemaVariant[]>;

export type SchemaPreset = keyof typeof SCHEMA_PRESETS;

export const SCHEMA_PRESET_NAMES = Object.keys(SCHEMA_PRESETS) as SchemaPreset[];

const isVariant = (name: string): name is SchemaVariant => (SCHEMA_VARIANT_NAMES as readonly string[]).includes(name);
const isPreset = (name: string): name is SchemaPreset => Object.prototype.hasOwnProperty.call(SCHEMA_PRESETS, name);

/**
 * The variants named by `schema` (a comma-separated string or a list of variant or preset names),
 * deduplicated, in the order of SCHEMA_VARIANTS. RangeError naming the valid names otherwise.
 */
export function parseSchemaVariants(schema: string | readonly string[] | undefined): readonly SchemaVariant[] {
  if (schema === undefined) return [];
  const names = (typeof schema === 'string' ? schema.split(',') : schema).map((n) => String(n).trim()).filter((n) => n !== '');
  const chosen = new Set<SchemaVariant>();
  for (const name of names) {
    if (isVariant(name)) chosen.add(name);
    else if (isPreset(name)) for (const v of SCHEMA_PRESETS[name]) chosen.add(v);
    else {
      throw new RangeError(
        `unknown schema variant "${name}"; valid variants: ${SCHEMA_VARIANT_NAMES.join(', ')}; presets: ${SCHEMA_PRESET_NAMES.join(', ')}`,
      );
    }
  }
  for (const [a, b] of EXCLUSIVE) {
    if (chosen.has(a) && chosen.has(b)) throw new RangeError(`schema variants ${a} and ${b} exclude each other`);
  }
  return SCHEMA_VARIANT_NAMES.filter((v) => chosen.has(v));
}

/** The documented nullable fields that missing-nullable leaves out of the schema. */
export const MISSING_NULLABLE_FIELDS: readonly string[] = [
  'Contact.fax',
  'Contact.gender',
  'Chargepoint.createdAt',
  'Connector.name',
  'Card.rate',
  'Session.tariff',
];
