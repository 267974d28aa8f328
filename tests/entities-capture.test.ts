import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { runCapture } from '../src/connector/run-capture.js';
import { createPinterestSource } from '../src/pinterest/source.js';
import { ENTITY_STREAMS, OPERATIONS, capturedIds, expectedIds, quietLog, sandboxConfig } from './entities-helpers.js';

type Doc = Record<string, unknown>;

async function capture(sb: Sandbox, config: Record<string, unknown>, state?: unknown, streams = ENTITY_STREAMS) {
  const docs: Record<string, Doc[]> = {};
  const res = await runCapture({
    source: createPinterestSource(),
    config,
    streams,
    state,
    once: true,
    log: quietLog,
    output: { document: (s, d) => void (docs[s] ??= []).push(d) },
  });
  return { docs, state: res.state, res };
}

let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 7 });
});
after(() => sb.close());

test('a session with every entity binding captures every entity the sandbox holds', async () => {
  sb.resetStats();
  const { docs } = await capture(sb, sandboxConfig(sb, { page_size: 3 }));
  const want = expectedIds(sb);
  for (const stream of ENTITY_STREAMS) {
    const got = capturedIds(docs, stream);
    assert.ok(want[stream].length > 0, `sandbox holds ${stream}`);
    assert.deepEqual(got, want[stream], `${stream}: captured ids equal the sandbox's`);
  }
  // Every status, not just the API's ACTIVE/PAUSED default.
  for (const s of ['campaigns', 'ad_groups', 'ads']) {
    const statuses = new Set(docs[s].map((d) => d.status));
    for (const st of ['ARCHIVED', 'DRAFT']) assert.ok(statuses.has(st), `${s} include ${st}`);
  }
  for (const [stream, list] of Object.entries(docs)) {
    for (const d of list) {
      for (const [k, v] of Object.entries(d)) if (k === 'id' || k.endsWith('_id')) assert.ok(v === null || typeof v === 'string', `${stream}.${k} is a string`);
    }
  }
  for (const f of docs.catalogs_feeds) assert.equal(f.credentials, undefined, 'feed credentials are dropped');
  for (const s of docs.board_sections) assert.equal(typeof s.board_id, 'string');

  // Requests: within page_size limits, only parameters the OpenAPI defines, nothing refused.
  const log = sb.requests();
  assert.ok(log.length > 0);
  for (const r of log) {
    assert.equal(r.status, 200, `${r.method} ${r.path}?${r.query} answered ${r.status}`);
    const op = OPERATIONS.get(r.operationId);
    assert.ok(op, `known operation ${r.operationId}`);
    const allowed = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
    const q = new URLSearchParams(r.query);
    for (const name of q.keys()) assert.ok(allowed.has(name), `${r.operationId}: parameter ${name} is defined`);
    const ps = q.get('page_size');
    if (ps !== null) assert.equal(Number(ps), 3, `${r.operationId} page_size`);
    for (const k of ['ad_group_ids', 'campaign_ids', 'ad_ids']) assert.ok(q.getAll(k).length <= 250);
  }
});

test('a second poll emits only the campaigns, ad groups and ads that changed', async () => {
  const first = await capture(sb, sandboxConfig(sb), undefined, ['campaigns', 'ad_groups', 'ads']);
  assert.ok(first.docs.campaigns.length > 0);
  const again = await capture(sb, sandboxConfig(sb), first.state, ['campaigns', 'ad_groups', 'ads']);
  assert.equal(Object.values(again.docs).flat().length, 0, 'nothing changed, nothing emitted');

  const [acct] = sb.data.adAccountIds();
  const mutated = sb.control({ action: 'mutate', entity: 'campaigns', adAccountId: acct, count: 2 }).ids as string[];
  const added = sb.control({ action: 'add', entity: 'ads', adAccountId: acct, count: 3 });
  const archived = sb.control({ action: 'mutate', entity: 'ad_groups', adAccountId: acct, count: 1, set: { status: 'ARCHIVED' } }).ids as string[];
  const third = await capture(sb, sandboxConfig(sb), again.state, ['campaigns', 'ad_groups', 'ads']);
  assert.deepEqual(capturedIds(third.docs, 'campaigns'), [...mutated].sort());
  assert.deepEqual(capturedIds(third.docs, 'ad_groups'), [...archived].sort());
  assert.equal(third.docs.ad_groups[0].status, 'ARCHIVED');
  assert.equal(third.docs.ads?.length, 3, `the 3 added ads (${JSON.stringify(added)})`);

});
