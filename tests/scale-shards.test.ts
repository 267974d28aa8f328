import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { captureViaProcess } from '../src/bench/capture-process.js';
import { accountHash } from '../src/pinterest/parents.js';
import { parseConfig } from '../src/pinterest/config-parse.js';
import { streamDefs } from '../src/pinterest/streams/table.js';
import { plusDays } from '../src/pinterest/analytics/windows.js';
import { applyMergePatch } from '../src/connector/state.js';

// SPEC §2: Flow splits a capture into shards, each opened with a key `range`. Ad-account-scoped
// work goes to the shard whose range holds the account id's hash; user-level streams to the shard
// whose range contains 0. Two complementary shards must capture exactly what one full-range shard
// does, with no ad-account document captured twice.

type Doc = Record<string, unknown>;
const MID = 0x80000000;

let sb: Sandbox;
let config: Record<string, unknown>;
let streams: string[];
let adsScoped: Set<string>;

before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 11, reportPolls: 1 });
  const today = sb.today();
  config = {
    start_date: plusDays(today, -40),
    credentials: { auth_method: 'access_token', access_token: 'pina_sandbox' },
    advanced: {
      api_base_url: sb.baseUrl,
      today,
      retry_base_ms: 5,
      report_poll_initial_ms: 5,
      report_poll_max_ms: 20,
      max_requests_per_second: 5000,
      rate_limits: { ads_read: 300_000, ads_analytics: 300_000, org_read: 300_000, org_analytics: 300_000, catalogs_read: 300_000 },
    },
  };
  // Every stream but most async report and targeting analytics streams: they are the sandbox's
  // slowest paths, and two report streams (one targeting stream) exercise the same per-account code
  // as twelve (four).
  const reports = new Set(['campaign_analytics_report', 'advertiser_targeting_report']);
  const defs = streamDefs(parseConfig(config)).filter(
    (d) => (d.strategy !== 'async_report' || reports.has(d.name)) && !(d.strategy === 'sync_analytics' && d.targeting && d.name !== 'campaign_targeting_analytics'),
  );
  streams = defs.map((d) => d.name);
  adsScoped = new Set(defs.filter((d) => d.scope === 'ads').map((d) => d.name));
});
after(() => sb.close());

interface ShardRun {
  docs: Map<string, string[]>;
  /** Connector state after the session, checkpoints merged as Flow does. */
  state: unknown;
}

async function shard(keyBegin: number, keyEnd: number, only = streams, state: unknown = {}): Promise<ShardRun> {
  const docs = new Map<string, string[]>(only.map((s) => [s, []]));
  let reduced: unknown = structuredClone(state);
  await captureViaProcess({
    config,
    streams: only,
    state,
    range: { keyBegin, keyEnd },
    timeoutMs: 120_000,
    onLine(line) {
      if (line.startsWith('{"checkpoint"')) {
        const { checkpoint } = JSON.parse(line) as { checkpoint: { state: { updated: unknown; mergePatch: boolean } } };
        assert.equal(checkpoint.state.mergePatch, true);
        reduced = applyMergePatch(reduced, checkpoint.state.updated);
      }
      if (!line.startsWith('{"captured"')) return;
      const { captured } = JSON.parse(line) as { captured: { binding: number; doc: Doc } };
      docs.get(only[captured.binding])!.push(JSON.stringify(captured.doc));
    },
  });
  return { docs, state: reduced };
}

/** The state as a later session sees it once every binding's interval is up since its last pass. */
function intervalElapsed(state: unknown): unknown {
  const s = structuredClone(state) as { bindingStateV1?: Record<string, Record<string, unknown>> };
  for (const b of Object.values(s.bindingStateV1 ?? {})) delete b.lastPassCompletedAt;
  return s;
}

/** The ad account a document belongs to (every ads-scoped document names it one way or another). */
function accountOf(stream: string, doc: Doc): string | undefined {
  if (stream === 'ad_accounts') return String(doc.id);
  for (const k of ['ad_account_id', 'AD_ACCOUNT_ID', 'ADVERTISER_ID']) {
    const id = doc[k] as string | number | null | undefined; // ids are strings or numbers
    if (id != null) return String(id);
  }
  return undefined;
}

