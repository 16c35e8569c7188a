// Small building blocks shared by the report formats: aligned terminal tables, CSV lines, and
// instants printed in the report's time zone.

export interface Column<T> {
  header: string;
  /** Right-aligned (numbers) or left-aligned (text, the default). */
  align?: 'left' | 'right';
  value(row: T): string;
}

/** An aligned plain-text table (two spaces between columns, a dashed rule under the header). */
export function renderTable<T>(columns: ReadonlyArray<Column<T>>, rows: readonly T[]): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** One CSV record (RFC 4180: fields with a comma, quote or line break are quoted). */
export function csvLine(values: ReadonlyArray<string | null | undefined>): string {
  return values
    .map((v) => {
      const s = v ?? '';
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}

export function csvDocument<T>(columns: ReadonlyArray<Column<T>>, rows: readonly T[]): string {
  return [csvLine(columns.map((c) => c.header)), ...rows.map((r) => csvLine(columns.map((c) => c.value(r))))].join('\r\n') + '\r\n';
}

const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** ISO 8601 local date-time with offset in `tz`, e.g. 2026-10-25T02:30:00+01:00 (milliseconds only when not zero). */
export function formatInstant(date: Date, tz: string): string {
  let format = instantFormats.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    instantFormats.set(tz, format);
  }
  const parts = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  const offset = /([+-]\d{2}:\d{2})/.exec(parts.timeZoneName ?? '')?.[1] ?? '+00:00';
  const ms = date.getUTCMilliseconds();
  const fraction = ms ? `.${String(ms).padStart(3, '0')}` : '';
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${fraction}${offset}`;
}
