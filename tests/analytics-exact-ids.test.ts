import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { parseExactIds, quoteBigIdNumbers } from '../src/pinterest/exact-ids.js';

// Pin ids have 18 digits (above 2^53) and Pinterest sometimes sends id columns as JSON numbers:
// a plain JSON.parse rounds them to a neighbouring id. Captured ids must be the exact strings.

const run = promisify(execFile);
const TODAY = '2025-06-30';
let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ today: TODAY, seed: 7, reportPolls: 1, shape: { adAccounts: 1, campaignsPerAccount: 2, adGroupsPerCampaign: 2, adsPerAdGroup: 4, boards: 2, pinsPerBoard: 5 } });
});
after(() => sb.close());

test('the sandbox sends some 18-digit PIN_IDs as JSON numbers (what the capture must survive)', async () => {
  const acct = sb.data.adAccountIds()[0];
  const ads = sb.data.ads(acct).map((a) => String(a.id));
  const res = await fetch(`${sb.baseUrl}/ad_accounts/${acct}/ads/analytics?granularity=DAY&columns=PIN_ID,AD_ID,SPEND_IN_DOLLAR&start_date=2025-06-20&end_date=2025-06-21&${ads.map((a) => `ad_ids=${a}`).join('&')}`, {
    headers: { authorization: 'Bearer pina_sandbox' },
  });
  const text = await res.text();
  const numeric = [...text.matchAll(/"PIN_ID":(\d+)/g)].map((m) => m[1]);
  assert.ok(numeric.length > 0, 'some PIN_IDs are numbers on the wire');
  for (const id of numeric) assert.equal(id.length, 18);
  assert.ok(numeric.some((id) => String(Number(id)) !== id), 'some of them do not survive a plain JSON.parse');
});

test('capture --once: PIN_ID / AD_ID of sync analytics, pin analytics and report rows equal the sandbox ids exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exact-ids-'));
  const config = {
    start_date: '2025-06-01',
    credentials: { auth_method: 'access_token', access_token: 'pina_sandbox' },
    advanced: { api_base_url: sb.baseUrl, today: TODAY, report_poll_initial_ms: 5, report_poll_max_ms: 20 },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const out = join(dir, 'out');
  const streams = ['ad_analytics', 'pin_analytics', 'pin_promotion_report'];
  await run(process.execPath, ['dist/main.js', 'capture', '--config', join(dir, 'config.json'), '--state', join(dir, 'state.json'), '--streams', streams.join(','), '--once', '--output', out], { maxBuffer: 64 << 20 });
  const docs = (s: string) => readFileSync(join(out, `${s}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

  const acct = sb.data.adAccountIds()[0];
  const pinOfAd = new Map(sb.data.ads(acct).map((a) => [String(a.id), String(a.pin_id)]));
  const ad = docs('ad_analytics');
  assert.ok(ad.length > 0);
  const seen = new Set<string>();
  for (const d of ad) {
    assert.ok(pinOfAd.has(d.AD_ID as string), `AD_ID ${String(d.AD_ID)} is a sandbox ad id`);
    assert.equal(d.PIN_ID, pinOfAd.get(d.AD_ID as string), `ad ${String(d.AD_ID)}: PIN_ID is the ad's pin id, every digit`);
    seen.add(d.AD_ID as string);
  }
  assert.equal(seen.size, new Set(ad.map((d) => d.AD_ID)).size);

  const report = docs('pin_promotion_report');
  assert.ok(report.length > 0);
  for (const d of report) {
    assert.ok(pinOfAd.has(d.PIN_PROMOTION_ID as string), `PIN_PROMOTION_ID ${String(d.PIN_PROMOTION_ID)} is a sandbox ad id`);
    if (d.PIN_ID !== undefined) assert.equal(d.PIN_ID, pinOfAd.get(d.PIN_PROMOTION_ID as string));
  }

  const boardPins = new Set(sb.data.boards().flatMap((b) => sb.data.boardPins(String(b.id)).map((p) => String(p.id))));
  const pins = docs('pin_analytics');
  assert.deepEqual(new Set(pins.map((d) => d.PIN_ID)), boardPins, 'pin_analytics: every board pin, exact ids');
});

test('parseExactIds: 16+ digit integers of *_ID keys become exact strings; strings, other keys and short ids stay as they are', () => {
  const text = '[{"AD_ID":687000000000006,"PIN_ID" : 813744000001000011 ,"X":"\\"PIN_ID\\":813744000001000011","N":813744000001000011,"Q":{"PIN_ID":-1234567890123456789}},{"PIN_ID":1234567890123456789}]';
  assert.deepEqual(parseExactIds(text), [
    // eslint-disable-next-line no-loss-of-precision -- N is not an id: it must parse to the same rounded number JSON.parse gives
    { AD_ID: 687000000000006, PIN_ID: '813744000001000011', X: '"PIN_ID":813744000001000011', N: 813744000001000011, Q: { PIN_ID: '-1234567890123456789' } },
    { PIN_ID: '1234567890123456789' },
  ]);
  const plain = '[{"AD_ID":"813744000001000011","SPEND":1}]';
  assert.equal(quoteBigIdNumbers(plain), plain);
});
