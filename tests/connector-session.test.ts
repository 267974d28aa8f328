import { counterState } from './fixtures/test-source.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { INTERNAL_SPEC, TEST_CONNECTOR, assertProtocolResponse, collect, finalError, runJson, spawnConnector, type Run } from './flow-harness.js';

// The session loop over a real child process speaking JSON on stdio, backed by the test Source.

const binding = (stream: string, stateKey: string, extra: Record<string, unknown> = {}) => ({
  resourceConfig: { stream, ...extra },
  resourcePath: [stream],
  collection: { name: `acmeCo/${stream}`, key: ['/id'] },
  stateKey,
});
const open = (config: Record<string, unknown>, bindings: unknown[], state: unknown = {}, range?: unknown) => ({
  open: { capture: { name: 'acmeCo/test', connectorType: 'IMAGE', config, bindings, intervalSeconds: 300 }, version: 'v1', state, ...(range ? { range } : {}) },
});

/** Every captured is followed by a checkpoint before the output ends; returns the types in order. */
function assertCheckpointBoundary(run: Run): string[] {
  const types = run.responses.map(assertProtocolResponse);
  assert.equal(types.at(-1), 'checkpoint', 'session output must end on a checkpoint');
  for (const r of run.responses) if (r.checkpoint) assert.equal(r.checkpoint.state.mergePatch, true);
  return types;
}

/** Waits until the child has written `n` captured documents (without consuming its stdout). */
function untilCaptured(child: ReturnType<typeof spawnConnector>, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const onData = (chunk: string | Buffer) => {
      seen += (String(chunk).match(/"captured"/g) ?? []).length;
      if (seen >= n) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', () => reject(new Error(`connector exited after ${seen} documents`)));
  });
}

test('open: opened, documents, merge-patch checkpoints under the stateKey; state restored from Open', async () => {
  const child = spawnConnector(TEST_CONNECTOR);
  const done = collect(child);
  child.stdin!.write(JSON.stringify(INTERNAL_SPEC) + '\n');
  child.stdin!.write(
    JSON.stringify(
      open({ docsPerPass: 4, checkpointEvery: 2 }, [binding('alpha', 'alpha.v2'), binding('beta', 'beta', { syncMode: 'incremental', interval: 'PT1S' })], {
        bindingStateV1: { 'alpha.v2': counterState(100), alpha: counterState(5) },
      }, { keyBegin: 16, keyEnd: 4096 }),
    ) + '\n',
  );
  await untilCaptured(child, 8);
  child.stdin!.end(); // EOF: finish at a checkpoint boundary, exit 0
  const run = await done;
  assert.equal(run.code, 0, run.stderr);
  const types = assertCheckpointBoundary(run);
  assert.deepEqual(types.slice(0, 2), ['spec', 'opened']);

  const alpha = run.responses.filter((r) => r.captured?.binding === 0).map((r) => r.captured!.doc);
  const beta = run.responses.filter((r) => r.captured?.binding === 1).map((r) => r.captured!.doc);
  assert.equal(alpha[0].id, 'alpha-100', 'alpha resumes from its state under stateKey alpha.v2');
  assert.equal(beta[0].id, 'beta-0', 'beta starts from empty state');
  assert.deepEqual(alpha[0].range, [16, 4096], 'shard range reaches the pass');

  const cps = run.responses.filter((r) => r.checkpoint).map((r) => r.checkpoint!.state.updated);
  // Patches carry only what moved: alpha's counter; beta's first checkpoint writes its whole state.
  assert.ok(cps.some((u) => JSON.stringify(u) === JSON.stringify({ bindingStateV1: { 'alpha.v2': { subtasks: { counter: { updatedTime: 102 } } } } })));
  assert.ok(cps.some((u) => JSON.stringify(u) === JSON.stringify({ bindingStateV1: { beta: counterState(2) } })));
  for (const u of cps) {
    const keys = Object.keys(u.bindingStateV1 ?? {});
    assert.ok(keys.every((k) => k === 'alpha.v2' || k === 'beta'), `checkpoint under a binding stateKey: ${keys.join(',')}`);
  }
  // A checkpoint after each pair of documents of a binding: no more than 2 docs of one binding
  // before that binding checkpoints.
  const started = run.logs.find((l) => l.fields?.eventType === 'connectorStatus' && /Capture started/.test(l.msg));
  assert.ok(started, 'connectorStatus: capture started');
  assert.ok(run.logs.some((l) => l.fields?.eventType === 'connectorStatus' && /Binding (alpha|beta) finished a pass/.test(l.msg)));
});

