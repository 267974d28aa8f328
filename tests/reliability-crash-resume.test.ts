import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { INTERNAL_SPEC, ROOT } from './flow-harness.js';
import { TODAY, diffReduced, fastConfig, parseLogLines, reduceAll, reduceByKey, reduceState, streamKeys, transcript, type Doc } from './reliability-helpers.js';

// The Flow runtime's contract: a connector killed (SIGKILL) at any moment and restarted with the
// state reduced from the checkpoints it emitted loses nothing; documents after the last checkpoint
// are discarded, and what a restart re-emits is bounded by one checkpoint's worth per binding.

let sb: Sandbox;
let config: Doc;
let keys: Record<string, string[]>;
let streams: string[];
before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 23, today: TODAY, reportPolls: 1 });
  config = fastConfig(sb, { page_size: 5 });
  keys = streamKeys(config);
  streams = Object.keys(keys);
});
after(() => sb.close());

const stateKey = (s: string) => (s === 'campaigns' ? 'campaigns.v2' : s);
const openRequest = (state: Doc) => ({
  open: {
    capture: {
      name: 'acmeCo/pinterest',
      connectorType: 'IMAGE',
      config,
      bindings: streams.map((s) => ({ resourceConfig: { stream: s }, resourcePath: [s], collection: { name: `acmeCo/${s}`, key: keys[s] }, stateKey: stateKey(s) })),
      intervalSeconds: 300,
    },
    version: 'v1',
    state,
  },
});

interface SessionRun {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  captured: number;
}

/**
 * One connector session (stdio, JSON codec). `killAfterDocs`: SIGKILL once that many documents
 * were read from it (or when every binding has finished its pass); otherwise close stdin once
 * every binding has finished its pass, as the runtime does when it stops a task.
 */
function session(state: Doc, killAfterDocs?: number): Promise<SessionRun> {
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let captured = 0;
  const finished = new Set<number>();
  const stop = () => {
    if (killAfterDocs !== undefined) child.kill('SIGKILL');
    else child.stdin.end();
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    captured += (d.match(/"captured"/g) ?? []).length;
    if (killAfterDocs !== undefined && captured >= killAfterDocs) child.kill('SIGKILL');
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const l of parseLogLines(d)) {
      if (l.fields?.eventType === 'connectorStatus' && typeof l.binding === 'number' && (l.fields.passes !== undefined || l.fields.nextPassInSeconds !== undefined)) {
        finished.add(l.binding);
      }
    }
    if (finished.size === streams.length) stop();
  });
  child.stdin.write(JSON.stringify(INTERNAL_SPEC) + '\n' + JSON.stringify(openRequest(state)) + '\n');
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ stdout, stderr, code, signal, captured })));
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const docKey = (stream: string, d: Doc) => `${stream}|${[...reduceByKey([d], keys[stream]).keys()][0]}`;

test('SIGKILL at seeded random moments, restarts from the reduced checkpoints: identical collections, bounded re-emission', { timeout: 180_000 }, async () => {
  const stateKeys = streams.map(stateKey);

  // The uninterrupted reference session.
  const ref = await session({});
  assert.equal(ref.code, 0, ref.stderr.slice(-1500));
  const refT = transcript(ref.stdout, stateKeys);
  assert.equal(refT.discarded, 0, 'a clean stop ends on a checkpoint');
  const refCols: Record<string, Doc[]> = {};
  for (const [b, d] of refT.committed) (refCols[streams[b]] ??= []).push(d);
  const expected = reduceAll(refCols, keys);
  for (const s of streams) assert.ok((expected[s]?.size ?? 0) > 0, `reference captured ${s}`);
  const refDocs = refT.committed.length;
  // What a crash may cost a binding: what it emitted since its own last checkpoint (one checkpoint's
  // worth), plus today's analytics rows, which every poll re-reads by design (today is incomplete).
  const todayRows: Record<number, number> = {};
  for (const [b, d] of refT.committed) if (d.DATE === TODAY || d.date === TODAY) todayRows[b] = (todayRows[b] ?? 0) + 1;
  const boundOf = (b: number) => (refT.maxRunPerBinding[b] ?? 0) + (todayRows[b] ?? 0);
  const bound = streams.reduce((n, _s, b) => n + boundOf(b), 0);

  // Crashing sessions.
  const rand = mulberry32(20250615);
  let state: Doc = {};
  const committed: Array<[string, Doc]> = [];
  const seen = new Set<string>();
  const report: string[] = [];
  const CRASHES = 5;
  for (let i = 0; i <= CRASHES; i++) {
    const last = i === CRASHES;
    const remaining = Math.max(1, refDocs - seen.size);
    // The first crash hits during startup; the others somewhere in the remaining work.
    const killAt = last ? undefined : i === 0 ? 1 : 1 + Math.floor(rand() * remaining * 0.7);
    const run = await session(state, killAt);
    if (last) assert.equal(run.code, 0, run.stderr.slice(-1500));
    else assert.equal(run.signal, 'SIGKILL');
    const t = transcript(run.stdout, stateKeys);
    let dups = 0;
    const dupsBy: Record<number, number> = {};
    for (const [b, d] of t.committed) {
      const k = docKey(streams[b], d);
      if (seen.has(k)) {
        dups++;
        dupsBy[b] = (dupsBy[b] ?? 0) + 1;
      }
      committed.push([streams[b], d]);
    }
    // Per binding: no more than one checkpoint's worth (plus today's re-read rows).
    for (const [b, n] of Object.entries(dupsBy)) {
      const max = refT.maxRunPerBinding[Number(b)] ?? 0;
      assert.ok(n <= boundOf(Number(b)), `${streams[Number(b)]}: ${n} re-emitted after crash ${i} > its largest checkpoint run ${max} + ${todayRows[Number(b)] ?? 0} rows of today`);
    }
    for (const [b, d] of t.committed) seen.add(docKey(streams[b], d));
    if (i > 0) report.push(`after crash ${i}: ${dups} re-emitted (${Object.entries(dupsBy).map(([b, n]) => `${streams[Number(b)]} ${n}`).join(', ') || 'none'})`);
    report.push(`session ${i + 1}${last ? ' (to completion)' : ` (SIGKILL after ${killAt} docs read)`}: ${t.committed.length} committed, ${t.discarded} discarded, ${t.checkpoints.length} checkpoints`);
    state = reduceState(state, t.checkpoints);
    // The state the runtime would hand back is keyed by the bindings' state keys only.
    for (const k of Object.keys((state.bindingStateV1 as Doc | undefined) ?? {})) assert.ok(stateKeys.includes(k), `state key ${k}`);
  }

  const got: Record<string, Doc[]> = {};
  for (const [s, d] of committed) (got[s] ??= []).push(d);
  const diff = diffReduced(expected, reduceAll(got, keys));
  assert.equal(diff, undefined, diff);
  console.log(`reference: ${refDocs} documents (${[...Object.values(expected)].reduce((n, m) => n + m.size, 0)} keys); per-binding bounds (largest checkpoint run + today's rows) sum to ${bound}`);
  console.log(report.join('\n'));
  console.log(`crash-resume total: ${committed.length} committed over ${CRASHES + 1} sessions, ${committed.length - refDocs} more than the reference; identical by key`);
});
