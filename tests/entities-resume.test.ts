import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { accountHash } from '../src/pinterest/parents.js';
import { ENTITY_STREAMS, expectedIds, runPass, sandboxConfig } from './entities-helpers.js';

let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 11, shape: { adAccounts: 6, boards: 9 } });
});
after(() => sb.close());

const idsOf = (docs: Record<string, unknown>[], stream: string) => docs.map((d) => String(stream === 'user_account' ? d.username : d.id));

for (const stream of ['boards', 'board_section_pins', 'keywords', 'campaigns', 'audiences', 'ads']) {
  test(`${stream}: a crash after any checkpoint resumes there, nothing lost, re-emits bounded by one page`, async () => {
    const pageSize = 4;
    const cfg = sandboxConfig(sb, { page_size: pageSize, parallel_requests: 3 });
    const full = await runPass(cfg, stream);
    const want = expectedIds(sb)[stream];
    assert.deepEqual([...new Set(idsOf(full.docs, stream))].sort(), want);
    const pages = Math.ceil(want.length / pageSize);
    assert.ok(pages > 2 && full.checkpoints >= pages, `${stream}: a checkpoint per page (${full.checkpoints} for ${pages} pages)`);
    for (const crashAfter of [1, 2, Math.ceil(full.checkpoints / 2), full.checkpoints - 1]) {
      const crashed = await runPass(cfg, stream, { crashAfter });
      assert.ok(crashed.crashed);
      const resumed = await runPass(cfg, stream, { state: crashed.state });
      const all = [...idsOf(crashed.committed, stream), ...idsOf(resumed.docs, stream)];
      assert.deepEqual([...new Set(all)].sort(), want, `crash after ${crashAfter}: nothing lost`);
      if (crashed.committed.length > pageSize) assert.ok(resumed.docs.length < full.docs.length, `crash after ${crashAfter}: resumed rather than restarted`);
      assert.ok(all.length - full.docs.length <= pageSize, `crash after ${crashAfter}: ${all.length - full.docs.length} re-emitted`);
      assert.deepEqual(resumed.state.pass, undefined, 'a finished pass clears its position');
      if (stream === 'campaigns') {
        const next = await runPass(cfg, stream, { state: resumed.state });
        assert.equal(next.docs.length, 0, 'cursor state after a resumed pass is complete');
      }
    }
  });
}

test('an empty binding state (backfill bumped) starts from scratch; full_refresh re-reads every campaign', async () => {
  const cfg = sandboxConfig(sb);
  const first = await runPass(cfg, 'campaigns');
  const inc = await runPass(cfg, 'campaigns', { state: first.state });
  assert.equal(inc.docs.length, 0);
  const fresh = await runPass(cfg, 'campaigns', { state: {} });
  assert.equal(fresh.docs.length, first.docs.length);
  const full = await runPass(cfg, 'campaigns', { state: first.state, syncMode: 'full_refresh' });
  assert.equal(full.docs.length, first.docs.length);
});

test('two shards with complementary key ranges capture exactly what one full-range shard does', async () => {
  const cfg = sandboxConfig(sb);
  const accounts = sb.data.adAccountIds();
  const mid = 0x7fffffff;
  const lower = accounts.filter((a) => accountHash(a) <= mid);
  assert.ok(lower.length > 0 && lower.length < accounts.length, 'the seeded accounts fall on both sides');
  for (const stream of ENTITY_STREAMS) {
    const whole = await runPass(cfg, stream);
    const a = await runPass(cfg, stream, { range: { begin: 0, end: mid } });
    const b = await runPass(cfg, stream, { range: { begin: mid + 1, end: 0xffffffff } });
    assert.deepEqual([...idsOf(a.docs, stream), ...idsOf(b.docs, stream)].sort(), idsOf(whole.docs, stream).sort(), stream);
    if (['user_account', 'boards', 'board_pins', 'catalogs'].includes(stream)) assert.equal(b.docs.length, 0, `${stream} is user-level: shard 0 only`);
  }
});

test('account_ids limits the ads streams to those accounts', async () => {
  const [one] = sb.data.adAccountIds();
  const cfg = { ...sandboxConfig(sb), account_ids: [one] };
  const acc = await runPass(cfg, 'ad_accounts');
  assert.deepEqual(idsOf(acc.docs, 'ad_accounts'), [one]);
  const camps = await runPass(cfg, 'campaigns');
  assert.deepEqual(idsOf(camps.docs, 'campaigns').sort(), sb.data.campaigns(one).map((c) => String(c.id)).sort());
});
