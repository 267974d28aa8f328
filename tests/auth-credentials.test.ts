// OAuth credentials against the sandbox: continuous refresh, the 401 taxonomy (codes 2, 3, 7) and
// the access token kept between sessions (configUpdate under Flow, the config file locally).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { sandboxDecrypt } from '../src/sandbox/server.js';
import { createClient, PinterestApiError, Refused } from '../src/pinterest/client.js';
import { parseConfig } from '../src/pinterest/config-parse.js';
import { createPinterestSource } from '../src/pinterest/source.js';
import { quietLog } from './entities-helpers.js';
import { ROOT, runJson, INTERNAL_SPEC, type JsonSchema } from './flow-harness.js';
import { tempDir } from './reliability-helpers.js';
import { spawn } from 'node:child_process';

let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 11, groupBoards: 2, sharedAdAccounts: 6 });
});
after(() => sb.close());

let n = 0;
/** A refresh token of its own for each test (the sandbox rotates them: the used one stops working). */
function oauth(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const refresh_token = `pinr_test_${++n}_${Date.now().toString(36)}`;
  sb.control({ action: 'tokens', addRefreshToken: refresh_token });
  return { auth_method: 'oauth2.0', client_id: 'sandbox-client', client_secret: 'sandbox-secret', refresh_token, ...extra };
}

/** A config as the connector persists it: the user's fields plus the credentials it rotated. */
interface PersistedConfig {
  credentials: Record<string, string>;
  advanced: Record<string, unknown>;
  [field: string]: unknown;
}

/** What a user writes: no advanced defaults spelled out. */
function rawConfig(credentials: Record<string, unknown>): Record<string, unknown> {
  return { start_date: '2024-01-01', credentials, advanced: { api_base_url: sb.baseUrl, retry_base_ms: 5 } };
}

const tokenCalls = () => sb.requests().filter((r) => r.operationId === 'oauth/token');
const boards = { path: '/boards', category: 'org_read' as const, stream: 'boards' };

test('401 code 7 (a collaborator\'s pin on a group board) never refreshes: a failure naming the stream, or Refused("not_authorized") when opted in', async () => {
  const board = sb.data.groupBoardIds()[0];
  const pin = sb.data.boardPins(board).find((p) => p.is_owner === false)!;
  assert.ok(pin, 'the group board has a pin the user does not own');
  const c = createClient(parseConfig(rawConfig(oauth())), { log: quietLog });
  await c.request(boards); // the session's one refresh
  sb.resetStats();
  const day = sb.today();
  const analytics = { path: '/pins/analytics', query: { pin_ids: [String(pin.id)], start_date: day, end_date: day, metric_types: 'IMPRESSION' }, category: 'org_analytics' as const, stream: 'pin_analytics' };
  for (let i = 0; i < 3; i++) {
    await assert.rejects(c.request(analytics), (e: Error) => e instanceof PinterestApiError && !(e instanceof Refused) && e.code === 7 && /stream pin_analytics/.test(e.message));
    await assert.rejects(c.request({ ...analytics, skippable: ['not_authorized'] }), (e: Error) => e instanceof Refused && e.kind === 'not_authorized' && e.code === 7);
  }
  assert.equal(tokenCalls().length, 0, 'no refresh for a permission error');
  assert.equal(sb.stats().auth.refreshes, 0);
  assert.equal(c.stats().tokenRefreshes, 1);
  assert.deepEqual(sb.requests().map((r) => r.status), [401, 401, 401, 401, 401, 401], 'one request per call, no retries');
});

test('403 code 29 on a shared ad account with a limited role: Refused("role") when opted in, else a failure with a hint', async () => {
  const account = sb.data.limitedAdAccountIds()[0];
  assert.ok(account);
  const c = createClient(parseConfig(rawConfig({ auth_method: 'access_token', access_token: 'pina_sandbox' })), { log: quietLog });
  const campaigns = { path: `/ad_accounts/${account}/campaigns`, category: 'ads_read' as const, stream: 'campaigns' };
  await assert.rejects(c.request({ ...campaigns, skippable: ['role', 'gone'] }), (e: Error) => e instanceof Refused && e.kind === 'role' && e.status === 403 && e.code === 29);
  await assert.rejects(c.request(campaigns), (e: Error) => e instanceof PinterestApiError && !(e instanceof Refused) && /stream campaigns/.test(e.message) && /role/.test(e.message));
});

test('an app created before 2025-09-25 (legacyApp): every refresh grant carries continuous_refresh=true and none is refused', async () => {
  sb.control({ action: 'tokens', legacyApp: true });
  try {
    const c = createClient(parseConfig(rawConfig(oauth())), { log: quietLog });
    sb.resetStats();
    await c.request(boards);
    sb.control({ action: 'tokens', expireAccessTokens: true });
    await c.request(boards);
    sb.control({ action: 'tokens', expireAccessTokens: true });
    await c.request(boards);
    const grants = tokenCalls();
    assert.equal(grants.length, 3);
    assert.ok(grants.every((g) => g.continuousRefresh === true), JSON.stringify(grants));
    const auth = sb.stats().auth;
    assert.equal(auth.refusedRefreshes, 0);
    assert.equal(auth.continuousRefreshes, 3);
    assert.equal(auth.refreshes, auth.accessTokenExpiries + 1, 'one refresh per expiry (plus the first)');
  } finally {
    sb.control({ action: 'tokens', legacyApp: false });
  }
});

