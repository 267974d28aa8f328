// ISO-8601 durations as used by binding `interval`s (PT1H, P1D, PT30M, PT0.5S …).
// Years and months count as 365 and 30 days: intervals only pace polling.
const RE = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO-8601 duration, or null if the text is not one. */
export function parseIsoDuration(text: string): number | null {
  const m = RE.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  const [, y, mo, w, d, h, mi, s] = m;
  const n = (v: string | undefined) => (v ? Number(v) : 0);
  const days = n(y) * 365 + n(mo) * 30 + n(w) * 7 + n(d);
  return Math.round(((days * 24 + n(h)) * 60 + n(mi)) * 60_000 + n(s) * 1000);
}
