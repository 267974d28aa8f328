import type { Logger } from '../log.js';

// A benchmark section: `bench --section <name>` runs it, prints its table and writes
// bench-results/<name>.json. Sections register themselves in ./index.ts.

export interface BenchOptions {
  log: Logger;
}

export interface BenchTarget {
  name: string;
  value: number;
  target: string; // human-readable, e.g. "≤ 1.2× minimal"
  pass: boolean;
}

export interface BenchReport {
  section: string;
  title: string;
  /** Table rows; every row has the same keys, in column order. */
  rows: Array<Record<string, string | number>>;
  targets: BenchTarget[];
  details?: Record<string, unknown>;
}

export interface BenchSection {
  name: string;
  description: string;
  run(opts: BenchOptions): Promise<BenchReport>;
}
