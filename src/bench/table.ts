import type { BenchReport } from './types.js';

/** Renders a report as an aligned text table plus its targets. */
export function renderReport(r: BenchReport): string {
  const lines = [`== ${r.section}: ${r.title}`];
  if (r.rows.length) {
    const cols = Object.keys(r.rows[0]);
    const cell = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(v));
    const widths = cols.map((c) => Math.max(c.length, ...r.rows.map((row) => cell(row[c]).length)));
    const fmt = (vals: string[]) => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
    lines.push(fmt(cols), widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of r.rows) lines.push(fmt(cols.map((c) => cell(row[c]))));
  }
  for (const t of r.targets) lines.push(`${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${Number(t.value.toFixed(3))} (target ${t.target})`);
  return lines.join('\n');
}
