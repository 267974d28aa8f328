// Shared by the reliability tests: sandbox-backed configs for child-process captures, collections
// reduced by key the way Flow reduces them, and the Flow runtime's view of a killed session.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../src/sandbox/index.js';
import { applyMergePatch } from '../src/connector/state.js';
import { parseConfig } from '../src/pinterest/config-parse.js';
import { pinterestStreams } from '../src/pinterest/source.js';
import { ROOT, type LogLine } from './flow-harness.js';

export type Doc = Record<string, unknown>;

export const TODAY = '2025-06-15';
export const OAUTH = { auth_method: 'oauth2.0', client_id: 'sandbox-client', client_secret: 'sandbox-secret' };
export const CLIENT_SECRET = 'sandbox-secret';

/** Fast retries, no client-side throttling, quick report polls, a pinned "today". */
export function fastConfig(sb: Sandbox, advanced: Record<string, unknown> = {}, credentials?: Record<string, unknown>): Doc {
  return {
    start_date: '2025-06-13',
    credentials: credentials ?? { auth_method: 'access_token', access_token: 'pina_sandbox' },
    lookback_window_days: 0,
    advanced: {
      api_base_url: sb.baseUrl,
      today: TODAY,
      retry_base_ms: 5,
      max_requests_per_second: 5000,
      rate_limits: { ads_read: 300_000, ads_analytics: 300_000, org_read: 300_000, org_analytics: 300_000, catalogs_read: 300_000 },
      report_poll_initial_ms: 5,
      report_poll_max_ms: 20,
      report_concurrency: 8,
      ...advanced,
    },
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pinterest-${prefix}-`));
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  logs: LogLine[];
}

/** `node dist/main.js <args>` to completion; stdin closed. */
export function runMain(args: string[], env: Record<string, string> = {}, input: string | Buffer = ''): Promise<ChildRun> {
  const child = spawn(process.execPath, ['dist/main.js', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => {}); // the connector may exit before reading all of it
  child.stdin.end(input);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, logs: parseLogLines(stderr) }));
  });
}

export function parseLogLines(stderr: string): LogLine[] {
  return stderr
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      try {
        return JSON.parse(l) as LogLine;
      } catch {
        return { level: 'non-json', msg: l };
      }
    });
}

/** `<dir>/<stream>.jsonl` files written by `capture --output`. */
export function readCollections(dir: string): Record<string, Doc[]> {
  const out: Record<string, Doc[]> = {};
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.jsonl')) continue;
    out[f.slice(0, -'.jsonl'.length)] = readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Doc);
  }
  return out;
}

/** Each stream's collection key (JSON pointers), from the connector's own stream table. */
export function streamKeys(rawConfig: Doc): Record<string, string[]> {
  return Object.fromEntries(pinterestStreams(parseConfig(rawConfig)).map((s) => [s.name, s.key]));
}

const pointer = (doc: Doc, ptr: string): unknown => ptr.split('/').slice(1).reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Doc)[k] : undefined), doc);

/** A collection as Flow stores it: the last document per key wins. Values are canonical JSON. */
export function reduceByKey(docs: Doc[], key: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of docs) out.set(JSON.stringify(key.map((k) => pointer(d, k))), canonical(d));
  return out;
}

export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Doc).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

export function reduceAll(cols: Record<string, Doc[]>, keys: Record<string, string[]>): Record<string, Map<string, string>> {
  return Object.fromEntries(Object.entries(cols).map(([s, docs]) => [s, reduceByKey(docs, keys[s] ?? ['/id'])]));
}

/** The fields two serialised documents disagree on, with both values. */
function fieldsThatDiffer(a: string, b: string): string {
  const x = JSON.parse(a) as Record<string, unknown>;
  const y = JSON.parse(b) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((f) => JSON.stringify(x[f]) !== JSON.stringify(y[f]));
  return fields.map((f) => `${f}: ${JSON.stringify(x[f])} vs ${JSON.stringify(y[f])}`).join('; ');
}

/** First difference between two reduced collections, or undefined when identical. */
export function diffReduced(a: Record<string, Map<string, string>>, b: Record<string, Map<string, string>>): string | undefined {
  const streams = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const s of [...streams].sort()) {
    const x = a[s] ?? new Map<string, string>();
    const y = b[s] ?? new Map<string, string>();
    if (x.size !== y.size) return `${s}: ${x.size} vs ${y.size} keys`;
    for (const [k, v] of x) {
      if (!y.has(k)) return `${s}: key ${k} missing from the second`;
      const w = y.get(k);
      if (w !== v) return `${s}: key ${k} differs: ${fieldsThatDiffer(v, w ?? '{}')}`;
    }
  }
  return undefined;
}

// ---- the Flow runtime's view of one (possibly killed) session -------------------------------

export interface SessionTranscript {
  /** `[binding, doc]` in output order, up to the last checkpoint (what the runtime commits). */
  committed: Array<[number, Doc]>;
  /** Documents after the last checkpoint: discarded. */
  discarded: number;
  /** Every checkpoint's merge patch, in order. */
  checkpoints: Doc[];
  /** Documents between two checkpoints, per binding: the largest run. */
  maxRunPerBinding: Record<number, number>;
}

/** Reads a session's stdout (JSON codec) like the runtime: a partial last line is ignored. */
export function transcript(stdout: string, stateKeys: string[]): SessionTranscript {
  const lines = stdout.split('\n');
  lines.pop(); // partial (or empty) last line
  const committed: Array<[number, Doc]> = [];
  const pending: Array<[number, Doc]> = [];
  const checkpoints: Doc[] = [];
  const run: Record<number, number> = {};
  const maxRun: Record<number, number> = {};
  for (const l of lines) {
    const msg = JSON.parse(l) as { captured?: { binding?: number; doc: Doc }; checkpoint?: { state: { updated: Doc } } };
    if (msg.captured) {
      const b = msg.captured.binding ?? 0;
      pending.push([b, msg.captured.doc]);
      run[b] = (run[b] ?? 0) + 1;
      maxRun[b] = Math.max(maxRun[b] ?? 0, run[b]);
    } else if (msg.checkpoint) {
      committed.push(...pending.splice(0));
      checkpoints.push(msg.checkpoint.state.updated);
      // The checkpoint's patch names the binding(s) whose state it advances.
      const keys = Object.keys((msg.checkpoint.state.updated.bindingStateV1 as Doc | undefined) ?? {});
      if (keys.length) for (const b of Object.keys(run)) if (keys.includes(stateKeys[Number(b)] ?? '')) run[Number(b)] = 0;
    }
  }
  return { committed, discarded: pending.length, checkpoints, maxRunPerBinding: maxRun };
}

export function reduceState(state: Doc, checkpoints: Doc[]): Doc {
  return checkpoints.reduce<Doc>((s, cp) => applyMergePatch(s, cp) as Doc, state);
}