test('the OAuth spec asks for continuous refresh in the code exchange Flow performs', () => {
  const spec = createPinterestSource().spec();
  const o = spec.oauth2 as Record<string, string>;
  assert.match(o.accessTokenBody, /(^|&)grant_type=authorization_code(&|$)/);
  assert.match(o.accessTokenBody, /(^|&)continuous_refresh=true(&|$)/);
  assert.match(o.refreshTokenBody, /(^|&)continuous_refresh=true(&|$)/);
  const oauthVariant = (spec.configSchema as JsonSchema).properties!.credentials.oneOf!.find((v) => v.properties!.auth_method.const === 'oauth2.0')!;
  for (const k of ['access_token', 'access_token_expires_at']) {
    assert.equal(oauthVariant.properties![k].secret, true, k);
    assert.equal(oauthVariant.properties![k]['x-hidden-field'], true, k);
    assert.ok(!oauthVariant.required!.includes(k), `${k} is not required`);
  }
  assert.equal(oauthVariant.properties!.access_token_expires_at.format, 'date-time');
});

test('a session persists the new credentials (user fields + credentials only); the next session starts from them without refreshing', async () => {
  const source = createPinterestSource();
  const raw = rawConfig(oauth());
  const published: PersistedConfig[] = [];
  const persist = (c: unknown) => {
    published.push(structuredClone(c) as PersistedConfig);
    return Promise.resolve();
  };
  sb.resetStats();
  const t0 = Date.now();
  await source.validate(source.parseConfig(raw), [{ stream: 'boards' }], { log: quietLog, persistConfig: persist });
  assert.equal(tokenCalls().length, 1);
  assert.equal(published.length, 1);
  const p = published[0];
  // Exactly what the user wrote plus the credential changes: no parsing defaults.
  assert.deepEqual(Object.keys(p).sort(), Object.keys(raw).sort());
  assert.deepEqual(p.advanced, raw.advanced);
  const { refresh_token, access_token, access_token_expires_at, ...rest } = p.credentials;
  const { refresh_token: oldRefresh, ...rawRest } = raw.credentials as Record<string, unknown>;
  assert.deepEqual(rest, rawRest);
  assert.match(refresh_token, /^pinr_/);
  assert.notEqual(refresh_token, oldRefresh, 'the rotated refresh token');
  assert.match(access_token, /^pina_/);
  const exp = Date.parse(access_token_expires_at);
  assert.ok(Math.abs(exp - (t0 + 30 * 86_400_000)) < 60_000, `expiry from expires_in: ${access_token_expires_at}`);

  // The next session: the persisted token is valid for days, so no refresh and nothing to publish.
  sb.resetStats();
  await source.validate(source.parseConfig(p), [{ stream: 'boards' }], { log: quietLog, persistConfig: persist });
  assert.equal(tokenCalls().length, 0, 'no refresh call');
  assert.ok(sb.requests().length > 0 && sb.requests().every((r) => r.status === 200));
  assert.equal(published.length, 1);

  // A persisted token about to expire (≤ 5 minutes left) is renewed first, without a 401.
  sb.resetStats();
  const soon = { ...p, credentials: { ...p.credentials, access_token_expires_at: new Date(Date.now() + 120_000).toISOString() } };
  await source.validate(source.parseConfig(soon), [{ stream: 'boards' }], { log: quietLog, persistConfig: persist });
  assert.equal(tokenCalls().length, 1);
  assert.ok(sb.requests().every((r) => r.status === 200));
  assert.equal(published.length, 2);
});

test('an old-style config (a stale access_token, no expiry) refreshes once and never fails because of the stale token', async () => {
  const source = createPinterestSource();
  const raw = rawConfig(oauth({ access_token: 'pina_stale_from_the_previous_connector' }));
  const published: PersistedConfig[] = [];
  const persistConfig = (c: unknown) => {
    published.push(c as PersistedConfig);
    return Promise.resolve();
  };
  sb.resetStats();
  await source.validate(source.parseConfig(raw), [{ stream: 'boards' }, { stream: 'board_pins' }], { log: quietLog, persistConfig });
  assert.equal(tokenCalls().length, 1);
  assert.ok(sb.requests().every((r) => r.status === 200), JSON.stringify(sb.requests().map((r) => r.status)));
  assert.notEqual(published[0].credentials.access_token, 'pina_stale_from_the_previous_connector');
  assert.ok(published[0].credentials.access_token_expires_at);
});

