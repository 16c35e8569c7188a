// Public entry of the CONNECT API simulator: startSimulator() builds a seeded world and serves it
// over real HTTP (GraphQL via graphql-yoga) with optional, run-time adjustable faults.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga, type Plugin } from 'graphql-yoga';
import { WorldClock, type SimClock } from './clock.js';
import { fastExecute } from './fast-execute.js';
import { FAULT_KEYS, FaultInjector, type FaultSettings } from './faults.js';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from './graphql.js';
import type { ValidationRule } from 'graphql';
import type { SimContext } from './resolvers.js';
import { DIALECTS, type Dialect } from './schema.js';
import { ServedSchema } from './served-schema.js';
import { GRAPHQL_PATH, createFrontHandler } from './server.js';
import { SimStats } from './stats.js';
import { parseSchemaVariants, type SchemaVariant } from './variants.js';
import { World, type ChurnRates } from './world.js';

export { World } from './world.js';
export type { ChargepointInput, ChurnRates, ConnectorSpec, RemoteResult, WorldDump } from './world.js';
export type { SimClock } from './clock.js';
export { SimStats } from './stats.js';
export { NO_FAULTS, validateFaults, type FaultSettings } from './faults.js';
export { typeDefs, keyField, DIALECTS, type Dialect } from './schema.js';
export type { CardView, ChargepointView, ConnectorView, ContactView, LocationView, SessionView } from './render.js';
export { KNOWN_STATUSES } from './records.js';
export {
  MISSING_NULLABLE_FIELDS,
  SCHEMA_PRESETS,
  SCHEMA_PRESET_NAMES,
  SCHEMA_VARIANTS,
  SCHEMA_VARIANT_NAMES,
  parseSchemaVariants,
  type SchemaPreset,
  type SchemaVariant,
  type SchemaVariantInfo,
} from './variants.js';
export { variantTypeDefs } from './variant-sdl.js';

export const DEFAULT_START_TIME = new Date('2026-01-01T00:00:00.000Z');

export interface SimulatorOptions extends Partial<FaultSettings> {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: a random key (read it from Simulator.apiKey). */
  apiKey?: string;
  /** Default 'offset'. */
  dialect?: Dialect;
  /**
   * Schema variants (see variants.ts, SCHEMA_VARIANTS): other faithful readings of the reference,
   * as a comma-separated string or a list of variant or preset names. Default: none, the
   * simulator's own reading. RangeError naming the valid names on an unknown one.
   */
  schema?: string | readonly string[];
  /** Default 50. */
  chargepoints?: number;
  /** Default 20. */
  contacts?: number;
  /** Default 1. */
  seed?: number;
  /** Simulated ms per real ms; 0 (default) = time moves only through clock.advance(). */
  speed?: number;
  /** Default 2026-01-01T00:00:00Z. */
  startTime?: Date;
  /** Chargepoints added and removed, cards changed on the simulated clock (see ChurnRates); default none. */
  churn?: Partial<ChurnRates>;
  /** Faults, merged over the flat fault options above. */
  faults?: Partial<FaultSettings>;
  /** Seed of the fault streams; default derived from `seed`. */
  faultSeed?: number;
  /** One line per request when given; the server is silent otherwise. */
  log?: (line: string) => void;
}

export interface Simulator {
  /** http://127.0.0.1:PORT/graphql */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly dialect: Dialect;
  /** The schema variants in force (canonical order, presets expanded). */
  readonly schemaVariants: readonly SchemaVariant[];
  /** Fields dropped with dropField, as `Type.field`. */
  readonly droppedFields: readonly string[];
  readonly world: World;
  readonly clock: SimClock;
  readonly stats: SimStats;
  /** The fault settings in force. */
  readonly faults: Readonly<FaultSettings>;
  /** Changes some fault settings at run time (RangeError on a bad value). */
  setFaults(faults: Partial<FaultSettings>): void;
  /**
   * Removes a field (`Type.field`, e.g. `Contact.fax` or `Query.getPrice`) from the schema served,
   * from the next request on, without a restart. RangeError when the schema in force has no such
   * field or the type would be left without fields; dropping a dropped field again does nothing.
   */
  dropField(coordinate: string): void;
  /** Serves a dropped field again (from the next request); nothing when it was not dropped. */
  restoreField(coordinate: string): void;
  /** Serves other schema variants from the next request (same form as the schema option); clears dropped fields. */
  setSchema(schema: string | readonly string[]): void;
  /** The SDL served right now. */
  sdl(): string;
  /** Stops the clock and the server, dropping open connections. Idempotent. */
  close(): Promise<void>;
}

