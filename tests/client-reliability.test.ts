import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { createClient, PinterestApiError } from '../src/pinterest/client.js';
import { parseConfig } from '../src/pinterest/config-parse.js';
import { StopSession, UserError } from '../src/errors.js';
import { quietLog, sandboxConfig } from './entities-helpers.js';

const OAUTH = { auth_method: 'oauth2.0', client_id: 'sandbox-client', client_secret: 'sandbox-secret', refresh_token: 'pinr_sandbox' };

let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 3 });
});
after(() => sb.close());

const client = (advanced: Record<string, unknown> = {}, credentials?: Record<string, unknown>, onRefreshToken?: (t: string) => void) =>
  createClient(parseConfig(sandboxConfig(sb, advanced, credentials)), { log: quietLog, onRefreshToken });

const boards = { path: '/boards', category: 'org_read' as const, stream: 'boards' };

test('OAuth: refresh with Basic client auth, rotated refresh tokens used from then on, re-auth once on 401', async () => {
  sb.control({ action: 'tokens', addRefreshToken: 'pinr_rotation_test' });
  const rotated: string[] = [];
  const c = client({}, { ...OAUTH, refresh_token: 'pinr_rotation_test' }, (t) => rotated.push(t));
  sb.resetStats();
  const first = await c.request<{ items: unknown[] }>(boards);
  assert.ok(first.items.length > 0);
  assert.equal(rotated.length, 1, 'the rotated refresh token is surfaced');
  assert.notEqual(rotated[0], 'pinr_rotation_test');
  // Every access token expires: the client refreshes once on the 401 — with the rotated token,
  // since the original one was invalidated by its first use.
  sb.control({ action: 'tokens', expireAccessTokens: true });
  await c.request(boards);
  assert.equal(rotated.length, 2);
  const log = sb.requests();
  assert.equal(log.filter((r) => r.operationId === 'oauth/token').length, 2);
  assert.deepEqual(log.map((r) => r.status), [200, 200, 401, 200, 200]);
  assert.equal(c.stats().tokenRefreshes, 2);
});

test('OAuth: access tokens are refreshed before they expire', async () => {
  sb.control({ action: 'tokens', addRefreshToken: 'pinr_ttl_test', accessTokenTtlSeconds: 1 });
  try {
    const c = client({}, { ...OAUTH, refresh_token: 'pinr_ttl_test' });
    sb.resetStats();
    await c.request(boards);
    await new Promise((r) => setTimeout(r, 1100));
    await c.request(boards);
    const statuses = sb.requests().map((r) => `${r.operationId}:${r.status}`);
    assert.deepEqual(statuses, ['oauth/token:200', 'boards/list:200', 'oauth/token:200', 'boards/list:200'], 'no 401 seen');
  } finally {
    sb.control({ action: 'tokens', accessTokenTtlSeconds: 30 * 86_400 });
  }
});

test('OAuth: a revoked refresh token or a wrong client secret is a UserError naming the credential, without secrets', async () => {
  const revoked = client({}, { ...OAUTH, refresh_token: 'pinr_never_issued' });
  await assert.rejects(revoked.request(boards), (err: Error) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, /credentials\.refresh_token/);
    assert.doesNotMatch(err.message, /pinr_never_issued|sandbox-secret/);
    return true;
  });
  const badClient = client({}, { ...OAUTH, client_secret: 'wrong-secret' });
  await assert.rejects(badClient.request(boards), (err: Error) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, /client_secret/);
    assert.doesNotMatch(err.message, /wrong-secret|pinr_sandbox/);
    return true;
  });
  const badToken = client({}, { auth_method: 'access_token', access_token: 'pina_wrong' });
  await assert.rejects(badToken.request(boards), (err: Error) => err instanceof UserError && /credentials\.access_token/.test(err.message) && !/pina_wrong/.test(err.message));
});

test('429 code 8 waits for X-RateLimit-Reset and retries the same request; too long a wait stops the session', async () => {
  sb.setFaults([{ kind: '429', probability: 1, max: 2, retryAfterSeconds: 1 }]);
  try {
    const c = client();
    sb.resetStats();
    const t0 = Date.now();
    const res = await c.request<{ items: unknown[] }>(boards);
    assert.ok(res.items.length > 0);
    assert.ok(Date.now() - t0 >= 1900, 'waited the announced reset twice');
    assert.equal(c.stats().rateLimitWaits, 2);
    assert.deepEqual(sb.requests().map((r) => r.status), [429, 429, 200]);

    sb.setFaults([{ kind: '2726', probability: 1, max: 1, retryAfterSeconds: 1 }]);
    await c.request(boards);
    assert.equal(c.stats().rateLimitWaits, 3, '"Retry after N seconds" is honoured too');

    sb.setFaults([{ kind: '429', probability: 1, retryAfterSeconds: 3600 }]);
    const impatient = client({ max_rate_limit_wait_seconds: 5 });
    await assert.rejects(impatient.request(boards), (err: Error) => err instanceof StopSession && /org_read/.test(err.message) && /max_rate_limit_wait_seconds/.test(err.message));
  } finally {
    sb.setFaults([]);
  }
});

