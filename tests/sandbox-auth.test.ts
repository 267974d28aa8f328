// OAuth realism: legacy apps (created before 2025-09-25) must ask for continuous refresh, the 401
// taxonomy (code 2 expired/unknown, code 3 missing scope), and token life-cycle stats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';

const BASIC = `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`;

function refresh(sb: Sandbox, form: Record<string, string>) {
  return fetch(`${sb.baseUrl}/oauth/token`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', ...form }).toString() });
}

async function getAs(sb: Sandbox, token: string, path = '/user_account') {
  const r = await fetch(sb.baseUrl + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as { code: number; message: string } };
}

test('legacy app: a refresh without continuous_refresh=true is refused 400 code 1; with it, the continuous refresh response', async () => {
  const sb = await startSandbox({ scale: 'small', legacyApp: true });
  try {
    const refused = await refresh(sb, { refresh_token: 'pinr_sandbox' });
    assert.equal(refused.status, 400);
    const body = (await refused.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['code', 'message']);
    assert.equal(body.code, 1);
    assert.match(body.message as string, /legacy refresh token.*no longer supported.*continuous_refresh=true/);

    // The refused attempt did not consume the refresh token.
    const ok = await refresh(sb, { refresh_token: 'pinr_sandbox', continuous_refresh: 'true' });
    assert.equal(ok.status, 200);
    const tok = (await ok.json()) as Record<string, unknown>;
    for (const k of ['access_token', 'refresh_token', 'token_type', 'expires_in', 'scope', 'response_type', 'refresh_token_expires_in', 'refresh_token_expires_at']) assert.ok(tok[k] !== undefined, k);
    assert.equal(tok.response_type, 'refresh_token');
    assert.equal(tok.refresh_token_expires_in, 60 * 86_400);
    const now = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs((tok.refresh_token_expires_at as number) - (now + 60 * 86_400)) < 5);
    assert.equal((await getAs(sb, tok.access_token as string)).status, 200);

    const st = sb.stats().auth;
    assert.deepEqual(st, { refreshes: 1, continuousRefreshes: 1, refusedRefreshes: 1, accessTokenExpiries: 0, expiredTokenRejections: 0 });
    const log = sb.requests().filter((r) => r.operationId === 'oauth/token');
    assert.deepEqual(log.map((r) => [r.status, r.continuousRefresh]), [[400, false], [200, true]]);

    // Switchable at run time.
    sb.control({ action: 'tokens', legacyApp: false });
    assert.equal((await refresh(sb, { refresh_token: tok.refresh_token as string })).status, 200);
  } finally {
    await sb.close();
  }
});

test('legacy app via POST /_sandbox/control; new apps accept refreshes without the field', async () => {
  const sb = await startSandbox({ scale: 'small' });
  try {
    const first = (await (await refresh(sb, { refresh_token: 'pinr_sandbox' })).json()) as { refresh_token: string };
    const ctl = await fetch(`${sb.origin}/_sandbox/control`, { method: 'POST', body: JSON.stringify({ action: 'tokens', legacyApp: true }) });
    assert.equal(ctl.status, 200);
    assert.equal((await refresh(sb, { refresh_token: first.refresh_token })).status, 400);
    assert.equal(sb.stats().auth.continuousRefreshes, 0);
    assert.equal(sb.requests().filter((r) => r.operationId === 'oauth/token').every((r) => r.continuousRefresh === false), true);
  } finally {
    await sb.close();
  }
});

test('401 taxonomy: unknown and expired tokens answer code 2, a token missing a scope code 3', async () => {
  const sb = await startSandbox({ scale: 'small', accessTokenTtlSeconds: 1 });
  try {
    assert.deepEqual((await getAs(sb, 'pina_unknown')).body, { code: 2, message: 'Authentication failed.' });
    const narrow = (await (await refresh(sb, { refresh_token: 'pinr_sandbox', scope: 'user_accounts:read' })).json()) as { access_token: string; refresh_token: string; scope: string };
    assert.equal(narrow.scope, 'user_accounts:read');
    assert.equal((await getAs(sb, narrow.access_token)).status, 200);
    const noBoards = await getAs(sb, narrow.access_token, '/boards');
    assert.equal(noBoards.status, 401);
    assert.equal(noBoards.body.code, 3);
    await new Promise((r) => setTimeout(r, 1100));
    assert.deepEqual((await getAs(sb, narrow.access_token)).body, { code: 2, message: 'Authentication failed.' });
    assert.equal((await getAs(sb, narrow.access_token)).body.code, 2);
    const st = sb.stats().auth;
    assert.equal(st.accessTokenExpiries, 1, 'one token expired, however often it was presented');
    assert.equal(st.expiredTokenRejections, 2);
  } finally {
    await sb.close();
  }
});

test('stats: a client that refreshes once per expiry has refreshes == accessTokenExpiries', async () => {
  const sb = await startSandbox({ scale: 'small' });
  try {
    let rt = 'pinr_sandbox';
    let at = '';
    const renew = async () => {
      const t = (await (await refresh(sb, { refresh_token: rt })).json()) as { access_token: string; refresh_token: string };
      rt = t.refresh_token;
      at = t.access_token;
    };
    await renew();
    sb.resetStats();
    for (let round = 0; round < 3; round++) {
      sb.control({ action: 'tokens', expireAccessTokens: true });
      const r = await getAs(sb, at);
      assert.equal(r.body.code, 2);
      await renew();
      assert.equal((await getAs(sb, at)).status, 200);
    }
    // Expiry by fault counts too.
    sb.setFaults([{ kind: 'expire', max: 1 }]);
    assert.equal((await getAs(sb, at)).body.code, 2);
    await renew();
    const st = sb.stats().auth;
    assert.equal(st.accessTokenExpiries, 4);
    assert.equal(st.refreshes, st.accessTokenExpiries);
  } finally {
    await sb.close();
  }
});
