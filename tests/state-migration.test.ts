import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { migrateBindingState } from '../src/connector/state-migrations.js';
import { runSession } from '../src/connector/session-loop.js';
import { openPinterestSession } from '../src/pinterest/session.js';
import { parseConfig } from '../src/pinterest/config-parse.js';
import { quietLog, runPass, sandboxConfig } from './entities-helpers.js';

// Literal states the connector wrote before its state was typed (tests/fixtures/v1-binding-states.json,
// captured from commit d37c5eb against this sandbox) open in the current connector: nothing
// completed is repeated, and the collections come out as a fresh capture's.

type Doc = Record<string, unknown>;
interface Captured {
  midPass: Doc;
  midPassCommittedDocs: number;
  completed: Doc;
  fullPassDocs: number;
  midUnit?: Doc;
  midUnitCommittedDocs?: number;
}
const V1 = JSON.parse(readFileSync(new URL('./fixtures/v1-binding-states.json', import.meta.url), 'utf8')) as Record<string, Captured>;
const TODAY = '2025-06-30';
const [A0, A1] = ['549755800000', '549755800001'];

let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ today: TODAY });
});
after(() => sb.close());

const cfg = (extra: Doc = {}) => ({ ...sandboxConfig(sb, { page_size: 4, parallel_requests: 2, today: TODAY }), start_date: '2025-04-02', ...extra }); // within the sync API's 89 days

/** A collection: documents reduced by key, last write wins (what Flow's default reduction does). */
function collection(docs: Doc[], key: string[]): Map<string, Doc> {
  const m = new Map<string, Doc>();
  for (const d of docs) m.set(JSON.stringify(key.map((k) => d[k])), d);
  return m;
}

test('each literal v1 shape reads into the named, versioned state', () => {
  assert.deepEqual(migrateBindingState(V1.campaigns.midUnit).state, {
    version: 2,
    subtasks: {},
    pass: { unit: [A0], nextPage: 'NDoxamlvbWFy', running: { updatedTime: 1721040981, ids: ['626000000000003'] } },
  });
  assert.deepEqual(migrateBindingState(V1.campaigns.completed).state, {
    version: 2,
    subtasks: {
      [`ad_account:${A0}`]: { updatedTime: 1721040981, idsAtUpdatedTime: ['626000000000003'] },
      [`ad_account:${A1}`]: { updatedTime: 1717504083, idsAtUpdatedTime: ['626001000000000'] },
    },
    lastPassCompletedAt: '2025-06-30T06:00:00.000Z',
  });
  assert.deepEqual(migrateBindingState(V1.keywords.midPass).state, { version: 2, subtasks: {}, pass: { unit: [A0, '2', '2680000000000000'], unitDone: true } });
  assert.deepEqual(migrateBindingState(V1.ad_analytics.midPass).state, { version: 2, subtasks: { [`ad_account:${A0}`]: { lastDay: TODAY } } });
  assert.deepEqual(migrateBindingState(V1.user_account_analytics.completed).state, {
    version: 2,
    subtasks: { user: { lastDay: TODAY } },
    lastPassCompletedAt: '2025-06-30T06:00:00.000Z',
  });
  assert.equal(migrateBindingState({}).from, 'empty');
  const v2 = migrateBindingState(V1.campaigns.completed).state;
  assert.deepEqual(migrateBindingState(structuredClone(v2)).state, v2, 'the current version reads back unchanged');
});

