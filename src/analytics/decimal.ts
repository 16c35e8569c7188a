// Exact rounding of the decimal strings PostgreSQL returns for numeric values: the reports print
// what round(x, n) would print in SQL (half away from zero), never a binary-float approximation.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** round(value, places) as PostgreSQL's round(numeric, int) does it, as a string with exactly `places` decimals. */
export function roundDecimal(value: string | number, places: number): string {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new Error(`not a decimal number: ${JSON.stringify(value)}`);
  const [, sign, int = '0', frac = ''] = m;
  // Plain string arithmetic (a report rounds ~10 values per row for 10k rows): the kept digits,
  // plus one unit in the last place when the first dropped digit is 5 or more.
  let digits = (int + frac.slice(0, places).padEnd(places, '0')).replace(/^0+(?=\d)/, '');
  if (frac.length > places && frac.charCodeAt(places) >= 53 /* '5' */) digits = incrementDigits(digits);
  digits = digits.padStart(places + 1, '0');
  const out = places > 0 ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return sign === '-' && /[1-9]/.test(digits) ? `-${out}` : out;
}

/** A string of decimal digits plus one. */
function incrementDigits(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') i--;
  if (i < 0) return `1${'0'.repeat(digits.length)}`;
  return digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + '0'.repeat(digits.length - i - 1);
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
