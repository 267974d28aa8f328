import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startSandbox } from '../src/sandbox/index.js';
import { SYNC_ANALYTICS_COLUMNS } from '../src/pinterest/columns.js';

// Large analytics responses and report files are written with backpressure. Waiting for 'drain'
// must not leave a listener behind per wait: after ten waits on one response Node prints a
// MaxListenersExceededWarning, and a client that goes away mid-body must not leave a writer hanging.

const TODAY = '2025-06-30';
const AUTH = { authorization: 'Bearer pina_sandbox' };

/** Reads a response slowly (so that the server waits for 'drain' many times); resolves with its size. */
function slowGet(url: string, stopAfter = Infinity): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: AUTH }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => {
        n += c.length;
        if (n >= stopAfter) {
          req.destroy();
          resolve(n);
          return;
        }
        res.pause();
        setTimeout(() => res.resume(), 1);
      });
      res.on('end', () => resolve(n));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('a large streamed analytics response leaves no listeners behind (no MaxListenersExceededWarning)', async () => {
  const sb = await startSandbox({ today: TODAY, seed: 3, shape: { adAccounts: 1, campaignsPerAccount: 5, adGroupsPerCampaign: 5, adsPerAdGroup: 10 } });
  const warnings: string[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'MaxListenersExceededWarning') warnings.push(w.message);
  };
  process.on('warning', onWarning);
  try {
    const acct = sb.data.adAccountIds()[0];
    const ads = sb.data.ads(acct).map((a) => `ad_ids=${String(a.id)}`);
    const url = `${sb.baseUrl}/ad_accounts/${acct}/ads/analytics?granularity=DAY&columns=${SYNC_ANALYTICS_COLUMNS.join(',')}&start_date=2025-04-15&end_date=${TODAY}&${ads.join('&')}`;
    const bytes = await slowGet(url);
    assert.ok(bytes > 8 << 20, `a body large enough for many backpressure waits (${bytes} bytes)`);
    // A client that hangs up mid-body: the next request is still served.
    await slowGet(url, 1 << 20);
    const again = await fetch(`${sb.baseUrl}/ad_accounts/${acct}/ads`, { headers: AUTH });
    assert.equal(again.status, 200);
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
    await sb.close();
  }
});