// Entity streams: a pass cut short by the old connector resumes where it stopped.
for (const [stream, which] of [['board_pins', 'midPass'], ['keywords', 'midPass'], ['campaigns', 'midPass'], ['campaigns', 'midUnit']] as const) {
  test(`${stream} (${which}): an old mid-pass state resumes; the collection equals a fresh capture's`, async () => {
    const fresh = await runPass(cfg(), stream);
    assert.equal(fresh.docs.length, V1[stream].fullPassDocs, 'the sandbox still serves what the old connector read');
    const committed = which === 'midUnit' ? V1[stream].midUnitCommittedDocs! : V1[stream].midPassCommittedDocs;
    const old = V1[stream][which]!;
    const resumed = await runPass(cfg(), stream, { state: structuredClone(old) });
    // What the old connector had committed were the first documents of the same walk.
    const merged = collection([...fresh.docs.slice(0, committed), ...resumed.docs], ['id']);
    assert.deepEqual(merged, collection(fresh.docs, ['id']));
    const reEmitted = committed + resumed.docs.length - fresh.docs.length;
    assert.ok(reEmitted <= 0.1 * fresh.docs.length, `${reEmitted} of ${fresh.docs.length} documents re-emitted`);
    assert.equal(resumed.state.version, 2);
    for (const k of ['pos', 'cursors', 'passCompletedAt']) assert.ok(!(k in resumed.state), `old field ${k} removed`);
    assert.equal(resumed.state.pass, undefined, 'the finished pass clears its position');
  });
}

test('campaigns (completed): an old completed state emits nothing unchanged', async () => {
  const resumed = await runPass(cfg(), 'campaigns', { state: structuredClone(V1.campaigns.completed) });
  assert.equal(resumed.docs.length, 0);
  assert.deepEqual(Object.keys(resumed.state.subtasks as Doc).sort(), [`ad_account:${A0}`, `ad_account:${A1}`]);
});

// Analytics and reports: accounts an old pass finished re-read only their lookback.
for (const stream of ['ad_analytics', 'campaign_analytics_report', 'user_account_analytics'] as const) {
  test(`${stream}: old mid-pass and completed states resume from their cursors`, async () => {
    const config = cfg({ lookback_window_days: 3 });
    const fresh = await runPass(config, stream);
    const key = stream === 'user_account_analytics' ? ['date'] : stream === 'ad_analytics' ? ['AD_ID', 'DATE'] : ['CAMPAIGN_ID', 'DATE'];
    for (const which of ['midPass', 'completed'] as const) {
      const resumed = await runPass(config, stream, { state: structuredClone(V1[stream][which]) });
      const committed = which === 'midPass' ? V1[stream].midPassCommittedDocs : V1[stream].fullPassDocs;
      const merged = collection([...fresh.docs.slice(0, committed), ...resumed.docs], key);
      assert.deepEqual(merged, collection(fresh.docs, key), `${which}: collection equals a fresh capture's`);
      const finished = which === 'completed' ? fresh.docs.length : stream === 'user_account_analytics' ? fresh.docs.length : committed;
      const reEmitted = committed + resumed.docs.length - fresh.docs.length;
      assert.ok(reEmitted <= 0.1 * finished, `${which}: ${reEmitted} re-emitted of ${finished} already complete`);
      assert.ok(!('accounts' in resumed.state) && !('cursor' in resumed.state), 'old fields removed');
    }
  });
}

test('a session opened with old completed states waits out their interval instead of repeating the pass', async () => {
  const config = parseConfig(cfg());
  const streams = ['campaigns', 'board_pins', 'ad_analytics', 'user_account_analytics'];
  const bindings = streams.map((stream, index) => ({ index, resource: { stream, syncMode: 'incremental' as const, interval: 'PT24H' }, stateKey: stream }));
  const recent = new Date(Date.now() - 3_600_000).toISOString();
  const state = { bindingStateV1: Object.fromEntries(streams.map((s) => [s, { ...V1[s].completed, passCompletedAt: recent }])) };
  const session = await openPinterestSession(config, bindings, { begin: 0, end: 0xffffffff }, { log: quietLog });
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 1500);
  let docs = 0;
  const res = await runSession({ session, bindings, range: { begin: 0, end: 0xffffffff }, state, log: quietLog, stop: stop.signal, output: { captured: () => void docs++, checkpoint() {} } });
  assert.equal(res.reason, 'stopped');
  assert.equal(docs, 0, 'no completed pass is repeated before its interval is up');
});