test('5xx, connection resets and truncated bodies are retried until the request succeeds', async () => {
  for (const kind of ['500', '503', 'reset', 'truncate'] as const) {
    sb.setFaults([{ kind, probability: 1, max: 3 }]);
    try {
      const c = client();
      sb.resetStats();
      const pages = [];
      for await (const p of c.paginate<{ id: string }>(boards)) pages.push(...p.items.map((b) => b.id));
      assert.deepEqual(pages.sort(), sb.data.boards().map((b) => String(b.id)).sort(), kind);
      assert.equal(c.stats().retries, 3, `${kind}: three retries`);
    } finally {
      sb.setFaults([]);
    }
  }
  // Bounded: a fault that never clears ends in an error, not an endless loop.
  sb.setFaults([{ kind: '503', probability: 1 }]);
  try {
    await assert.rejects(client({ max_retries: 2 }).request(boards), /failed after 3 attempts/);
  } finally {
    sb.setFaults([]);
  }
});

test('other 4xx fail with the stream, the request path and Pinterest code/message', async () => {
  const c = client();
  await assert.rejects(c.request({ path: '/ad_accounts/123456/campaigns', category: 'ads_read', stream: 'campaigns', query: { page_size: 999 } }), (err: Error) => {
    assert.ok(err instanceof PinterestApiError);
    assert.equal(err.status, 400);
    assert.match(err.message, /GET \/ad_accounts\/123456\/campaigns \(stream campaigns\)/);
    assert.match(err.message, /HTTP 400, code \d+: /);
    assert.doesNotMatch(err.message, /pina_sandbox/);
    return true;
  });
});

test('pagination: page_size from the config, resumable from a bookmark, array params as repeated keys', async () => {
  const c = client({ page_size: 5 });
  const [acct] = sb.data.adAccountIds();
  const req = { path: `/ad_accounts/${acct}/ads`, category: 'ads_read' as const, stream: 'ads', query: { entity_statuses: ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT'] } };
  sb.resetStats();
  const pages: Array<{ ids: string[]; bookmark: string | null }> = [];
  for await (const p of c.paginate<{ id: string }>(req)) pages.push({ ids: p.items.map((x) => x.id), bookmark: p.bookmark });
  assert.ok(pages.length >= 3);
  assert.ok(pages.every((p) => p.ids.length <= 5));
  assert.deepEqual(pages.flatMap((p) => p.ids).sort(), sb.data.ads(acct).map((a) => String(a.id)).sort());
  const q = new URLSearchParams(sb.requests()[0].query);
  assert.equal(q.getAll('entity_statuses').length, 5);
  // Resuming from the second page's bookmark yields exactly the rest.
  const rest: string[] = [];
  for await (const p of c.paginate<{ id: string }>(req, pages[1].bookmark)) rest.push(...p.items.map((x) => x.id));
  assert.deepEqual(rest, pages.slice(2).flatMap((p) => p.ids));
  const stats = c.stats();
  assert.equal(stats.byStream.ads, pages.length + pages.length - 2);
  assert.equal(stats.byOperation['GET /ad_accounts/{id}/ads'], stats.byStream.ads);
});

test('category budgets space requests evenly (never a burst over the budget)', async () => {
  const c = client({ rate_limits: { catalogs_read: 600 } }); // one request per 100 ms
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 6 }, () => c.request({ path: '/catalogs', category: 'catalogs_read', stream: 'catalogs' })));
  assert.ok(Date.now() - t0 >= 480, `6 requests at 600/min took ${Date.now() - t0} ms`);
});

test('download streams a pre-signed URL without the Authorization header', async () => {
  const c = client();
  const [acct] = sb.data.adAccountIds();
  const day = sb.today();
  const created = await c.request<{ token: string }>({
    method: 'POST',
    path: `/ad_accounts/${acct}/reports`,
    category: 'ads_analytics',
    body: { start_date: day, end_date: day, granularity: 'DAY', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'] },
  });
  let url: string | null = null;
  for (let i = 0; i < 20 && !url; i++) {
    const r = await c.request<{ report_status: string; url: string | null }>({ path: `/ad_accounts/${acct}/reports`, query: { token: created.token }, category: 'ads_analytics' });
    if (r.report_status === 'FINISHED') url = r.url;
  }
  assert.ok(url);
  const stream = await c.download(url);
  let text = '';
  for await (const chunk of stream) text += chunk;
  assert.ok(text.length > 0);
  JSON.parse(text);
});
