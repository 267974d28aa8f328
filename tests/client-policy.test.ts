// The request policy table (src/pinterest/request-policy.ts): every row's action, against real HTTP.
// A scripted HTTP server on 127.0.0.1 answers what the sandbox has no fault for (408, 400 code 12,
// 404/409/414 refusals, a token endpoint that times out); the sandbox covers the rest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, PinterestApiError, Refused } from '../src/pinterest/client.js';
import { parseConfig } from '../src/pinterest/config-parse.js';
import { encryptConfig } from '../src/pinterest/config-update.js';
import { decide, POLICY, type Outcome, type RefusalKind } from '../src/pinterest/request-policy.js';
import { StopSession, UserError } from '../src/errors.js';
import { quietLog } from './entities-helpers.js';

interface Scripted {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering (a connection reset). */
  reset?: boolean;
}

interface Seen {
  method: string;
  path: string;
  authorization?: string;
  body: string;
}

/** A real HTTP server answering each path from a script, then 200. */
class ScriptedApi {
  private server!: Server;
  base = '';
  seen: Seen[] = [];
  private scripts = new Map<string, Scripted[]>();
  private tokens = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v5`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  script(path: string, answers: Scripted[]): void {
    this.scripts.set(path, [...answers]);
    this.seen = [];
  }

  count(path: string): number {
    return this.seen.filter((s) => s.path === path).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const c of req) body += c;
    const path = new URL(req.url!, 'http://x').pathname.replace(/^\/v5/, '');
    this.seen.push({ method: req.method!, path, authorization: req.headers.authorization, body });
    const next = this.scripts.get(path)?.shift();
    if (next?.reset) {
      req.socket.destroy();
      return;
    }
    if (next) {
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(typeof next.body === 'string' ? next.body : JSON.stringify(next.body ?? {}));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (path === '/oauth/token') {
      const n = ++this.tokens;
      res.end(JSON.stringify({ access_token: `pina_fresh_${n}`, refresh_token: `pinr_fresh_${n}`, expires_in: 3600, token_type: 'bearer' }));
    } else if (path.startsWith('/report-file')) res.end('{"rows":[]}');
    else res.end(JSON.stringify({ items: [{ id: '1' }], bookmark: null }));
  }
}

const api = new ScriptedApi();
before(() => api.start());
after(() => api.close());

const persisted = () => ({
  auth_method: 'oauth2.0',
  client_id: 'cid',
  client_secret: 'csecret',
  refresh_token: 'pinr_start',
  access_token: 'pina_persisted',
  access_token_expires_at: new Date(Date.now() + 3_600_000).toISOString(),
});

const client = (advanced: Record<string, unknown> = {}, credentials: Record<string, unknown> = persisted()) =>
  createClient(parseConfig({ start_date: '2024-01-01', credentials, advanced: { api_base_url: api.base, retry_base_ms: 5, max_retries: 3, ...advanced } }), { log: quietLog });

const req = (path: string, skippable?: RefusalKind[]) => ({ path, category: 'org_read' as const, stream: 'widgets', ...(skippable ? { skippable } : {}) });

test('decide(): every row of the policy table is reachable and does what its name says', () => {
  const o = (x: Partial<Outcome>): Outcome => ({ kind: 'api', ...x });
  const cases: Array<[Outcome, string]> = [
    [o({ network: 'transient' }), 'network: transient'],
    [o({ network: 'unresolvable' }), 'network: unresolvable host'],
    [o({ kind: 'publish', network: 'unresolvable' }), 'network: other'],
    [o({ network: 'other' }), 'network: other'],
    [o({ status: 200, badBody: true }), '2xx: truncated or garbled body'],
    [o({ kind: 'token', status: 401, code: 2 }), 'token: 401 client authentication'],
    [o({ kind: 'token', status: 400, message: 'Invalid client' }), 'token: refused client'],
    [o({ kind: 'token', status: 400, code: 1, message: 'Apps created before September 25, 2025 must set continuous_refresh=true' }), 'token: legacy refresh refused'],
    [o({ kind: 'token', status: 400, message: 'invalid_grant' }), 'token: refused grant (invalid_grant)'],
    [o({ kind: 'token', status: 400, code: 1104 }), 'token: refused grant (invalid_grant)'],
    [o({ kind: 'token', status: 408 }), '408 request timeout'],
    [o({ kind: 'token', status: 400, code: 12, message: 'Something went wrong on our end' }), '400 code 12 (something went wrong)'],
    [o({ kind: 'token', status: 400, code: 1, message: 'Retry after 2 seconds' }), '400 "retry after N seconds"'],
    [o({ kind: 'token', status: 403, code: 8 }), 'code 8 / 2726 rate limit'],
    [o({ kind: 'token', status: 502 }), '5xx'],
    [o({ status: 429, code: 8 }), '429 rate limit'],
    [o({ kind: 'download', status: 429 }), '429 rate limit'],
    [o({ status: 400, code: 8 }), 'code 8 / 2726 rate limit'],
    [o({ status: 403, code: 2726 }), 'code 8 / 2726 rate limit'],
    [o({ status: 403, code: 30 }), 'code 30 rate limit'],
    [o({ status: 404, code: 30, skippable: ['gone'] }), '404 gone (opted in)'],
    [o({ status: 400, code: 1, message: 'Retry after 3 seconds' }), '400 "retry after N seconds"'],
    [o({ status: 400, code: 12 }), '400 code 12 (something went wrong)'],
    [o({ status: 408 }), '408 request timeout'],
    [o({ kind: 'publish', status: 429 }), '429 (not Pinterest)'],
    [o({ status: 500 }), '5xx'],
    [o({ kind: 'download', status: 503 }), '5xx'],
    [o({ kind: 'publish', status: 504 }), '5xx'],
    [o({ status: 401, code: 7, skippable: ['not_authorized'] }), '401 code 7 not authorized (opted in)'],
    [o({ status: 401, code: 7 }), '401 code 7 not authorized'],
    [o({ status: 401, code: 3, skippable: ['not_authorized', 'endpoint_refused'] }), '401 code 3 missing scope'],
    [o({ status: 401, code: 2 }), '401 code 2 / no code: invalid token'],
    [o({ status: 401 }), '401 code 2 / no code: invalid token'],
    [o({ status: 401, code: 29 }), '401 other code'],
    [o({ status: 403, code: 29, skippable: ['role'] }), '403 code 29 role (opted in)'],
    [o({ status: 404, skippable: ['gone'] }), '404 gone (opted in)'],
    [o({ status: 409, skippable: ['no_catalog'] }), '409 no catalog (opted in)'],
    [o({ status: 414, skippable: ['url_too_long'] }), '414 URL too long (opted in)'],
    [o({ status: 400, message: 'Pagination beyond 100.000 pins are not allowed', resumedBookmark: true, skippable: ['pagination_cap', 'bookmark_refused'] }), '400 pagination cap (opted in)'],
    [o({ status: 400, message: 'Pagination beyond 100.000 pins are not allowed' }), '4xx'],
    [o({ status: 400, resumedBookmark: true, skippable: ['bookmark_refused', 'filter_refused'] }), '400 resumed bookmark (opted in)'],
    [o({ status: 400, skippable: ['bookmark_refused', 'filter_refused'] }), '400/403 beta filter (opted in)'],
    [o({ status: 403, skippable: ['filter_refused'] }), '400/403 beta filter (opted in)'],
    [o({ status: 405, skippable: ['endpoint_refused'] }), '4xx beta endpoint (opted in)'],
    [o({ status: 403, code: 29 }), '403 code 29 role'],
    [o({ status: 403, code: 29, skippable: ['gone'] }), '403 code 29 role'],
    [o({ status: 403 }), '403 forbidden'],
    [o({ status: 404 }), '404 not found'],
    [o({ status: 404, skippable: ['no_catalog'] }), '404 not found'],
    [o({ kind: 'download', status: 403 }), 'download refused'],
    [o({ kind: 'publish', status: 400 }), 'publish refused'],
    [o({ status: 409 }), '4xx'],
    [o({ status: 414 }), '4xx'],
    [o({ status: 302 }), 'anything else'],
  ];
  const hit = new Set<string>();
  for (const [outcome, name] of cases) {
    const rule = decide(outcome);
    assert.equal(rule.name, name, JSON.stringify(outcome));
    hit.add(rule.name);
    if (rule.action === 'skip') assert.ok(outcome.skippable?.includes(rule.refusal!), 'a skip only for a kind the request opted into');
  }
  assert.deepEqual(POLICY.map((r) => r.name).filter((n) => !hit.has(n)), [], 'every row is exercised');
  assert.equal(new Set(POLICY.map((r) => r.name)).size, POLICY.length, 'row names are unique');
});

test('retry rows: 500, 503, 408, 400 code 12, resets and truncated bodies are retried, counted and bounded', async () => {
  const transient: Scripted[] = [
    { status: 500 },
    { status: 503 },
    { status: 408, body: { code: 408, message: 'Request Timeout' } },
    { status: 400, body: { code: 12, message: 'Something went wrong on our end. Sorry about that.' } },
    { status: 0, reset: true },
    { status: 200, body: '{"items":[{"id":"1"' },
  ];
  for (const answer of transient) {
    api.script('/widgets', [answer]);
    const c = client();
    const res = await c.request<{ items: unknown[] }>(req('/widgets'));
    assert.equal(res.items.length, 1, JSON.stringify(answer));
    assert.equal(c.stats().retries, 1, JSON.stringify(answer));
    assert.equal(api.count('/widgets'), 2);
  }
  api.script('/widgets', Array<Scripted>(10).fill({ status: 503 }));
  await assert.rejects(client({ max_retries: 2 }).request(req('/widgets')), (e: Error) => /GET \/widgets \(stream widgets\) failed after 3 attempts: HTTP 503/.test(e.message));
  assert.equal(api.count('/widgets'), 3);
});

test('rate_limit rows: 429, code 8, code 30, code 2726 and "retry after N seconds" wait as asked, then retry', async () => {
  const limited: Scripted[] = [
    { status: 429, body: { code: 8, message: 'This request exceeded a rate limit.' }, headers: { 'x-ratelimit-reset': '1' } },
    { status: 429, body: { code: 30, message: 'rate limit' }, headers: { 'retry-after': '1' } },
    { status: 403, body: { code: 8, message: 'Max rate limit exceeded' }, headers: { 'x-ratelimit-reset': '0' } },
    { status: 429, body: { code: 2726, message: 'Reporting query cost limit exceeded. Retry after 1 seconds' } },
    { status: 400, body: { code: 1, message: 'Retry after 0 seconds' } },
  ];
  for (const answer of limited) {
    api.script('/widgets', [answer]);
    const c = client();
    const t0 = Date.now();
    await c.request(req('/widgets'));
    const s = c.stats();
    assert.equal(s.rateLimitWaits, 1, JSON.stringify(answer));
    assert.equal(s.retries, 0);
    const asked = answer.headers?.['x-ratelimit-reset'] ?? answer.headers?.['retry-after'] ?? /after (\d+)/.exec(String((answer.body as { message: string }).message))?.[1];
    assert.ok(Date.now() - t0 >= Number(asked) * 1000 - 20, `waited the ${asked} s Pinterest asked for`);
  }
  // A wait longer than max_rate_limit_wait_seconds ends the session at its checkpoint.
  api.script('/widgets', [{ status: 429, body: { code: 8 }, headers: { 'x-ratelimit-reset': '3600' } }]);
  await assert.rejects(client({ max_rate_limit_wait_seconds: 2 }).request(req('/widgets')), (e: Error) => e instanceof StopSession && /max_rate_limit_wait_seconds/.test(e.message) && /stream widgets/.test(e.message));
});

test('refresh row: 401 code 2 or a 401 without a code renews the access token once, then retries', async () => {
  for (const body of [{ code: 2, message: 'Authentication failed.' }, {}]) {
    api.script('/widgets', [{ status: 401, body }]);
    const c = client();
    await c.request(req('/widgets'));
    assert.equal(c.stats().tokenRefreshes, 1);
    const calls = api.seen.map((s) => `${s.path} ${s.authorization?.startsWith('Basic') ? 'basic' : s.authorization}`);
    assert.deepEqual(calls, ['/widgets Bearer pina_persisted', '/oauth/token basic', `/widgets Bearer ${/pina_fresh_\d+/.exec(calls[2])![0]}`]);
  }
  // Only access-token auth: nothing to renew, one error naming the credential.
  api.script('/widgets', [{ status: 401, body: { code: 2, message: 'Authentication failed.' } }]);
  await assert.rejects(client({}, { auth_method: 'access_token', access_token: 'pina_user' }).request(req('/widgets')), (e: Error) => e instanceof UserError && /credentials\.access_token/.test(e.message) && !/pina_user/.test(e.message));
});

test('a 401 code 2 for freshly issued tokens is one UserError naming credentials.refresh_token, not a refresh loop', async () => {
  api.script('/widgets', Array<Scripted>(20).fill({ status: 401, body: { code: 2, message: 'Authentication failed.' } }));
  const c = client();
  await assert.rejects(c.request(req('/widgets')), (e: Error) => {
    assert.ok(e instanceof UserError && !(e instanceof PinterestApiError), e.message);
    assert.match(e.message, /credentials\.refresh_token/);
    assert.match(e.message, /GET \/widgets \(stream widgets\)/);
    assert.doesNotMatch(e.message, /pina_|pinr_|csecret/);
    return true;
  });
  // The persisted token (once) and one freshly issued token (a fault or a race is tolerated once).
  assert.ok(c.stats().tokenRefreshes <= 2, `${c.stats().tokenRefreshes} refreshes`);
  assert.ok(api.count('/widgets') <= 3);
});

test('permission 401s: code 3 and code 7 never refresh; code 7 is Refused("not_authorized") only when opted in', async () => {
  api.script('/widgets', [{ status: 401, body: { code: 3, message: 'Authorization failed: token does not have sufficient permissions.' } }]);
  let c = client();
  await assert.rejects(c.request(req('/widgets', ['not_authorized'])), (e: Error) => e instanceof PinterestApiError && !(e instanceof Refused) && e.code === 3 && /scope/.test(e.message) && /stream widgets/.test(e.message));
  assert.equal(c.stats().tokenRefreshes, 0);
  assert.equal(api.count('/oauth/token'), 0);

  api.script('/widgets', [{ status: 401, body: { code: 7, message: 'Not authorized to access board or Pin.' } }]);
  c = client();
  await assert.rejects(c.request(req('/widgets')), (e: Error) => e instanceof PinterestApiError && !(e instanceof Refused) && /stream widgets/.test(e.message) && /code 7/.test(e.message));
  api.script('/widgets', [{ status: 401, body: { code: 7, message: 'Not authorized to access board or Pin.' } }]);
  await assert.rejects(c.request(req('/widgets', ['not_authorized'])), (e: Error) => e instanceof Refused && e.kind === 'not_authorized' && e.status === 401 && e.code === 7 && e.apiMessage === 'Not authorized to access board or Pin.');
  assert.equal(c.stats().tokenRefreshes, 0);
  assert.equal(api.count('/oauth/token'), 0);
});

test('skip rows: each refusal kind is Refused only when the request opted into it, else a failure naming the stream', async () => {
  const cases: Array<[RefusalKind, Scripted]> = [
    ['gone', { status: 404, body: { code: 40, message: 'Board not found.' } }],
    ['no_catalog', { status: 409, body: { code: 4182, message: "Can't access this feature without an existing catalog." } }],
    ['role', { status: 403, body: { code: 29, message: 'You are not permitted to access that resource' } }],
    ['not_authorized', { status: 401, body: { code: 7, message: 'Not authorized to access board or Pin.' } }],
    ['filter_refused', { status: 400, body: { code: 1, message: 'Invalid parameters: ad_group_ids' } }],
    ['url_too_long', { status: 414, body: '<html><body>414 Request-URI Too Large</body></html>' }],
    ['endpoint_refused', { status: 405, body: { code: 405, message: 'Method not allowed' } }],
  ];
  for (const [kind, answer] of cases) {
    api.script('/widgets', [answer]);
    const c = client();
    await assert.rejects(c.request(req('/widgets', [kind])), (e: Error) => {
      assert.ok(e instanceof Refused, `${kind}: ${e.message}`);
      assert.equal(e.kind, kind);
      assert.equal(e.status, answer.status);
      assert.equal(e.stream, 'widgets');
      return true;
    });
    api.script('/widgets', [answer]);
    await assert.rejects(c.request(req('/widgets', kind === 'gone' ? ['no_catalog'] : ['gone'])), (e: Error) => {
      assert.ok(e instanceof PinterestApiError && !(e instanceof Refused), `${kind} not opted in: ${e.name}`);
      assert.match(e.message, new RegExp(`^Pinterest refused GET /widgets \\(stream widgets\\): HTTP ${answer.status}`));
      return true;
    });
    assert.equal(c.stats().retries, 0);
    assert.equal(c.stats().tokenRefreshes, 0);
  }
});

test('bookmark_refused applies to the checkpointed bookmark a listing resumes from, not to later pages', async () => {
  api.script('/widgets', [{ status: 400, body: { code: 1, message: 'Invalid bookmark' } }]);
  const c = client();
  const listing = (start: string | null) => c.paginate(req('/widgets', ['bookmark_refused']), start);
  await assert.rejects(async () => {
    for await (const _ of listing('bm_old'));
  }, (e: Error) => e instanceof Refused && e.kind === 'bookmark_refused');
  // A fresh listing (no resumed bookmark): a 400 on its second page is not a resumed bookmark.
  api.script('/widgets', [
    { status: 200, body: { items: [{ id: '1' }], bookmark: 'bm_2' } },
    { status: 400, body: { code: 1, message: 'Invalid bookmark' } },
  ]);
  await assert.rejects(async () => {
    for await (const _ of listing(null));
  }, (e: Error) => e instanceof PinterestApiError && !(e instanceof Refused));
});

test('token endpoint: 408/5xx/resets are retried (not "revoked"); a refused grant names credentials.refresh_token; a 401 names the client', async () => {
  const fresh = { auth_method: 'oauth2.0', client_id: 'cid', client_secret: 'csecret', refresh_token: 'pinr_start' };
  for (const answer of [{ status: 408 }, { status: 500 }, { status: 503 }, { status: 0, reset: true }] as Scripted[]) {
    api.script('/oauth/token', [answer]);
    const c = client({}, fresh);
    await c.request(req('/widgets'));
    assert.equal(c.stats().tokenRefreshes, 1, JSON.stringify(answer));
    assert.equal(c.stats().retries, 1);
    assert.equal(api.count('/oauth/token'), 2);
  }
  // Every refresh grant asks for the continuous refresh token.
  for (const s of api.seen.filter((x) => x.path === '/oauth/token')) {
    const form = new URLSearchParams(s.body);
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('continuous_refresh'), 'true');
  }

  api.script('/oauth/token', [{ status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token is invalid' } }]);
  await assert.rejects(client({}, fresh).request(req('/widgets')), (e: Error) => e instanceof UserError && /credentials\.refresh_token/.test(e.message) && /revoked, expired/.test(e.message) && !/pinr_start|csecret/.test(e.message));
  assert.equal(api.count('/oauth/token'), 1, 'a refused grant is not retried');

  api.script('/oauth/token', [{ status: 401, body: { code: 2, message: 'Authentication failed.' } }]);
  await assert.rejects(client({}, fresh).request(req('/widgets')), (e: Error) => e instanceof UserError && /credentials\.client_id \/ credentials\.client_secret/.test(e.message) && !/csecret/.test(e.message));

  api.script('/oauth/token', [{ status: 200, body: '{"access_tok' }]);
  const c = client({}, fresh);
  await c.request(req('/widgets'));
  assert.equal(c.stats().retries, 1, 'a garbled token answer is retried');
});

test('downloads go through the same path: no Authorization header, 5xx retried, 4xx fails without the signature', async () => {
  api.script('/report-file', [{ status: 503 }]);
  const c = client();
  const stream = await c.download(`${api.base}/report-file?X-Amz-Signature=sig_secret`);
  let text = '';
  for await (const chunk of stream) text += chunk;
  assert.equal(text, '{"rows":[]}');
  assert.equal(c.stats().retries, 1);
  assert.ok(api.seen.every((s) => s.authorization === undefined));

  api.script('/report-file', [{ status: 403, body: '<Error>AccessDenied</Error>' }]);
  await assert.rejects(c.download(`${api.base}/report-file?X-Amz-Signature=sig_secret`, undefined, { stream: 'custom_x' }), (e: Error) => e instanceof UserError && /HTTP 403/.test(e.message) && /stream custom_x/.test(e.message) && !/sig_secret/.test(e.message));
});

test('the configUpdate publication (encryption service) goes through the same path: a 5xx is retried', async () => {
  api.script('/encrypt', [{ status: 502 }, { status: 0, reset: true }]);
  const out = await encryptConfig({ credentials: { refresh_token: 'x' } }, `${api.base}/encrypt`);
  assert.deepEqual(out, { items: [{ id: '1' }], bookmark: null });
  assert.equal(api.count('/encrypt'), 3);
  const sent = JSON.parse(api.seen[0].body) as { config: unknown; schema: unknown };
  assert.deepEqual(sent.config, { credentials: { refresh_token: 'x' } });
  assert.ok(sent.schema);
});
