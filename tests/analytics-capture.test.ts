import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { streamDefs } from '../src/pinterest/streams/table.js';
import { streamSchema } from '../src/pinterest/streams/schemas.js';
import type { CustomReport } from '../src/pinterest/config.js';

// End to end through the real CLI (`capture --once`, a child process): analytics and report
// documents land in <output>/<stream>.jsonl, match their stream's schema and carry their keys.

const run = promisify(execFile);
const TODAY = '2025-06-30';
let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ today: TODAY, seed: 21, reportPolls: 1, shape: { campaignsPerAccount: 3, adGroupsPerCampaign: 2, adsPerAdGroup: 2, boards: 2, pinsPerBoard: 5 } });
});
after(() => sb.close());

const custom: CustomReport = { name: 'targeting_spend', level: 'CAMPAIGN_TARGETING', granularity: 'DAY', columns: ['SPEND_IN_DOLLAR', 'TOTAL_IMPRESSION'], targeting_types: ['GENDER', 'AGE_BUCKET'] };
const STREAMS = ['user_account_analytics', 'pin_analytics', 'ad_account_analytics', 'campaign_analytics', 'ad_group_analytics', 'ad_analytics', 'campaign_analytics_report', 'pin_promotion_targeting_report', 'keyword_report', 'custom_targeting_spend'];

test('capture --once writes schema-valid analytics and report documents with their keys, and a resumable state', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'analytics-capture-'));
  const config = {
    start_date: '2025-06-10',
    credentials: { auth_method: 'access_token', access_token: 'pina_sandbox' },
    custom_reports: [custom],
    lookback_window_days: 7,
    advanced: { api_base_url: sb.baseUrl, today: TODAY, report_poll_initial_ms: 5, report_poll_max_ms: 20, rate_limits: { ads_analytics: 60_000, ads_read: 60_000 } },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const out = join(dir, 'out');
  await run(process.execPath, ['dist/main.js', 'capture', '--config', join(dir, 'config.json'), '--state', join(dir, 'state.json'), '--streams', STREAMS.join(','), '--once', '--output', out], { maxBuffer: 64 << 20 });

  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats.default(ajv);
  const defs = new Map(streamDefs({ custom_reports: [custom] }).map((d) => [d.name, d]));
  const files = new Set(readdirSync(out));
  for (const stream of STREAMS) {
    assert.ok(files.has(`${stream}.jsonl`), `${stream} captured documents`);
    const def = defs.get(stream)!;
    const validate = ajv.compile(streamSchema(def));
    const docs = readFileSync(join(out, `${stream}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const keys = new Set<string>();
    for (const d of docs) {
      assert.ok(validate(d), `${stream}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(d).slice(0, 300)}`);
      const k = def.key.map((p) => d[p.slice(1)]);
      assert.ok(k.every((v) => v !== undefined && v !== null), `${stream}: key ${def.key.join(',')} present`);
      keys.add(JSON.stringify(k));
    }
    assert.equal(keys.size, docs.length, `${stream}: one document per key`);
    const dates = docs.map((d) => String(d.DATE ?? d.date));
    assert.ok(dates.every((x) => x >= '2025-06-10' && x <= TODAY), `${stream}: dates within start_date..today`);
  }
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { bindingStateV1: Record<string, Record<string, unknown>> };
  const acct = sb.data.adAccountIds()[0];
  assert.deepEqual((state.bindingStateV1.ad_analytics.subtasks as Record<string, unknown>)[`ad_account:${acct}`], { lastDay: TODAY });
  assert.deepEqual((state.bindingStateV1.custom_targeting_spend.subtasks as Record<string, unknown>)[`ad_account:${acct}`], { lastDay: TODAY });
  assert.deepEqual(state.bindingStateV1.user_account_analytics, { version: 2, subtasks: { user: { lastDay: TODAY } } });
});
