// JSON parsing that keeps money exact. JSON.parse turns 0.1 into a binary float; money must not
// go through float arithmetic, so before parsing, the number tokens of the money fields
// (costs, costsNet, taxAmount, price) are turned into marked strings holding the exact text
// received. records.ts reads them back as decimal strings (and puts plain numbers in `raw`).
//
// Why the rewrite is safe: it matches `"key": <number>` only right after `{` or `,` (plus
// whitespace). A quote inside a JSON string is always escaped (`\"`), so an unescaped `"key"`
// directly after `{`/`,` is always a real object key, never text inside a string value.

export const MONEY_FIELDS = ['costs', 'costsNet', 'taxAmount', 'price'] as const;

/** Prefix of a string that holds the exact text of a JSON number (cannot occur in real JSON strings unescaped). */
export const DECIMAL_MARK = '\u0000dec:';

const MONEY_NUMBER = new RegExp(
  `([{,]\\s*"(?:${MONEY_FIELDS.join('|')})"\\s*:\\s*)(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)(?=\\s*[,}])`,
  'g',
);

/** JSON.parse, except that money numbers become `DECIMAL_MARK + text` strings. */
export function parseJsonPreservingMoney(text: string): unknown {
  const rewritten = text.replace(MONEY_NUMBER, (_m, head: string, num: string) => `${head}"\\u0000dec:${num}"`);
  return JSON.parse(rewritten);
}

/** The exact decimal text of a marked value, or undefined when the value is not marked. */
export function decimalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith(DECIMAL_MARK) ? value.slice(DECIMAL_MARK.length) : undefined;
}

/**
 * The parsed value with marked money strings turned back into plain JSON numbers. Copy on write:
 * objects and arrays without a marked value inside are returned as they are (a page of
 * chargepoints has none, and copying every record would be most of the parsing's garbage).
 */
export function unmarkDecimals(value: unknown): unknown {
  if (typeof value === 'string') {
    const text = decimalText(value);
    return text === undefined ? value : Number(text);
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const u = unmarkDecimals(v);
      if (u !== v) (out ??= value.slice())[i] = u;
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const k in value) {
      const v = (value as Record<string, unknown>)[k];
      const u = unmarkDecimals(v);
      if (u !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = u;
    }
    return out ?? value;
  }
  return value;
}

const MONEY_NAME = new RegExp(`\\b(?:${MONEY_FIELDS.join('|')})\\b`);

/** Whether an operation's document names a money field, so that its response needs parseJsonPreservingMoney (a µs test of ~1 kB). */
export function selectsMoney(op: { readonly source: string }): boolean {
  return MONEY_NAME.test(op.source);
}

export const jsonSerializer = {
  stringify: (value: unknown): string => JSON.stringify(value),
  parse: parseJsonPreservingMoney,
};
