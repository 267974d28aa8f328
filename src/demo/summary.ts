import type { Tracker } from './tracker.js';

/** The demo's closing table: documents, requests and seconds per stream, and totals. */
export function summaryTable(t: Tracker, totalSeconds: number): string {
  const head = ['stream', 'status', 'documents', 'requests', 'seconds'];
  const rows = t.rows.map((r) => [r.stream, r.status, r.docs.toLocaleString('en-US'), r.requests.toLocaleString('en-US'), t.seconds(r).toFixed(1)]);
  const docs = t.rows.reduce((n, r) => n + r.docs, 0);
  const reqs = t.rows.reduce((n, r) => n + r.requests, 0);
  const total = ['TOTAL', `${t.finished()}/${t.rows.length}`, docs.toLocaleString('en-US'), reqs.toLocaleString('en-US'), totalSeconds.toFixed(1)];
  const all = [head, ...rows, total];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]) => '| ' + r.map((v, c) => (c === 0 || c === 1 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, c) => (c === 0 || c === 1 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(head), rule, ...rows.map(line), line(total)].join('\n');
}
