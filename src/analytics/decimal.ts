// Exact rounding of the decimal strings PostgreSQL returns for numeric values: the reports print
// what round(x, n) would print in SQL (half away from zero), never a binary-float approximation.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** round(value, places) as PostgreSQL's round(numeric, int) does it, as a string with exactly `places` decimals. */
export function roundDecimal(value: string | number, places: number): string {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new Error(`not a decimal number: ${JSON.stringify(value)}`);
  const [, sign, int = '0', frac = ''] = m;
  const padded = (frac + '0'.repeat(places + 1)).slice(0, places + 1);
  let digits = BigInt(int + padded.slice(0, places));
  if (Number(padded[places]) >= 5) digits += 1n;
  let out = digits.toString().padStart(places + 1, '0');
  if (places > 0) out = `${out.slice(0, -places)}.${out.slice(-places)}`;
  const isZero = /^[0.]+$/.test(out);
  return sign === '-' && !isZero ? `-${out}` : out;
}

/** A number in plain decimal notation (no exponent). */
function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** The value as a JavaScript number (for charts and summaries; never for printed figures). */
export function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** value × 10^places, exactly (moves the decimal point), e.g. a share 0.99642 → percent 99.642. */
export function shiftDecimal(value: string, places: number): string {
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new Error(`not a decimal number: ${JSON.stringify(value)}`);
  const [, sign, int = '0', frac = ''] = m;
  const padded = frac.padEnd(places, '0');
  const whole = (int + padded.slice(0, places)).replace(/^0+(?=\d)/, '');
  const rest = padded.slice(places);
  return `${sign}${whole}${rest ? `.${rest}` : ''}`;
}
