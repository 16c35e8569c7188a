// Names a request for the stats: the operationName sent, else the operation's own name, else its
// first root field; plus the list of root fields. Parsed documents are cached by query text.
import { Kind, parse, type OperationDefinitionNode } from './graphql.js';

export interface OperationInfo {
  name: string;
  rootFields: string[];
}

const cache = new Map<string, { named: string | undefined; ops: OperationDefinitionNode[] } | null>();
const CACHE_MAX = 500;

function parsed(query: string) {
  let entry = cache.get(query);
  if (entry === undefined) {
    try {
      const doc = parse(query, { noLocation: true });
      const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      entry = { named: ops[0]?.name?.value, ops };
    } catch {
      entry = null;
    }
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(query, entry);
  }
  return entry;
}

export function describeOperation(query: unknown, operationName: unknown): OperationInfo {
  if (typeof query !== 'string' || query.length === 0) {
    return { name: typeof operationName === 'string' && operationName ? operationName : '(no query)', rootFields: [] };
  }
  const doc = parsed(query);
  if (doc === null) return { name: '(invalid)', rootFields: [] };
  const wanted = typeof operationName === 'string' && operationName ? operationName : undefined;
  const op = (wanted !== undefined ? doc.ops.find((o) => o.name?.value === wanted) : undefined) ?? doc.ops[0];
  const rootFields: string[] = [];
  for (const sel of op?.selectionSet.selections ?? []) if (sel.kind === Kind.FIELD) rootFields.push(sel.name.value);
  return { name: wanted ?? op?.name?.value ?? rootFields[0] ?? '(anonymous)', rootFields };
}