test('two shards split at 0x80000000 capture exactly what one full-range shard does, ad accounts on one side each', async () => {
  const accounts = sb.data.adAccountIds();
  assert.ok(accounts.some((a) => accountHash(a) < MID) && accounts.some((a) => accountHash(a) >= MID), 'the seeded accounts fall on both sides of the split');

  const [{ docs: full }, { docs: low }, { docs: high }] = await Promise.all([shard(0, 0xffffffff), shard(0, MID - 1), shard(MID, 0xffffffff)]);

  let total = 0;
  for (const stream of streams) {
    const f = full.get(stream)!;
    const a = low.get(stream)!;
    const b = high.get(stream)!;
    total += f.length;
    assert.deepEqual([...a, ...b].sort(), [...f].sort(), `${stream}: the two shards' union equals the full run`);
    if (!adsScoped.has(stream)) {
      assert.equal(b.length, 0, `${stream} is user-level: only the shard whose range holds 0 captures it`);
      continue;
    }
    const inA = new Set(a);
    assert.ok(!b.some((d) => inA.has(d)), `${stream}: no document captured by both shards`);
    for (const [docs, lo, hi] of [[a, 0, MID - 1], [b, MID, 0xffffffff]] as const) {
      for (const raw of docs) {
        const acct = accountOf(stream, JSON.parse(raw) as Doc);
        assert.ok(acct !== undefined, `${stream}: document names its ad account`);
        const h = accountHash(acct);
        assert.ok(h >= lo && h <= hi, `${stream}: account ${acct} (hash ${h}) belongs to shard ${lo}..${hi}`);
      }
    }
  }
  for (const s of ['campaigns', 'ads', 'ad_group_analytics', 'campaign_analytics_report', 'boards', 'board_pins']) {
    assert.ok(full.get(s)!.length > 0, `the full run captures ${s}`);
  }
  assert.ok(total > 1000, `a real capture (${total} documents)`);
});

test('re-splitting a shard keeps every per-account cursor: each half resumes from the parent state', async () => {
  // Flow hands both halves of a split the parent shard's state; cursors are kept per ad account,
  // so each half continues exactly where the parent left off for the accounts it now owns.
  const inc = ['campaigns', 'ad_groups', 'ads', 'ad_account_analytics', 'campaign_analytics'];
  const parent = await shard(0, 0xffffffff, inc);
  // The next sessions start once each binding's interval has passed (a restart sooner would wait it out).
  const due = intervalElapsed(parent.state);
  const again = await shard(0, 0xffffffff, inc, due);
  assert.equal(again.docs.get('campaigns')!.length, 0, 'nothing changed, nothing re-emitted');

  const changed: string[] = [];
  for (const acct of sb.data.adAccountIds()) {
    changed.push(...(sb.control({ action: 'mutate', entity: 'campaigns', adAccountId: acct, count: 2 }).ids as string[]));
  }
  const [low, high] = await Promise.all([shard(0, MID - 1, inc, due), shard(MID, 0xffffffff, inc, due)]);
  const ids = (r: ShardRun) => r.docs.get('campaigns')!.map((d) => String((JSON.parse(d) as Doc).id));
  assert.deepEqual([...ids(low), ...ids(high)].sort(), [...changed].sort(), 'exactly the changed campaigns, each once, across both halves');
  assert.ok(ids(low).length > 0 && ids(high).length > 0, 'both halves own changed campaigns');
  for (const s of ['ad_groups', 'ads']) assert.equal(low.docs.get(s)!.length + high.docs.get(s)!.length, 0, `${s}: cursors kept, nothing re-emitted`);
  // Analytics re-read only the lookback window of each owned account, never from start_date again.
  for (const s of ['ad_account_analytics', 'campaign_analytics']) {
    const split = low.docs.get(s)!.length + high.docs.get(s)!.length;
    assert.equal(split, again.docs.get(s)!.length, `${s}: the halves together re-read what the parent would have`);
  }
});
