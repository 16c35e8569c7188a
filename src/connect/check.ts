// `connect-sync check`: connects, authenticates, introspects the schema, detects the dialect and
// validates every operation this client sends against it, turning graphql's validation errors into
// lines that name the type and field, e.g. "Connector.id is missing; the API offers uuid".
//
// Exit codes of checkCommand:
//   0  all well (warnings, e.g. introspection switched off, are printed but do not fail)
//   1  problems: the schema lacks or changed something connect-sync uses (one line per problem)
//   2  configuration: CONNECT_API_URL or CONNECT_API_KEY missing or invalid
//   3  authentication: the API refused the key (HTTP 401/403)
//   4  unreachable: network error, timeout, 5xx, rate limited, or the URL does not answer like a GraphQL API
import {
  getNamedType,
  isCompositeType,
  isLeafType,
  isObjectType,
  isInterfaceType,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { ConfigError, requireApi, type Config } from '../config.js';
import type { Logger } from '../log.js';
import { scrubSecrets } from '../log.js';
import { createConnectClient, type ConnectClient } from './client.js';
import { allOperations, chargepointOperations, dialectName, type Dialect, type Operation } from './documents.js';
import { dialectFromSchema, introspect } from './dialect.js';
import {
  AuthenticationError,
  ConnectApiError,
  GraphQLResponseError,
  RateLimitedError,
  SchemaMismatchError,
  TransientError,
  UnexpectedResponseError,
} from './errors.js';
import { createLimiter } from './limiter.js';

export interface CheckResult {
  ok: boolean;
  /** The detected dialect, null when it could not be told. */
  dialect: Dialect | null;
  /** One readable line per problem; empty when ok. */
  problems: string[];
  /** Things worth knowing that do not fail the check. */
  warnings: string[];
}

export const CHECK_EXIT = Object.freeze({ ok: 0, problems: 1, config: 2, auth: 3, unreachable: 4 });

// ---- suggestions -----------------------------------------------------------------------------

function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length] ?? 0;
}

/** Names from `offered` that look like `wanted` (edit distance or containment), best first. */
export function similarNames(wanted: string, offered: readonly string[]): string[] {
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  const w = wanted.toLowerCase();
  const contains = (a: string, b: string) => b.length >= 2 && a.includes(b);
  return offered
    .map((name) => ({ name, d: distance(wanted, name) }))
    .filter(({ name, d }) => d <= limit || contains(name.toLowerCase(), w) || contains(w, name.toLowerCase()))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map(({ name }) => name);
}

function fieldNames(type: GraphQLNamedType): string[] {
  return isObjectType(type) || isInterfaceType(type) ? Object.keys(type.getFields()) : [];
}

function offerText(typeName: string, wanted: string, offered: readonly string[], what = 'field'): string {
  const similar = similarNames(wanted, offered);
  if (similar.length > 0) return `the API offers ${similar.join(', ')}`;
  if (offered.length === 0) return `${typeName} has no ${what}s`;
  const shown = offered.slice(0, 10).join(', ');
  return `${typeName} has ${shown}${offered.length > 10 ? `, ... (${offered.length} in all)` : ''}`;
}

// ---- describing a document against a schema ---------------------------------------------------

/**
 * Walks an operation with the schema's type information and names what does not fit: missing
 * fields, unknown arguments, unknown types, scalars that became objects and back. Returns the
 * lines and whether a validation message is already covered by one of them.
 */
function describeDocument(schema: GraphQLSchema, op: Operation): string[] {
  const lines: string[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    op.document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value.startsWith('__')) return;
        const def = typeInfo.getFieldDef();
        const name = node.name.value;
        if (!def) {
          lines.push(`${parent.name}.${name} is missing; ${offerText(parent.name, name, fieldNames(parent))}`);
          return;
        }
        const named = getNamedType(def.type);
        const sub = node.selectionSet?.selections.map((s) => (s.kind === 'Field' ? s.name.value : '...')).join(', ');
        if (node.selectionSet && isLeafType(named)) {
          lines.push(`${parent.name}.${name} is a ${String(def.type)} on the API; connect-sync expects an object with ${sub}`);
        } else if (!node.selectionSet && isCompositeType(named)) {
          lines.push(`${parent.name}.${name} is an object (${String(def.type)}) on the API; connect-sync expects a scalar`);
        }
      },
      Argument(node) {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (!field || !parent || typeInfo.getArgument()) return;
        const offered = field.args.map((a) => a.name);
        lines.push(
          `${parent.name}.${field.name} has no argument ${node.name.value}; ${
            offered.length ? `it takes ${offered.join(', ')}` : 'it takes no arguments'
          }`,
        );
      },
      FragmentDefinition(node) {
        const name = node.typeCondition.name.value;
        if (!schema.getType(name)) lines.push(`type ${name} is missing${similarTypes(schema, name)}`);
      },
      InlineFragment(node) {
        const name = node.typeCondition?.name.value;
        if (name && !schema.getType(name)) lines.push(`type ${name} is missing${similarTypes(schema, name)}`);
      },
    }),
  );
  return lines;
}

function similarTypes(schema: GraphQLSchema, name: string): string {
  const types = Object.keys(schema.getTypeMap()).filter((t) => !t.startsWith('__'));
  const similar = similarNames(name, types);
  return similar.length ? `; the API has ${similar.join(', ')}` : '';
}

