import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { applyMergePatch } from '../src/connector/state.js';
import { collect, INTERNAL_SPEC, spawnConnector, type Run } from './flow-harness.js';

// The previous connector (Airbyte's source-pinterest behind Estuary's adapter) left one cursor per
// stream at the top level of the connector state. A real connector process opened with it resumes
// each stream from that cursor, says so once, and its first checkpoint removes the old keys.

type Doc = Record<string, unknown>;
const TODAY = '2025-06-30';
const plusDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ today: TODAY });
});
after(() => sb.close());

const STREAMS = ['campaigns', 'ad_analytics', 'user_account_analytics', 'boards'];

async function capture(state: unknown): Promise<{ run: Run; docs: Record<string, Doc[]>; reduced: Doc; checkpoints: Doc[] }> {
  const config = {
    start_date: '2025-04-01',
    lookback_window_days: 2,
    credentials: { auth_method: 'access_token', access_token: 'pina_sandbox' },
    advanced: { api_base_url: sb.baseUrl, today: TODAY, retry_base_ms: 5 },
  };
  const bindings = STREAMS.map((stream) => ({ resourceConfig: { stream, syncMode: stream === 'boards' ? 'full_refresh' : 'incremental' }, resourcePath: [stream], stateKey: stream }));
  const child = spawnConnector();
  const done = collect(child);
  let finished = 0;
  child.stderr!.on('data', (d: Buffer) => {
    finished += (String(d).match(/finished a pass/g) ?? []).length;
    if (finished >= STREAMS.length) child.stdin!.end();
  });
  child.stdin!.write(JSON.stringify(INTERNAL_SPEC) + '\n');
  child.stdin!.write(JSON.stringify({ open: { capture: { name: 'acmeCo/pinterest', connectorType: 'IMAGE', config, bindings, intervalSeconds: 300 }, version: 'v1', state } }) + '\n');
  const run = await done;
  assert.equal(run.code, 0, run.stderr);
  const docs: Record<string, Doc[]> = Object.fromEntries(STREAMS.map((s) => [s, []]));
  let reduced: Doc = structuredClone(state) as Doc;
  const checkpoints: Doc[] = [];
  for (const r of run.responses) {
    if (r.captured) docs[STREAMS[r.captured.binding as number]].push(r.captured.doc);
    if (r.checkpoint) {
      checkpoints.push(r.checkpoint.state.updated);
      reduced = applyMergePatch(reduced, r.checkpoint.state.updated) as Doc;
    }
  }
  return { run, docs, reduced, checkpoints };
}

test('previous-connector state: entity streams resume after updated_time, analytics from DATE/date less the lookback, others fresh; old keys removed', async () => {
  const fresh = await capture({});
  const times = fresh.docs.campaigns.map((d) => Number(d.updated_time)).sort((a, b) => a - b);
  const cursor = times[Math.floor(times.length / 2)];
  const previous = {
    campaigns: { updated_time: cursor },
    ad_groups: { updated_time: 1685577600.0 }, // not bound in this capture: removed all the same
    ad_analytics: { DATE: plusDays(TODAY, -10) },
    user_account_analytics: { date: plusDays(TODAY, -5) },
  };
  const resumed = await capture(structuredClone(previous));

  const info = resumed.run.logs.filter((l) => /previous connector's state/.test(String(l.msg)));
  assert.equal(info.length, 1, 'one info line');
  assert.match(String(info[0].msg), /campaigns \(after updated_time/);
  assert.match(String(info[0].msg), /ad_analytics \(from 2025-06-20\)/);

  // Campaigns: exactly those updated at or after the old cursor; with what the old connector had
  // (the ones before it), the collection equals a fresh capture's.
  const want = fresh.docs.campaigns.filter((d) => Number(d.updated_time) >= cursor).map((d) => d.id).sort();
  assert.deepEqual(resumed.docs.campaigns.map((d) => d.id).sort(), want);
  assert.ok(want.length < fresh.docs.campaigns.length);

  // Analytics: from the old cursor less the 2-day lookback, through today.
  const days = (docs: Doc[], f: string) => [...new Set(docs.map((d) => String(d[f])))].sort();
  // The lookback re-reads the cursor's last 2 days: from the day before the old cursor.
  assert.deepEqual(days(resumed.docs.ad_analytics, 'DATE')[0], plusDays(TODAY, -11));
  assert.deepEqual(days(resumed.docs.ad_analytics, 'DATE').at(-1), TODAY);
  assert.deepEqual(days(resumed.docs.user_account_analytics, 'date'), days(fresh.docs.user_account_analytics, 'date').filter((d) => d >= plusDays(TODAY, -6)));
  const freshRows = new Map(fresh.docs.ad_analytics.map((d) => [`${String(d.AD_ID)}|${String(d.DATE)}`, d]));
  for (const d of resumed.docs.ad_analytics) assert.deepEqual(d, freshRows.get(`${String(d.AD_ID)}|${String(d.DATE)}`));

  // Streams without a usable old cursor start fresh.
  assert.equal(resumed.docs.boards.length, fresh.docs.boards.length);

  // The first checkpoint deletes every old top-level key; none is left in the reduced state.
  const first = resumed.checkpoints[0];
  for (const k of Object.keys(previous)) assert.equal(first[k], null, `first checkpoint removes ${k}`);
  assert.deepEqual(Object.keys(resumed.reduced), ['bindingStateV1']);
  const bs = resumed.reduced.bindingStateV1 as Record<string, Doc>;
  assert.deepEqual(bs.campaigns.inherited, { updatedTime: cursor, idsAtUpdatedTime: [] });
  assert.deepEqual(bs.ad_analytics.inherited, { lastDay: plusDays(TODAY, -10) });
});
