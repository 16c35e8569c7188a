// Which dialect the server speaks, found by introspection: the arguments of
// Query.getChargepoints (offset/limit → `offset`, count/page → `paged`) and the key field of
// Chargepoint (id or uuid; Connector is expected to use the same, and `check` says so if not). Where introspection is switched off, the dialect is
// probed with a one-record getChargepoints in each dialect. The client caches the answer.
import { buildClientSchema, getIntrospectionQuery, getNamedType, isObjectType, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { chargepointOperations, OFFSET_DIALECT, PAGED_DIALECT, type Dialect } from './documents.js';
import { ConnectApiError, SchemaMismatchError } from './errors.js';
import type { OperationLike, RequestCounters, Transport } from './transport.js';

export const introspectionOperation: OperationLike = Object.freeze({
  name: 'IntrospectionQuery',
  source: getIntrospectionQuery({ descriptions: false }),
  kind: 'query',
  idempotent: true,
});

/** Fetches and builds the server's schema. Throws the transport's errors (auth, unreachable, ...). */
export async function introspect(transport: Transport, counters?: RequestCounters): Promise<GraphQLSchema> {
  const { data } = await transport.request(introspectionOperation, {}, counters);
  try {
    return buildClientSchema(data as unknown as IntrospectionQuery);
  } catch (err) {
    throw new SchemaMismatchError([`the introspection result cannot be read (${(err as Error).message})`], { operation: 'IntrospectionQuery', cause: err });
  }
}

/** Reads the dialect from a schema; problems (e.g. no getChargepoints at all) are thrown as SchemaMismatchError. */
export function dialectFromSchema(schema: GraphQLSchema): Dialect {
  const field = schema.getQueryType()?.getFields()['getChargepoints'];
  if (!field) throw new SchemaMismatchError(['Query.getChargepoints is missing; connect-sync cannot read chargepoints from this API']);
  const args = new Set(field.args.map((a) => a.name));
  let pagination: Dialect['pagination'];
  if (args.has('offset') || args.has('limit')) pagination = 'offset';
  else if (args.has('page') || args.has('count')) pagination = 'paged';
  else {
    throw new SchemaMismatchError([
      `Query.getChargepoints takes neither offset/limit nor count/page (it takes ${[...args].join(', ') || 'no arguments'}); connect-sync cannot page it`,
    ]);
  }
  const page = getNamedType(field.type);
  const chargepoint = (isObjectType(page) ? getNamedType(page.getFields()['chargepoints']?.type) : undefined) ?? schema.getType('Chargepoint');
  const fields = isObjectType(chargepoint) ? chargepoint.getFields() : {};
  const key = fields['id'] ? 'id' : fields['uuid'] ? 'uuid' : pagination === 'offset' ? 'id' : 'uuid';
  return { pagination, key };
}

/** Detects the dialect: introspection, or when the server refuses introspection, a probe per dialect. */
export async function detectDialect(transport: Transport, counters?: RequestCounters): Promise<Dialect> {
  let schema: GraphQLSchema;
  try {
    schema = await introspect(transport, counters);
  } catch (err) {
    // Introspection switched off shows up as a GraphQL (validation) error; anything else is real.
    if (!(err instanceof ConnectApiError) || !['SchemaMismatchError', 'GraphQLResponseError'].includes(err.name)) throw err;
    return probeDialect(transport, counters, err);
  }
  return dialectFromSchema(schema);
}

async function probeDialect(transport: Transport, counters: RequestCounters | undefined, introspectionError: Error): Promise<Dialect> {
  const problems: string[] = [`introspection failed: ${introspectionError.message}`];
  for (const dialect of [OFFSET_DIALECT, PAGED_DIALECT]) {
    const op = chargepointOperations(dialect).getChargepoints;
    const vars = dialect.pagination === 'offset' ? { offset: 0, limit: 1 } : { count: 1, page: 0 };
    try {
      await transport.request(op, vars, counters);
      return dialect;
    } catch (err) {
      if (!(err instanceof SchemaMismatchError)) throw err;
      problems.push(`${dialect.pagination} dialect: ${err.problems.join('; ')}`);
    }
  }
  throw new SchemaMismatchError(problems, { operation: 'getChargepoints' });
}