/** Validation messages the walk above already describes in its own words. */
const DESCRIBED = /^(Cannot query field|Unknown argument|Unknown type|Field ".*" must not have a selection|Field ".*" of type ".*" must have a selection)/;

/** Validates our operations for `dialect` against `schema`: one readable line per problem (merged across operations). */
export function validateOperations(schema: GraphQLSchema, dialect: Dialect): string[] {
  const byLine = new Map<string, Set<string>>();
  const add = (line: string, op: string) => {
    const ops = byLine.get(line) ?? new Set<string>();
    ops.add(op);
    byLine.set(line, ops);
  };
  for (const op of allOperations(dialect)) {
    const errors = validate(schema, op.document);
    if (errors.length === 0) continue;
    const described = describeDocument(schema, op);
    for (const line of described) add(line, op.name);
    for (const err of errors) {
      if (described.length > 0 && DESCRIBED.test(err.message)) continue;
      add(err.message, op.name);
    }
  }
  return [...byLine].map(([line, ops]) => `${line} (used by ${[...ops].join(', ')})`);
}

// ---- the check -------------------------------------------------------------------------------

/**
 * Checks the API behind `client`. Problems with the schema are returned; a refused key
 * (AuthenticationError) or an unreachable API (TransientError, UnexpectedResponseError,
 * RateLimitedError) is thrown.
 */
export async function checkApi(client: ConnectClient): Promise<CheckResult> {
  const problems: string[] = [];
  const warnings: string[] = [];
  let schema: GraphQLSchema | null = null;
  try {
    schema = await introspect(client.transport);
  } catch (err) {
    if (!(err instanceof SchemaMismatchError || err instanceof GraphQLResponseError)) throw err;
    warnings.push(`introspection is not available (${err.message}); only getChargepoints could be checked, by running it`);
  }

  let dialect: Dialect | null = null;
  if (schema) {
    try {
      dialect = dialectFromSchema(schema);
    } catch (err) {
      if (!(err instanceof SchemaMismatchError)) throw err;
      problems.push(...err.problems);
    }
    if (dialect) problems.push(...validateOperations(schema, dialect));
  } else {
    try {
      dialect = await client.dialect();
    } catch (err) {
      if (!(err instanceof SchemaMismatchError)) throw err;
      problems.push(...err.problems);
    }
  }

  // A real data request: proves the key works for data, not only for introspection.
  if (dialect && problems.length === 0) {
    const op = chargepointOperations(dialect).getChargepoints;
    try {
      await client.transport.request(op, dialect.pagination === 'offset' ? { offset: 0, limit: 1 } : { count: 1, page: 0 });
    } catch (err) {
      if (err instanceof SchemaMismatchError) problems.push(...err.problems.map((p) => `getChargepoints: ${p}`));
      else if (err instanceof GraphQLResponseError) problems.push(`getChargepoints failed: ${err.errors.map((e) => e.message).join('; ')}`);
      else throw err;
    }
  }
  return { ok: problems.length === 0, dialect, problems, warnings };
}

export interface CheckOutput {
  write(text: string): unknown;
}

/**
 * `connect-sync check`: prints one line per problem (or one line saying all is well) to `out`
 * (stdout) and returns the exit code (see CHECK_EXIT above).
 */
export async function checkCommand(config: Config, logger: Logger, out: CheckOutput = process.stdout): Promise<number> {
  const print = (line: string) => out.write(`${scrubSecrets(line)}\n`);
  let api: { url: string; apiKey: string };
  try {
    api = requireApi(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    print(`configuration: ${err.message}`);
    return CHECK_EXIT.config;
  }
  const where = (() => {
    const u = new URL(api.url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  })();
  const client = createConnectClient({
    url: api.url,
    apiKey: api.apiKey,
    timeoutMs: config.timeoutMs,
    pageSize: 1,
    limiter: createLimiter({ concurrency: config.concurrency, maxRps: config.maxRps }),
    logger,
    // A check should answer within seconds, not ride out a two-minute outage.
    retry: { maxAttempts: 3, maxTotalMs: 20_000, maxRateLimitedRetries: 2 },
  });
  try {
    const result = await checkApi(client);
    for (const w of result.warnings) print(`warning: ${w}`);
    for (const p of result.problems) print(p);
    if (result.ok) {
      print(`ok: ${where} accepts the API key, speaks the ${result.dialect ? dialectName(result.dialect) : 'unknown'} dialect, and every operation connect-sync sends is valid`);
      return CHECK_EXIT.ok;
    }
    logger.error({ problems: result.problems.length }, 'the CONNECT API schema does not match what connect-sync sends');
    return CHECK_EXIT.problems;
  } catch (err) {
    if (err instanceof AuthenticationError) {
      print(`authentication failed: ${err.message}`);
      return CHECK_EXIT.auth;
    }
    if (err instanceof TransientError || err instanceof UnexpectedResponseError || err instanceof RateLimitedError) {
      print(`unreachable: ${where}: ${err.message}`);
      return CHECK_EXIT.unreachable;
    }
    if (err instanceof ConnectApiError) {
      print(err.message);
      return CHECK_EXIT.problems;
    }
    throw err;
  }
}
