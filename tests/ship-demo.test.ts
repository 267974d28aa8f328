import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STREAMS } from '../src/pinterest/streams/table.js';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discover, runCli } from './ship-helpers.js';

// The README's first quickstart command: `npm run demo` = build + `node dist/main.js demo`.
// Run the demo as a child (non-TTY: plain progress lines) into a temp dir and check every
// discovered stream landed in <dir>/<stream>.jsonl with documents, and the summary agrees.
test('demo captures every stream from the in-process sandbox into <output>/<stream>.jsonl', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'ship-demo-'));
  writeFileSync(join(out, 'stale_stream.jsonl'), '{"old":true}\n'); // a previous run's leftovers go
  const [bindings, res] = await Promise.all([discover(), runCli(['demo', '--output', out, '--days', '7'], { timeoutMs: 110_000 })]);
  assert.equal(res.code, 0, res.stderr);

  const streams = bindings.map((b) => b.resourceConfig.stream);
  assert.ok(streams.length >= 30, `discover lists every stream (${streams.length})`);
  assert.deepEqual(readdirSync(out).sort(), streams.map((s) => `${s}.jsonl`).sort());

  const summary = new Map<string, string[]>();
  for (const line of res.stdout.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length === 7 && cells[1] && streams.includes(cells[1])) summary.set(cells[1], cells.slice(2, 6));
  }
  for (const b of bindings) {
    const stream = b.resourceConfig.stream;
    const lines = readFileSync(join(out, `${stream}.jsonl`), 'utf8').split('\n').filter(Boolean);
    assert.ok(lines.length > 0, `${stream} has documents`);
    const key = b.key.map((k) => k.slice(1));
    for (const l of lines.slice(0, 50)) {
      const doc = JSON.parse(l) as Record<string, unknown>;
      for (const k of key) assert.ok(doc[k] !== undefined && doc[k] !== null, `${stream} document has key field ${k}`);
    }
    const row = summary.get(stream);
    assert.ok(row, `summary table has a row for ${stream}`);
    const [status, docs, requests, seconds] = row;
    assert.equal(status, 'done');
    assert.equal(Number(docs.replace(/,/g, '')), lines.length, `${stream}: summary documents match the file`);
    assert.ok(Number(requests.replace(/,/g, '')) > 0, `${stream}: requests counted`);
    assert.ok(Number.isFinite(Number(seconds)));
  }
  const n = STREAMS.length;
  assert.match(res.stdout, new RegExp(`\\| TOTAL +\\| ${n}/${n} +\\|`), 'every stream done');
  assert.match(res.stdout, /\b1 OAuth token refresh/); // the demo authenticates with the OAuth refresh flow
  assert.match(res.stdout, /pin_analytics: done, [\d,]+ documents/); // plain progress lines off a TTY
  // eslint-disable-next-line no-control-regex -- looking for the ESC control character is the point
  assert.doesNotMatch(res.stdout, /\x1b\[/, 'no terminal escapes off a TTY');
  assert.ok(!existsSync(join(out, 'stale_stream.jsonl')));
});

test('demo rejects bad options with one readable line', async () => {
  const res = await runCli(['demo', '--scale', 'huge', '--output', mkdtempSync(join(tmpdir(), 'ship-demo-'))]);
  assert.equal(res.code, 1);
  const last = JSON.parse(res.stderr.trim().split('\n').at(-1)!) as { level: string; msg: string };
  assert.equal(last.level, 'error');
  assert.match(last.msg, /--scale must be one of small, medium, large/);
});