const SECRETS = ['sandbox-secret'];
const secretsIn = (text: string, extra: string[]) => [...SECRETS, ...extra].filter((s) => text.includes(s));

test('under Flow: the configUpdate is encrypted and carries only user fields + credentials; the next session makes no refresh call', { timeout: 120_000 }, async () => {
  const raw = rawConfig(oauth());
  const env = { LOG_LEVEL: 'debug', ENCRYPTION_URL: `${sb.origin}/_sandbox/encrypt-config` };
  const validate = (config: unknown) => [INTERNAL_SPEC, { validate: { name: 'acmeCo/source-pinterest', connectorType: 'IMAGE', config, bindings: [{ resourceConfig: { stream: 'boards' } }] } }];
  sb.resetStats();
  const first = await runJson(validate(raw), { args: ['--import', 'tsx', 'src/main.ts'], env });
  assert.equal(first.code, 0, first.stderr.slice(-1000));
  assert.equal(tokenCalls().length, 1);
  const updates = first.logs.filter((l) => l.fields?.eventType === 'configUpdate');
  assert.equal(updates.length, 1);
  const encrypted = updates[0].fields!.config as PersistedConfig;
  // (The sandbox's stand-in encrypts a fixed list of key names; Estuary's service follows the
  // schema's `secret: true`, which access_token_expires_at carries too.)
  for (const k of ['refresh_token', 'access_token', 'client_secret']) assert.match(encrypted.credentials[k], /^ENC\[sandbox,/, `${k} is encrypted`);
  const published = sandboxDecrypt(encrypted) as PersistedConfig;
  assert.deepEqual(Object.keys(published).sort(), Object.keys(raw).sort());
  assert.deepEqual(published.advanced, raw.advanced, 'no defaults filled in');
  assert.deepEqual(Object.keys(published.credentials).sort(), [...Object.keys(raw.credentials as object), 'access_token', 'access_token_expires_at'].sort());
  const issued = [published.credentials.refresh_token, published.credentials.access_token, (raw.credentials as Record<string, string>).refresh_token];
  assert.deepEqual(secretsIn(first.stderr + first.stdout, issued), [], 'no secret in the logs');

  sb.resetStats();
  const second = await runJson(validate(published), { args: ['--import', 'tsx', 'src/main.ts'], env });
  assert.equal(second.code, 0, second.stderr.slice(-1000));
  assert.equal(tokenCalls().length, 0, 'the second session makes no refresh call');
  assert.equal(second.logs.filter((l) => l.fields?.eventType === 'configUpdate').length, 0);
  assert.deepEqual(secretsIn(second.stderr + second.stdout, issued), []);
});

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

test('locally: the config file gets the new credentials (comments kept, no defaults added); the next run makes no refresh call', { timeout: 120_000 }, async () => {
  const creds = oauth();
  const dir = tempDir('auth-credentials-');
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      '# my Pinterest capture',
      'start_date: "2024-01-01"',
      'credentials:',
      '  auth_method: oauth2.0',
      '  client_id: sandbox-client',
      '  client_secret: sandbox-secret # from the app page',
      `  refresh_token: ${String(creds.refresh_token)}`,
      'advanced:',
      `  api_base_url: ${sb.baseUrl}`,
      '  retry_base_ms: 5',
      '',
    ].join('\n'),
  );
  const env = { LOG_LEVEL: 'debug' };
  sb.resetStats();
  const first = await runCli(['validate', '--config', file, '--streams', 'boards'], env);
  assert.equal(first.code, 0, first.out.slice(-1000));
  assert.equal(tokenCalls().length, 1);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^# my Pinterest capture/);
  assert.match(text, /client_secret: sandbox-secret # from the app page/);
  const parsed = (await import('yaml')).parse(text) as PersistedConfig;
  assert.deepEqual(Object.keys(parsed).sort(), ['advanced', 'credentials', 'start_date']);
  assert.deepEqual(Object.keys(parsed.advanced).sort(), ['api_base_url', 'retry_base_ms'], 'no defaults written');
  assert.notEqual(parsed.credentials.refresh_token, creds.refresh_token);
  assert.match(parsed.credentials.access_token, /^pina_/);
  assert.ok(Date.parse(parsed.credentials.access_token_expires_at) > Date.now() + 86_400_000);
  const issued = [parsed.credentials.refresh_token, parsed.credentials.access_token, String(creds.refresh_token)];
  assert.deepEqual(secretsIn(first.out, issued), [], 'no secret in the logs');
  assert.match(first.out, /credentials\.access_token_expires_at/, 'the log names the fields it saved');

  sb.resetStats();
  const second = await runCli(['validate', '--config', file, '--streams', 'boards'], env);
  assert.equal(second.code, 0, second.out.slice(-1000));
  assert.equal(tokenCalls().length, 0, 'the next run starts from the saved access token');
  assert.equal(readFileSync(file, 'utf8'), text, 'nothing to save');
  assert.deepEqual(secretsIn(second.out, issued), []);
});