test('open: bindings re-poll on their interval (several passes) until EOF', async () => {
  const child = spawnConnector(TEST_CONNECTOR);
  const done = collect(child);
  child.stdin!.write(JSON.stringify(INTERNAL_SPEC) + '\n' + JSON.stringify(open({ docsPerPass: 1 }, [binding('alpha', 'alpha')])) + '\n');
  await untilCaptured(child, 3); // alpha's interval is PT1S: three passes
  child.stdin!.end();
  const run = await done;
  assert.equal(run.code, 0, run.stderr);
  assertCheckpointBoundary(run);
  const docs = run.responses.filter((r) => r.captured).map((r) => r.captured!.doc);
  assert.deepEqual(docs.slice(0, 3).map((d) => d.id), ['alpha-0', 'alpha-1', 'alpha-2']);
  assert.deepEqual(docs.slice(0, 3).map((d) => d.pass), [1, 2, 3]);
});

test('EOF in the middle of a pass: aborts it and ends with a checkpoint covering pending documents', async () => {
  const child = spawnConnector(TEST_CONNECTOR);
  const done = collect(child);
  child.stdin!.write(JSON.stringify(INTERNAL_SPEC) + '\n' + JSON.stringify(open({ docsPerPass: 1000, checkpointEvery: 1000, delayMs: 5 }, [binding('alpha', 'alpha')])) + '\n');
  await untilCaptured(child, 5);
  child.stdin!.end();
  const run = await done;
  assert.equal(run.code, 0, run.stderr);
  const types = assertCheckpointBoundary(run);
  assert.equal(types.filter((t) => t === 'checkpoint').length, 1, 'only the final checkpoint');
  // The binding's first checkpoint: its (still empty) versioned state, committing the documents.
  assert.deepEqual(run.responses.at(-1), { checkpoint: { state: { updated: { bindingStateV1: { alpha: { version: 2, subtasks: {} } } }, mergePatch: true } } });
  assert.ok(types.filter((t) => t === 'captured').length < 1000, 'the pass was aborted');
});

test('SIGTERM during a session: finishes at a checkpoint boundary and exits 0', async () => {
  const child = spawnConnector(TEST_CONNECTOR);
  const done = collect(child);
  child.stdin!.write(JSON.stringify(INTERNAL_SPEC) + '\n' + JSON.stringify(open({ docsPerPass: 1000, checkpointEvery: 7, delayMs: 3 }, [binding('alpha', 'alpha'), binding('beta', 'beta')])) + '\n');
  await untilCaptured(child, 20);
  child.kill('SIGTERM');
  const run = await done;
  assert.equal(run.code, 0, run.stderr);
  assertCheckpointBoundary(run);
  assert.ok(run.logs.some((l) => /finishing the session at a checkpoint boundary/.test(l.msg)));
  child.stdin!.destroy();
});

test('StopSession from a pass: clear log line, ends at a checkpoint, exit 0', async () => {
  // stdin stays open: the StopSession thrown on alpha's second pass is what ends the session.
  const child = spawnConnector(TEST_CONNECTOR);
  const done = collect(child);
  child.stdin!.write(JSON.stringify(INTERNAL_SPEC) + '\n' + JSON.stringify(open({ docsPerPass: 2, stopOnPass: 2 }, [binding('alpha', 'alpha')])) + '\n');
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 0);
  const r = await done;
  assertCheckpointBoundary(r);
  assert.ok(r.logs.some((l) => l.fields?.eventType === 'connectorStatus' && l.msg === 'Stopping the capture session: daily quota spent'), r.stderr);
});

test('a failing pass ends the session with one error line naming the stream, exit 1', async () => {
  const child = spawnConnector(TEST_CONNECTOR);
  const done = collect(child);
  child.stdin!.write(JSON.stringify(INTERNAL_SPEC) + '\n' + JSON.stringify(open({ docsPerPass: 2, failOnPass: 1 }, [binding('alpha', 'alpha')])) + '\n');
  const run = await done;
  assert.equal(run.code, 1);
  assert.equal(finalError(run).msg, 'connector failed: stream alpha: boom');
});

test('open with an unknown stream is a user error naming the binding', async () => {
  const run = await runJson([INTERNAL_SPEC, open({}, [binding('gamma', 'gamma')])], { args: TEST_CONNECTOR });
  assert.equal(run.code, 1);
  assert.match(finalError(run).msg, /binding 0 \(acmeCo\/gamma, stream "gamma"\): unknown stream "gamma"/);
  assert.equal(run.responses.length, 1, 'no opened before the error');
});
