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

/** Deep copy of a parsed value with marked money strings turned back into plain JSON numbers. */
export function unmarkDecimals(value: unknown): unknown {
  if (typeof value === 'string') {
    const text = decimalText(value);
    return text === undefined ? value : Number(text);
  }
  if (Array.isArray(value)) return value.map(unmarkDecimals);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = unmarkDecimals(v);
    return out;
  }
  return value;
}

export const jsonSerializer = {
  stringify: (value: unknown): string => JSON.stringify(value),
  parse: parseJsonPreservingMoney,
};
