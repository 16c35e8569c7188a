// The SDL a set of schema variants serves: the default SDL (schema.ts) edited as a GraphQL AST, plus
// the fields dropped at run time. With no variant and nothing dropped it is typeDefs(dialect) itself,
// byte for byte.
import { Kind, parse, parseConstValue, parseType, print } from './graphql.js';
import type { DefinitionNode, FieldDefinitionNode, InputValueDefinitionNode, ObjectTypeDefinitionNode, TypeNode } from './graphql.js';
import { typeDefs, type Dialect } from './schema.js';
import { MISSING_NULLABLE_FIELDS, type SchemaVariant } from './variants.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const STATUS_VALUES = 'AVAILABLE OCCUPIED FAULTED UNAVAILABLE UNKNOWN';

/** `Type.field` of the reference's String arguments declared ID (and ID arguments declared String) by id-args. */
const ID_ARGS: readonly [string, string][] = [
  ['Query.getCard.tagId', 'ID!'],
  ['Query.getCards.contactId', 'ID!'],
  ['Query.getChargingSessions.contactId', 'ID!'],
  ['Query.getChargingSessions.tagId', 'ID'],
  ['Query.getPrice.tagId', 'ID'],
  ['Mutation.remoteStart.connectorId', 'ID!'],
  ['Mutation.remoteStart.tagId', 'ID!'],
  ['Mutation.updateCard.tagId', 'ID!'],
  ['Query.getChargepoint.id', 'String'],
  ['Query.getContact.id', 'String!'],
  ['Query.getChargingSession.id', 'String!'],
  ['Query.getPrice.chargepoint', 'String!'],
  ['Mutation.remoteStop.session', 'String!'],
];

/** Root fields with paging arguments, and the defaults paging-defaults declares. */
const OFFSET_DEFAULTS = { offset: '0', limit: '100' };
const PAGED_DEFAULTS = { count: '100', page: '0' };
const PAGED_LISTS = ['getCards', 'getChargingSessions', 'getContacts'];

/** A mutable list of the document's definitions with edits by type and field name. */
class SdlEditor {
  private readonly defs: DefinitionNode[];

  constructor(sdl: string) {
    this.defs = [...parse(sdl, { noLocation: true }).definitions];
  }

  private indexOf(name: string): number {
    return this.defs.findIndex((d) => 'name' in d && d.name?.value === name);
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  object(name: string): ObjectTypeDefinitionNode {
    const def = this.defs[this.indexOf(name)];
    if (def?.kind !== Kind.OBJECT_TYPE_DEFINITION) throw new RangeError(`the schema has no object type ${name}`);
    return def;
  }

  /** Replaces (fn returns a node) or removes (null) one field of an object type. */
  editField(typeName: string, fieldName: string, fn: (field: FieldDefinitionNode) => FieldDefinitionNode | null): void {
    const type = this.object(typeName);
    const fields = type.fields ?? [];
    const at = fields.findIndex((f) => f.name.value === fieldName);
    if (at < 0) throw new RangeError(`the schema has no field ${typeName}.${fieldName}`);
    const next = fn(fields[at]!);
    const edited = next === null ? fields.filter((_, i) => i !== at) : fields.map((f, i) => (i === at ? next : f));
    if (edited.length === 0) throw new RangeError(`dropping ${typeName}.${fieldName} would leave ${typeName} without fields`);
    this.defs[this.indexOf(typeName)] = { ...type, fields: edited };
  }

  setFieldType(coordinate: string, type: string): void {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    this.editField(typeName, fieldName, (f) => ({ ...f, type: typeNode(type) }));
  }

  editArg(coordinate: string, fn: (arg: Mutable<InputValueDefinitionNode>) => void): void {
    const [typeName, fieldName, argName] = coordinate.split('.') as [string, string, string];
    this.editField(typeName, fieldName, (f) => {
      const args = f.arguments ?? [];
      if (!args.some((a) => a.name.value === argName)) throw new RangeError(`the schema has no argument ${coordinate}`);
      return {
        ...f,
        arguments: args.map((a) => {
          if (a.name.value !== argName) return a;
          const copy: Mutable<InputValueDefinitionNode> = { ...a };
          fn(copy);
          return copy;
        }),
      };
    });
  }

  /** Replaces the definitions of the same names, appends the others. */
  put(sdl: string): void {
    for (const def of parse(sdl, { noLocation: true }).definitions) {
      const at = 'name' in def && def.name ? this.indexOf(def.name.value) : -1;
      if (at >= 0) this.defs[at] = def;
      else this.defs.push(def);
    }
  }

  remove(name: string): void {
    const at = this.indexOf(name);
    if (at >= 0) this.defs.splice(at, 1);
  }

  /** Every field and argument typed `from` (at any list/non-null depth) typed `to` instead. */
  retype(from: string, to: string): void {
    const swap = (t: TypeNode): TypeNode =>
      t.kind === Kind.NAMED_TYPE ? (t.name.value === from ? { ...t, name: { ...t.name, value: to } } : t) : { ...t, type: swap(t.type) as never };
    this.defs.forEach((def, i) => {
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION) return;
      this.defs[i] = {
        ...def,
        fields: def.fields?.map((f) => ({ ...f, type: swap(f.type), arguments: f.arguments?.map((a) => ({ ...a, type: swap(a.type) })) })),
      };
    });
  }

  print(): string {
    return print({ kind: Kind.DOCUMENT, definitions: this.defs });
  }
}

const typeNode = (type: string): TypeNode => parseType(type, { noLocation: true });

