// Dates as UTC day numbers (days since 1970-01-01): cheap arithmetic on the hot path.
const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDay(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const d = new Date(t);
  if (d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) return null;
  return t / DAY_MS;
}

const cache = new Map<number, string>();
export function dayStr(day: number): string {
  let s = cache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (cache.size < 20_000) cache.set(day, s);
  }
  return s;
}

export function dayOfDate(d: Date): number {
  return Math.floor(d.getTime() / DAY_MS);
}

export function utcToday(): number {
  return dayOfDate(new Date());
}

export function dayToUnixSeconds(day: number): number {
  return day * 86_400;
}

/** `board_pins_modified_at` as the real API writes it: microseconds, no zone ("2021-10-25T11:17:56.715000"). */
export function isoDateTimeMicros(unixSeconds: number, millis: number): string {
  return `${isoDateTime(unixSeconds)}.${String(millis).padStart(3, '0')}000`;
}

/** Boards and pins: ISO-8601 without a zone, as the real API sends them (Airbyte types them timestamp_without_timezone). */
export function isoDateTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
}

/** Catalogs and feeds: ISO-8601 UTC with `Z` (CatalogsDbItem example). */
export function isoDateTimeZ(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Monday of the ISO week containing `day` (1970-01-01 was a Thursday). */
export function weekStart(day: number): number {
  return day - ((day + 3) % 7);
}

export function monthStart(day: number): number {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS;
}
