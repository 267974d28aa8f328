import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { INTERNAL_SPEC, ROOT, assertProtocolResponse, type LogLine } from './flow-harness.js';
import { capturedIds, expectedIds } from './entities-helpers.js';
import { TODAY, fastConfig, parseLogLines, reduceState, transcript, type Doc } from './reliability-helpers.js';

// What a user sees in the task logs: connectorStatus events when the capture starts, when each
// binding finishes a pass (with its count) and when a request waits on a rate limit; and a rate
// limit that would block too long ends the session cleanly at a checkpoint, resumed next time.

let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 31, today: TODAY });
});
after(() => sb.close());

interface Session {
  code: number | null;
  stdout: string;
  logs: LogLine[];
}

/** A Flow session over stdio; stdin is closed once every binding finished a pass (unless it exits first). */
function session(config: Doc, streams: string[], state: Doc = {}): Promise<Session> {
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const finished = new Set<number>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const l of parseLogLines(d)) if (l.fields?.eventType === 'connectorStatus' && l.fields.passes !== undefined) finished.add(l.binding as number);
    if (finished.size === streams.length) child.stdin.end();
  });
  child.stdin.on('error', () => {});
  const bindings = streams.map((s) => ({ resourceConfig: { stream: s }, resourcePath: [s], collection: { name: `acmeCo/${s}` }, stateKey: s }));
  child.stdin.write(JSON.stringify(INTERNAL_SPEC) + '\n' + JSON.stringify({ open: { capture: { name: 'acmeCo/p', connectorType: 'IMAGE', config, bindings, intervalSeconds: 300 }, version: 'v1', state } }) + '\n');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, logs: parseLogLines(stderr) })));
}

type StatusLine = LogLine & { fields: Record<string, unknown> };
const status = (s: Session) => s.logs.filter((l): l is StatusLine => l.fields?.eventType === 'connectorStatus');

test('connectorStatus: capture start, every binding pass with its count, rate-limit waits with category and duration', { timeout: 180_000 }, async () => {
  const streams = ['boards', 'campaigns', 'ad_account_analytics'];
  sb.setFaults([{ kind: '429', probability: 1, max: 1, retryAfterSeconds: 1, operations: ['campaigns/list'] }]);
  let run: Session;
  try {
    run = await session(fastConfig(sb), streams);
  } finally {
    sb.setFaults([]);
  }
  assert.equal(run.code, 0);
  const events = status(run);
  const started = events.find((e) => /^Capture started/.test(e.msg));
  assert.ok(started, 'a status event when the capture starts');
  assert.equal(started.fields.bindings, 3);

  const docsBy: Record<number, number> = {};
  for (const r of run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Doc)) {
    assertProtocolResponse(r);
    const c = r.captured as { binding: number } | undefined;
    if (c) docsBy[c.binding] = (docsBy[c.binding] ?? 0) + 1;
  }
  streams.forEach((s, i) => {
    const pass = events.find((e) => e.binding === i && e.fields.passes === 1);
    assert.ok(pass, `a status event when ${s} finishes its pass`);
    assert.equal(pass.stream, s);
    assert.equal(pass.fields.docs, docsBy[i], `${s}: the pass event counts its documents`);
    assert.match(pass.msg, new RegExp(`${s} finished a pass: ${docsBy[i]} documents`));
  });

  const wait = events.find((e) => e.fields.category === 'ads_read');
  assert.ok(wait, 'a status event for the rate-limit wait');
  assert.equal(wait.fields.waitSeconds, 1);
  assert.equal(wait.fields.stream, 'campaigns');
  assert.match(wait.msg, /Waiting 1 s for Pinterest's ads_read rate limit \(stream campaigns\)/);
});

test('a rate-limit wait beyond advanced.max_rate_limit_wait_seconds ends the session at a checkpoint (exit 0); the next session resumes there', { timeout: 180_000 }, async () => {
  const streams = ['campaigns', 'ad_groups', 'ads'];
  const config = fastConfig(sb, { page_size: 2, max_rate_limit_wait_seconds: 0.5 });
  sb.resetStats();
  sb.setRateLimits({ enabled: true, budgets: { ads_read: { limit: 12, windowMs: 30_000 } } });
  let first: Session;
  try {
    first = await session(config, streams);
  } finally {
    sb.setRateLimits({ enabled: false });
  }
  const requestsFirst = sb.stats().total;
  assert.equal(first.code, 0, JSON.stringify(first.logs.slice(-3)));
  const last = first.logs.at(-1)!;
  assert.equal(last.level, 'info');
  assert.equal(last.fields?.eventType, 'connectorStatus');
  assert.equal(last.fields.category, 'ads_read');
  assert.ok((last.fields.waitSeconds as number) > 0.5);
  assert.match(last.msg, /Stopping the capture session: Pinterest's ads_read rate limit asks to wait \d+ s .*longer than advanced\.max_rate_limit_wait_seconds .*the next session resumes there/);
  const t1 = transcript(first.stdout, streams);
  assert.equal(t1.discarded, 0, 'the session ended on a checkpoint');
  const all = streams.reduce((n, s) => n + expectedIds(sb)[s].length, 0);
  assert.ok(t1.committed.length > 0 && t1.committed.length < all, `stopped part-way (${t1.committed.length} of ${all})`);

  // The next session (quota back) picks up where the first stopped.
  sb.resetStats();
  const state = reduceState({}, t1.checkpoints);
  const second = await session(config, streams, state);
  assert.equal(second.code, 0);
  const t2 = transcript(second.stdout, streams);
  const docs: Record<string, Doc[]> = {};
  for (const [b, d] of [...t1.committed, ...t2.committed]) (docs[streams[b]] ??= []).push(d);
  const want = expectedIds(sb);
  for (const s of streams) assert.deepEqual([...new Set(capturedIds(docs, s))], want[s], `${s}: nothing lost across the stop`);
  // Resumed, not restarted: the second session re-reads at most the page each binding was on.
  const reemitted = t2.committed.filter(([b, d]) => t1.committed.some(([b1, d1]) => b1 === b && d1.id === d.id)).length;
  assert.ok(reemitted <= streams.length * 2, `re-emitted after the stop: ${reemitted}`);
  console.log(`rate-limit stop: first session ${t1.committed.length} docs in ${requestsFirst} requests; resumed session ${t2.committed.length} docs, ${reemitted} re-emitted`);
});