function locationSdl(variants: ReadonlySet<SchemaVariant>): string | null {
  const noid = variants.has('location-noid');
  const nested = variants.has('location-nested');
  const renamed = variants.has('location-renamed');
  if (!noid && !nested && !renamed) return null;
  const n = locationNames(renamed);
  const key = noid ? '' : '  id: ID!\n  name: String\n';
  const description = '"""\nAddress and coordinates of a site or a contact.\n"""\n';
  if (!nested) {
    return `${description}type Location {\n${key}  ${n.street}: String\n  ${n.zip}: String\n  city: String\n  "ISO 3166-1 alpha-2 country code"\n  ${n.country}: String\n  ${n.latitude}: Float\n  ${n.longitude}: Float\n}`;
  }
  return `${description}type Location {\n${key}  address: Address\n  coordinates: GeoPoint\n}
"Postal address"
type Address {\n  ${n.street}: String\n  ${n.zip}: String\n  city: String\n  "ISO 3166-1 alpha-2 country code"\n  ${n.country}: String\n}
"WGS 84 coordinates"
type GeoPoint {\n  ${n.latitude}: Float\n  ${n.longitude}: Float\n}`;
}

/** Served names of the location fields (the world's LocationRec names by default). */
export function locationNames(renamed: boolean) {
  return renamed
    ? ({ street: 'streetAddress', zip: 'postalCode', country: 'countryCode', latitude: 'lat', longitude: 'lng' } as const)
    : ({ street: 'street', zip: 'zip', country: 'country', latitude: 'latitude', longitude: 'longitude' } as const);
}

/** Splits `Type.field` and checks its form. */
export function parseCoordinate(coordinate: string): [string, string] {
  const m = /^([_A-Za-z][_0-9A-Za-z]*)\.([_A-Za-z][_0-9A-Za-z]*)$/.exec(coordinate);
  if (!m) throw new RangeError(`expected a field as Type.field (e.g. Contact.fax), got "${coordinate}"`);
  return [m[1]!, m[2]!];
}

/**
 * The SDL served for `variants` (canonical order, see parseSchemaVariants) with `dropped` fields
 * (`Type.field`) removed. RangeError when a dropped field does not exist in the variant's schema.
 */
export function variantTypeDefs(dialect: Dialect, variants: readonly SchemaVariant[], dropped: readonly string[] = []): string {
  const base = typeDefs(dialect);
  if (variants.length === 0 && dropped.length === 0) return base;
  const v = new Set(variants);
  const sdl = new SdlEditor(base);

  const location = locationSdl(v);
  if (location !== null) sdl.put(location);

  if (v.has('missing-nullable')) {
    for (const coordinate of MISSING_NULLABLE_FIELDS) {
      const [type, field] = parseCoordinate(coordinate);
      sdl.editField(type, field, () => null);
    }
  }

  if (v.has('id-args')) for (const [coordinate, type] of ID_ARGS) sdl.editArg(coordinate, (a) => (a.type = typeNode(type)));

  if (v.has('paging-defaults')) {
    const paged = dialect === 'paged';
    const withDefaults = (field: string, defaults: Record<string, string>) => {
      for (const [arg, value] of Object.entries(defaults)) {
        sdl.editArg(`Query.${field}.${arg}`, (a) => (a.defaultValue = parseConstValue(value, { noLocation: true })));
      }
    };
    withDefaults('getChargepoints', paged ? PAGED_DEFAULTS : OFFSET_DEFAULTS);
    for (const field of PAGED_LISTS) withDefaults(field, OFFSET_DEFAULTS);
  }

  if (v.has('connector-type-string')) {
    sdl.editField('Connector', 'type', (f) => ({ ...f, type: typeNode('String'), description: desc('The type of charging connector (its name, e.g. Type 2).') }));
    sdl.remove('ConnectorType');
  }

  const statusType = v.has('status-enum') ? 'Status' : v.has('status-string') ? 'String' : null;
  if (v.has('connector-status-scalar')) {
    sdl.remove('ConnectorStatus');
    if (statusType === null) {
      sdl.put(`"""\nThe last status of a charging connector.\n"""\nenum ConnectorStatus {\n  ${STATUS_VALUES.split(' ').join('\n  ')}\n}`);
    }
    sdl.editField('Connector', 'status', (f) => ({ ...f, type: typeNode(statusType ?? 'ConnectorStatus') }));
  } else if (statusType !== null) {
    sdl.setFieldType('ConnectorStatus.status', statusType);
    sdl.editField('ConnectorStatus', 'status', (f) => ({ ...f, description: desc('The status of the connector.') }));
  }
  if (statusType !== null || v.has('connector-status-scalar')) sdl.remove('StatusValue');

  if (v.has('session-status-lower')) {
    sdl.put(`"""\nShows the state of a session.\n"""\nenum SessionStatus {\n  "A charging process has been started and is still ongoing."\n  active\n  "A charging process has been stopped."\n  stopped\n}`);
  }

  if (v.has('plain-scalars')) {
    for (const scalar of ['Date', 'Email']) {
      sdl.retype(scalar, 'String');
      sdl.remove(scalar);
    }
  }

  for (const coordinate of dropped) {
    const [type, field] = parseCoordinate(coordinate);
    if (!sdl.has(type)) throw new RangeError(`the schema served has no type ${type}`);
    sdl.editField(type, field, () => null);
  }

  return `# CONNECT API (simulated), dialect: ${dialect}; schema variants: ${variants.length > 0 ? variants.join(', ') : 'none'}${
    dropped.length > 0 ? `; dropped: ${dropped.join(', ')}` : ''
  }.\n\n${sdl.print()}\n`;
}

const desc = (value: string) => ({ kind: Kind.STRING, value, block: false }) as const;
