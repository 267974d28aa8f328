// Rate limits and injected faults of the sandbox, over real HTTP; plus the CLI and the large scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { request } from 'node:http';
import { startSandbox, parseFaultSpec } from '../src/sandbox/index.js';

const AUTH = { authorization: 'Bearer pina_sandbox' };

/** An API error body. */
interface ApiError {
  code: number;
  message: string;
}

/** A list page, as far as this test reads it. */
interface Page {
  items: Array<{ id: string }>;
  bookmark: string | null;
}

test('per-category rate limits: 429 code 8 with X-RateLimit headers, other categories unaffected, window resets', async () => {
  const s = await startSandbox({ rateLimits: { budgets: { ads_read: { limit: 3, windowMs: 1000 } }, overall: null } });
  try {
    const a = s.data.adAccountIds()[0];
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await fetch(`${s.baseUrl}/ad_accounts/${a}/campaigns`, { headers: AUTH });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const body = (await last!.json()) as ApiError;
    assert.equal(body.code, 8);
    assert.match(body.message, /exceeded a rate limit/);
    assert.equal(last!.headers.get('x-ratelimit-limit'), '3');
    assert.equal(last!.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(Number(last!.headers.get('x-ratelimit-reset')) >= 1);
    assert.equal((await fetch(`${s.baseUrl}/boards`, { headers: AUTH })).status, 200, 'org_read has its own budget');
    await new Promise((r) => setTimeout(r, 1050));
    assert.equal((await fetch(`${s.baseUrl}/ad_accounts/${a}/campaigns`, { headers: AUTH })).status, 200);
    assert.equal(s.stats().rateLimited, 1);
    s.setRateLimits({ enabled: false });
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${s.baseUrl}/ad_accounts/${a}/campaigns`, { headers: AUTH })).status, 200);
  } finally {
    await s.close();
  }
});

test('fault spec parsing', () => {
  assert.deepEqual(parseFaultSpec('500:0.05,slow:0.1:800@ads/analytics+campaigns/list,2726:1:5'), [
    { kind: '500', probability: 0.05 },
    { kind: 'slow', probability: 0.1, delayMs: 800, operations: ['ads/analytics', 'campaigns/list'] },
    { kind: '2726', probability: 1, retryAfterSeconds: 5 },
  ]);
  assert.throws(() => parseFaultSpec('boom:1'), /unknown fault kind/);
  assert.throws(() => parseFaultSpec('500:2'), /probability/);
});

test('faults: 500, 503, 429, 2726, expire, each once, filtered by operation and counted', async () => {
  const s = await startSandbox();
  try {
    const url = `${s.baseUrl}/boards`;
    for (const [kind, status, code] of [['500', 500, 500], ['503', 503, 503], ['429', 429, 8], ['2726', 429, 2726]] as const) {
      s.setFaults([{ kind, max: 1, operations: ['boards/list'], retryAfterSeconds: 3 }]);
      assert.equal((await fetch(`${s.baseUrl}/user_account`, { headers: AUTH })).status, 200, 'other operations unaffected');
      const r = await fetch(url, { headers: AUTH });
      assert.equal(r.status, status, kind);
      const body = (await r.json()) as ApiError;
      assert.equal(body.code, code);
      if (kind === '2726') assert.match(body.message, /Retry after 3 seconds/);
      if (kind === '429') assert.equal(r.headers.get('x-ratelimit-reset'), '3');
      assert.equal((await fetch(url, { headers: AUTH })).status, 200, 'max: 1');
    }
    // Token expiry: an issued token stops working mid-run; refreshing gives a working one.
    const tok = async (rt: string) =>
      (await (
        await fetch(`${s.baseUrl}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=refresh_token&refresh_token=${rt}` })
      ).json()) as { access_token: string; refresh_token: string };
    const t1 = await tok('pinr_sandbox');
    s.setFaults([{ kind: 'expire', after: 1, max: 1 }]);
    const h1 = { authorization: `Bearer ${t1.access_token}` };
    assert.equal((await fetch(url, { headers: h1 })).status, 200);
    assert.equal((await fetch(url, { headers: h1 })).status, 401);
    assert.equal((await fetch(url, { headers: h1 })).status, 401, 'stays expired');
    const t2 = await tok(t1.refresh_token);
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${t2.access_token}` } })).status, 200);
    const f = s.stats().faults;
    assert.deepEqual(f, { '500': 1, '503': 1, '429': 1, '2726': 1, expire: 1 });
  } finally {
    await s.close();
  }
});

function rawGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: AUTH, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
    });
    req.on('error', reject);
    req.end();
  });
}

test('faults: truncated bodies, connection resets and slow responses', async () => {
  const s = await startSandbox();
  try {
    const url = `${s.baseUrl}/boards`;
    s.setFaults('truncate:1');
    await assert.rejects(rawGet(url));
    await assert.rejects(fetch(url, { headers: AUTH }).then((r) => r.json()));
    s.setFaults('reset:1');
    await assert.rejects(rawGet(url));
    s.setFaults('slow:1:300');
    const t0 = Date.now();
    const r = await rawGet(url);
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 >= 290);
    s.setFaults([]);
    assert.equal((await rawGet(url)).status, 200);
    assert.equal(s.stats().faults.truncate, 2);
    assert.equal(s.stats().faults.reset, 1);
  } finally {
    await s.close();
  }
});

test('faults are deterministic by seed', async () => {
  const pattern = async (seed: number) => {
    const s = await startSandbox({ seed, faults: '503:0.3' });
    try {
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await fetch(`${s.baseUrl}/boards`, { headers: AUTH })).status);
      return out;
    } finally {
      await s.close();
    }
  };
  const a = await pattern(11);
  assert.deepEqual(await pattern(11), a);
  assert.ok(a.includes(503) && a.includes(200));
  assert.notDeepEqual(await pattern(12), a);
});

test('CLI: `sandbox --scale large` prints its base URL first and serves 250-item pages lazily', async () => {
  const child = spawn(process.execPath, ['dist/main.js', 'sandbox', '--scale', 'large', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (c) => reject(new Error(`exited ${c}`)));
    });
    const { baseUrl } = JSON.parse(line) as { baseUrl: string };
    assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v5$/);
    const accounts = (await (await fetch(`${baseUrl}/ad_accounts?page_size=250`, { headers: AUTH })).json()) as Page;
    assert.equal(accounts.items.length, 200);
    const board = ((await (await fetch(`${baseUrl}/boards?page_size=1`, { headers: AUTH })).json()) as Page).items[0].id;
    let bookmark: string | null = null;
    for (let i = 0; i < 3; i++) {
      const r = (await (await fetch(`${baseUrl}/boards/${board}/pins?page_size=250${bookmark ? `&bookmark=${bookmark}` : ''}`, { headers: AUTH })).json()) as Page;
      assert.equal(r.items.length, 250 - (i === 2 ? 150 : 0));
      bookmark = r.bookmark;
    }
  } finally {
    child.kill('SIGTERM');
  }
});
