import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import type { DeletableEntity } from '../src/sandbox/data.js';
import { runPass, sandboxConfig } from './entities-helpers.js';

// Full-refresh listings: an object the previous complete pass captured and the current complete
// pass lacks gets one deletion document ({key…, _meta: {op: "d"}}); a pass cut short deletes nothing.

let sb: Sandbox;
before(async () => {
  sb = await startSandbox();
});
after(() => sb.close());

type Doc = Record<string, unknown>;
const deletions = (docs: Doc[]) => docs.filter((d) => (d._meta as Doc | undefined)?.op === 'd');

test('an ad account gone from the listing gets exactly one deletion document', async () => {
  const [a0, a1] = sb.data.adAccountIds() as [string, string];
  const all = sandboxConfig(sb);
  const first = await runPass(all, 'ad_accounts', { syncMode: 'full_refresh' });
  assert.equal(first.docs.length, 2);
  assert.deepEqual(deletions(first.docs), [], 'a first pass has nothing to compare with');
  assert.deepEqual(first.state.present, { keys: [JSON.stringify([a0]), JSON.stringify([a1])].sort() });

  const only = { ...all, account_ids: [a0] };
  const second = await runPass(only, 'ad_accounts', { syncMode: 'full_refresh', state: first.state });
  assert.deepEqual(deletions(second.docs), [{ id: a1, _meta: { op: 'd' } }]);
  assert.deepEqual(second.docs.filter((d) => !d._meta).map((d) => d.id), [a0]);

  const third = await runPass(only, 'ad_accounts', { syncMode: 'full_refresh', state: second.state });
  assert.deepEqual(deletions(third.docs), [], 'deleted once, not again');
});

test('a pass cut short (crashed, then resumed) deletes nothing; the next complete pass does', async () => {
  const [a0, a1] = sb.data.adAccountIds() as [string, string];
  const all = sandboxConfig(sb, { page_size: 1 });
  const first = await runPass(all, 'ad_accounts', { syncMode: 'full_refresh' });
  const only = { ...all, account_ids: [a0] };
  const crashed = await runPass(all, 'ad_accounts', { syncMode: 'full_refresh', state: first.state, crashAfter: 1 });
  assert.ok(crashed.crashed && crashed.state.pass, 'stopped mid-pass');
  assert.deepEqual(deletions(crashed.committed), []);
  const resumed = await runPass(only, 'ad_accounts', { syncMode: 'full_refresh', state: crashed.state });
  assert.deepEqual(deletions(resumed.docs), [], 'the resumed remainder is not a complete pass');
  assert.deepEqual(resumed.state.present, first.state.present, 'what the last complete pass saw is kept');
  const next = await runPass(only, 'ad_accounts', { syncMode: 'full_refresh', state: resumed.state });
  assert.deepEqual(deletions(next.docs), [{ id: a1, _meta: { op: 'd' } }]);
});

test('incremental streams never delete', async () => {
  const first = await runPass(sandboxConfig(sb), 'campaigns');
  assert.equal(first.state.present, undefined);
});

// Every full-refresh listing, with the object deleted in the sandbox between two passes.
const DELETED: Array<[stream: string, entity: DeletableEntity]> = [
  ['boards', 'boards'],
  ['board_sections', 'sections'],
  ['board_pins', 'pins'],
  ['board_section_pins', 'pins'],
  ['audiences', 'audiences'],
  ['customer_lists', 'customer_lists'],
  ['conversion_tags', 'conversion_tags'],
  ['keywords', 'keywords'],
  ['catalogs_feeds', 'feeds'],
  ['catalogs_product_groups', 'product_groups'],
  // The sandbox has one catalog: deleting it last leaves the other catalog listings something to list.
  ['catalogs', 'catalogs'],
];

for (const [stream, entity] of DELETED) {
  test(`${stream}: an object deleted between two complete passes gets exactly one deletion document`, async () => {
    const config = sandboxConfig(sb);
    const first = await runPass(config, stream, { syncMode: 'full_refresh' });
    const captured = first.docs.filter((d) => !d._meta);
    assert.ok(captured.length >= 1, `${stream}: the sandbox has objects to delete`);
    assert.deepEqual(deletions(first.docs), []);
    const victim = String(captured[captured.length - 1].id);
    sb.control({ action: 'delete', entity, ids: [victim] });

    const second = await runPass(config, stream, { syncMode: 'full_refresh', state: first.state });
    assert.deepEqual(deletions(second.docs), [{ id: victim, _meta: { op: 'd' } }]);
    const kept = second.docs.filter((d) => !d._meta).map((d) => String(d.id));
    assert.deepEqual(kept.sort(), captured.map((d) => String(d.id)).filter((id) => id !== victim).sort(), 'the others are captured again');
    const third = await runPass(config, stream, { syncMode: 'full_refresh', state: second.state });
    assert.deepEqual(deletions(third.docs), [], 'deleted once, not again');
  });
}
