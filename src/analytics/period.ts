// Report periods: half-open [from, to) of local dates (YYYY-MM-DD) in an IANA time zone.
// Validation happens twice: here (syntax, order, the zone known to this Node's ICU) and in
// PostgreSQL (the zone known to the server's time zone database), since both must agree.
export const LEVELS = ['connector', 'chargepoint', 'location'] as const;
export type ReportLevel = (typeof LEVELS)[number];

export class PeriodError extends Error {
  override name = 'PeriodError';
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message);
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks a YYYY-MM-DD calendar date; throws PeriodError naming the flag. */
export function checkDate(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new PeriodError(flag, `${flag} is required: a date as YYYY-MM-DD, e.g. ${flag} 2026-10-01`);
  const m = DATE.exec(value);
  const valid =
    m !== null &&
    (() => {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const t = new Date(Date.UTC(y, mo - 1, d));
      return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
    })();
  if (!valid) throw new PeriodError(flag, `${flag} "${value}" is not a calendar date; write it as YYYY-MM-DD, e.g. 2026-10-01`);
  return value;
}

/** Checks from < to (both YYYY-MM-DD). */
export function checkPeriod(from: string, to: string): void {
  if (!(from < to)) {
    throw new PeriodError('--to', `--to (${to}) must be after --from (${from}); periods are half-open [from, to), so --from 2026-10-01 --to 2026-11-01 is October`);
  }
}

/** Checks that Node's ICU knows the IANA zone (PostgreSQL is asked separately). Returns the canonical spelling Intl uses. */
export function checkTimeZone(flag: string, tz: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw new PeriodError(flag, `${flag} "${tz}" is not a known IANA time zone; use a name such as UTC, Europe/Berlin or America/New_York`);
  }
}

export function checkLevel(flag: string, value: string): ReportLevel {
  if ((LEVELS as readonly string[]).includes(value)) return value as ReportLevel;
  throw new PeriodError(flag, `${flag} "${value}" is not a level; use one of ${LEVELS.join(', ')}`);
}

/** "+02:00" for 120 minutes. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Number of whole days between two YYYY-MM-DD dates. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