function wholeNumber(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`startSimulator: ${name} must be an integer >= 0, got ${String(value)}`);
  return v;
}

/** no-aliases: every aliased field is a validation error, as behind a gateway that caps aliases at 0. */
const noAliasesRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.alias) context.reportError(new GraphQLError(`Aliases are not allowed on this server (found "${node.alias.value}").`, { nodes: [node] }));
  },
});

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const dialect = options.dialect ?? 'offset';
  if (!DIALECTS.includes(dialect)) throw new RangeError(`startSimulator: dialect must be offset or paged, got ${String(dialect)}`);
  let variants: readonly SchemaVariant[];
  try {
    variants = parseSchemaVariants(options.schema);
  } catch (error) {
    throw new RangeError(`startSimulator: ${(error as Error).message}`, { cause: error });
  }
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`startSimulator: seed must be an integer, got ${seed}`);
  const startTime = options.startTime ?? DEFAULT_START_TIME;
  if (Number.isNaN(startTime.getTime())) throw new RangeError('startSimulator: startTime is an invalid Date');
  const port = wholeNumber('port', options.port, 0);
  const apiKey = options.apiKey ?? `sim-${randomBytes(18).toString('base64url')}`;
  if (apiKey.length === 0) throw new RangeError('startSimulator: apiKey must not be empty');

  const faultSettings: Partial<FaultSettings> = {};
  for (const key of FAULT_KEYS) {
    const value = options[key];
    if (value !== undefined) faultSettings[key] = value;
  }
  Object.assign(faultSettings, options.faults);

  const world = new World({
    seed,
    chargepoints: wholeNumber('chargepoints', options.chargepoints, 50),
    contacts: wholeNumber('contacts', options.contacts, 20),
    startTime,
    ...(options.churn ? { churn: options.churn } : {}),
  });
  const clock = new WorldClock(world, options.speed ?? 0);
  const stats = new SimStats();
  const faults = new FaultInjector(options.faultSeed ?? seed, faultSettings, stats);

  const served = new ServedSchema(dialect, world, faults, stats, variants);
  // no-introspection: graphql-js's rule, as servers that disable introspection use it.
  const introspection: Plugin = {
    onValidate({ params, addValidationRule }) {
      if (served.refusesIntrospection(params.schema)) addValidationRule(NoSchemaIntrospectionCustomRule);
      if (served.refusesAliases(params.schema)) addValidationRule(noAliasesRule);
    },
  };

  const yoga = createYoga<SimContext>({
    // A factory: the schema in force is read per request, so dropField/setSchema act at once.
    schema: () => served.schema(),
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: false,
    logging: false,
    maskedErrors: false,
    batching: false,
    // The lean executor (fast-execute.ts): graphql-js's per-field bookkeeping would cost most of
    // the 5 ms budget of a 100-chargepoint page.
    plugins: [introspection, { onExecute: ({ setExecuteFn }: { setExecuteFn: (fn: typeof fastExecute) => void }) => setExecuteFn(fastExecute) }],
  });

  const server: Server = createServer(createFrontHandler({ yoga, apiKey, faults, stats, log: options.log }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  clock.start();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}${GRAPHQL_PATH}`,
    port: address.port,
    apiKey,
    dialect,
    get schemaVariants() {
      return served.variants;
    },
    get droppedFields() {
      return served.droppedFields;
    },
    world,
    clock,
    stats,
    get faults() {
      return faults.settings;
    },
    setFaults: (f) => faults.set(f),
    dropField: (coordinate) => served.drop(coordinate),
    restoreField: (coordinate) => served.restore(coordinate),
    setSchema: (schema) => served.set(schema),
    sdl: () => served.sdl(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        clock.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
