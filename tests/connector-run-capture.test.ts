import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { runCapture } from '../src/connector/run-capture.js';
import { StreamSink } from '../src/protocol/sink.js';
import { encodeJsonResponse } from '../src/protocol/json-codec.js';
import { applyMergePatch, encodeStateKey } from '../src/connector/state.js';
import { parseIsoDuration } from '../src/connector/duration.js';
import { createLogger } from '../src/log.js';
import { counterState, testSource } from './fixtures/test-source.js';

const log = createLogger('warn');

test('runCapture --once: one pass per stream, documents per stream, resumable final state', async () => {
  const docs: Array<[string, Record<string, unknown>]> = [];
  const first = await runCapture({ source: testSource(), config: { docsPerPass: 5, checkpointEvery: 2 }, once: true, log, output: { document: (s, d) => void docs.push([s, d]) } });
  assert.equal(first.reason, 'completed');
  assert.deepEqual(first.counts, { alpha: 5, beta: 5 });
  assert.deepEqual(first.state, { bindingStateV1: { alpha: counterState(5), beta: counterState(5) } });

  docs.length = 0;
  const second = await runCapture({ source: testSource(), config: { docsPerPass: 2 }, streams: ['beta'], state: first.state, once: true, log, output: { document: (s, d) => void docs.push([s, d]) } });
  assert.deepEqual(docs.map(([s, d]) => `${s}:${String(d.id)}`), ['beta:beta-5', 'beta:beta-6']);
  assert.deepEqual((second.state.bindingStateV1 as Record<string, unknown>).alpha, counterState(5), 'other streams keep their state');

  await assert.rejects(runCapture({ source: testSource(), config: {}, streams: ['nope'], log, output: { document() {} } }), /unknown stream "nope"/);
});

test('emit applies backpressure when the output is slow', async () => {
  let written = 0;
  let release: (() => void) | undefined;
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, cb) {
      written += chunk.length;
      release = cb; // the consumer is stuck until the test releases it
    },
  });
  const sink = new StreamSink(slow, encodeJsonResponse);
  const big = { captured: { binding: 0, doc: { pad: 'x'.repeat(70 * 1024) } } };
  const pending = sink.send(big); // over 64 KiB: flushed now, and the stream is over its mark
  assert.ok(pending instanceof Promise, 'send returns a promise while the output is full');
  let resolved = false;
  void pending.then(() => (resolved = true));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.equal(resolved, false, 'still waiting for drain');
  assert.ok(written > 70 * 1024);
  release!();
  await pending;
  assert.equal(resolved, true);
});

test('state keys, merge patches and ISO durations follow Flow', () => {
  assert.equal(encodeStateKey(['boards'], 0), 'boards');
  assert.equal(encodeStateKey(['public', 'table'], 1), 'public%2Ftable.v1');
  assert.equal(encodeStateKey(['a b'], 2), 'a%20b.v2');
  assert.deepEqual(applyMergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] }), { a: 1, b: { d: 3, e: 4 }, f: [1] });
  assert.equal(parseIsoDuration('PT1H'), 3_600_000);
  assert.equal(parseIsoDuration('P1DT30M'), 86_400_000 + 1_800_000);
  assert.equal(parseIsoDuration('PT0.5S'), 500);
  for (const bad of ['P', 'PT', '1H', 'PT1X', '', 'every hour']) assert.equal(parseIsoDuration(bad), null, bad);
});

test('the session signal takes any number of listeners without a MaxListeners warning', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    const source = testSource();
    const base = source.openSession.bind(source);
    // A pass that keeps 50 abort listeners on its signal, like 50 concurrent HTTP requests.
    source.openSession = async (...args) => {
      const s = await base(...args);
      return {
        ...s,
        async *pass(ctx) {
          const offs = Array.from({ length: 50 }, () => {
            const f = () => undefined;
            ctx.signal.addEventListener('abort', f);
            return f;
          });
          yield* s.pass(ctx);
          for (const f of offs) ctx.signal.removeEventListener('abort', f);
        },
      };
    };
    await runCapture({ source, config: { docsPerPass: 1 }, once: true, log, output: { document() {} } });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
  }
});
