import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { runCapture } from '../src/connector/run-capture.js';
import { createPinterestSource } from '../src/pinterest/source.js';
import { sandboxConfig } from './entities-helpers.js';

// Pinterest as it really behaves, every switch at once: group-board pins the token may not read,
// shared ad accounts with limited roles, a board past the pagination cap, an 8 KB URL limit,
// exclusive pin metric sets, report filter limits, fractional timestamps. The capture completes;
// what is skipped is exactly what the token can't read, each reported once.

type Doc = Record<string, unknown>;
let sb: Sandbox;
const CAP = 300;
const PAGE = 250; // page_size the connector asks for
// Pages are refused once their bookmark points at the cap: whole pages up to it are read.
const READABLE = (total: number) => Math.min(total, Math.ceil(CAP / PAGE) * PAGE);
before(async () => {
  sb = await startSandbox({
    groupBoards: 2,
    exclusivePinMetricTypes: true,
    sharedAdAccounts: 2,
    hugeBoardPins: 600,
    boardPinsCap: CAP,
    maxUrlBytes: true,
    reportFilterLimits: true,
    fractionalTimestamps: true,
  });
});
after(() => sb.close());

test('a capture of every stream over a realistic account completes, skipping only what the token cannot read', async () => {
  const lines: Doc[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Doc);
      cb();
    },
  });
  const docs: Record<string, Doc[]> = {};
  const config = { ...sandboxConfig(sb), start_date: plusDays(sb.today(), -30) };
  const res = await runCapture({
    source: createPinterestSource(),
    config,
    once: true,
    log: pino({ level: 'info' }, sink),
    output: { document: (s, d) => void (docs[s] ??= []).push(d) },
  });
  assert.equal(res.reason, 'completed');
  await new Promise((r) => setImmediate(r));
  const warnings = lines.filter((l) => l.level === 40 || l.level === 'warn');

  // No URL over the limit was ever sent.
  assert.equal(sb.stats().uriTooLong, 0, 'zero 414s');

  // Shared accounts: every account's ad_accounts document; analytics only of readable ones; each
  // limited account named in exactly one warning.
  const limited = sb.data.limitedAdAccountIds();
  assert.ok(limited.length > 0);
  assert.deepEqual(docs.ad_accounts.map((d) => d.id).sort(), sb.data.adAccountIds().sort());
  for (const s of ['ad_account_analytics', 'campaign_analytics', 'ad_analytics', 'campaign_analytics_report']) {
    const accounts = new Set(docs[s].map((d) => String(d.AD_ACCOUNT_ID ?? d.ADVERTISER_ID)));
    for (const id of limited) assert.ok(!accounts.has(id), `${s}: no rows of limited account ${id}`);
    for (const id of sb.data.adAccountIds().filter((a) => !limited.includes(a))) assert.ok(accounts.has(id) || s !== 'ad_account_analytics', `${s}: rows of readable account ${id}`);
  }
  for (const id of limited) {
    const about = warnings.filter((w) => (w.fields as Doc | undefined)?.adAccount === id || w.adAccount === id);
    assert.equal(about.length, 1, `one warning about limited account ${id}: ${about.map((w) => String(w.msg)).join(' | ')}`);
  }

  // Group boards: analytics of every pin the user owns, none of the others; one warning.
  const pins = sb.data.boards().flatMap((b) => sb.data.boardPins(String(b.id)).slice(0, String(b.id) === sb.data.hugeBoardId() ? READABLE(600) : undefined));
  const owned = new Set(pins.filter((p) => p.is_owner !== false).map((p) => String(p.id)));
  assert.ok(owned.size < pins.length, 'some pins belong to collaborators');
  assert.deepEqual(new Set(docs.pin_analytics.map((d) => String(d.PIN_ID))), owned);
  assert.equal(warnings.filter((w) => /pin_analytics: skipped/.test(String(w.msg))).length, 1);

  // The board past the pagination cap: every pin up to the cap, one warning naming the board.
  const huge = sb.data.hugeBoardId()!;
  assert.equal(docs.board_pins.filter((d) => d.board_id === huge).length, READABLE(600));
  assert.equal(warnings.filter((w) => String(w.msg).includes(`/boards/${huge}/pins`)).length, 1);

  // Every other stream produced documents, none failed.
  for (const s of Object.keys(res.counts)) assert.ok((docs[s]?.length ?? 0) > 0 || s === 'catalogs_product_groups', `${s} has documents`);
});

function plusDays(d: string, n: number): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

test('OAuth on an app created before 2025-09-25: refreshes = access-token expiries, all continuous; the published config is the user\'s fields plus credentials; a second session makes no refresh', async () => {
  sb.control({ action: 'tokens', legacyApp: true });
  try {
    const published: Doc[] = [];
    const persistConfig = (c: unknown) => {
      published.push(c as Doc);
      return Promise.resolve();
    };
    const user = { start_date: plusDays(sb.today(), -10), credentials: { auth_method: 'oauth2.0', client_id: 'sandbox-client', client_secret: 'sandbox-secret', refresh_token: 'pinr_sandbox' }, advanced: { api_base_url: sb.baseUrl, retry_base_ms: 5 } };
    const streams = ['boards', 'board_pins', 'pin_analytics', 'campaigns', 'ad_analytics'];
    const capture = (config: unknown, onDoc: () => void = () => {}) =>
      runCapture({ source: createPinterestSource(), config, streams, once: true, log: pino({ level: 'silent' }), persistConfig, output: { document: onDoc } });
    // The first session has no access token yet: one refresh. Mid-capture every access token expires.
    sb.resetStats();
    let docs = 0;
    await capture(user, () => {
      if (++docs === 200) sb.control({ action: 'tokens', expireAccessTokens: true });
    });
    const auth = sb.stats().auth;
    assert.equal(auth.accessTokenExpiries, 1);
    assert.equal(auth.refreshes, 1 + auth.accessTokenExpiries, 'one refresh to start, one per expiry');
    assert.equal(auth.continuousRefreshes, auth.refreshes, 'every refresh carries continuous_refresh=true');
    assert.equal(auth.refusedRefreshes, 0);
    const last = published.at(-1)!;
    assert.deepEqual(Object.keys(last).sort(), Object.keys(user).sort(), 'only the fields the user set');
    assert.deepEqual(last.advanced, user.advanced, 'no defaults spelled out');
    const creds = last.credentials as Doc;
    assert.deepEqual(Object.keys(creds).sort(), ['access_token', 'access_token_expires_at', 'auth_method', 'client_id', 'client_secret', 'refresh_token']);
    // A second session with the published config starts with the persisted token.
    sb.resetStats();
    await capture(last);
    assert.equal(sb.stats().auth.refreshes, 0, 'no refresh call');
  } finally {
    sb.control({ action: 'tokens', legacyApp: false });
  }
});

test('business_account_id: organic and catalog streams read the business profile that owns that ad account', async () => {
  const biz = await startSandbox({ businessAccess: true, sharedAdAccounts: 1 });
  try {
    const shared = biz.data.sharedAdAccountIds()[0];
    const profile = biz.data.operationUser(shared);
    const docs: Record<string, Doc[]> = {};
    await runCapture({
      source: createPinterestSource(),
      config: { ...sandboxConfig(biz), business_account_id: shared },
      streams: ['user_account', 'boards', 'board_pins', 'catalogs'],
      once: true,
      log: pino({ level: 'silent' }),
      output: { document: (s, d) => void (docs[s] ??= []).push(d) },
    });
    const ids = (xs: Doc[] | undefined) => (xs ?? []).map((d) => String(d.id)).sort();
    assert.deepEqual(ids(docs.boards), ids(profile.boards()));
    assert.notDeepEqual(ids(docs.boards), ids(biz.data.boards()), 'not the token user\'s own boards');
    assert.deepEqual(ids(docs.board_pins), ids(profile.boards().flatMap((b) => profile.boardPins(String(b.id)))));
    assert.deepEqual(ids(docs.catalogs), ids(profile.catalogs()));
    assert.equal(docs.user_account[0].username, profile.userAccount().username);
    for (const r of biz.requests().filter((x) => /^\/v5\/(boards|user_account|catalogs)/.test(x.path))) {
      assert.equal(new URLSearchParams(r.query).get('ad_account_id'), shared, `${r.path} acts as the business profile`);
    }
  } finally {
    await biz.close();
  }
});

test('custom report status filters past Pinterest\'s limit of 6 are a config error naming the field', () => {
  const source = createPinterestSource();
  const report = { name: 'x', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'], campaign_statuses: ['RUNNING', 'PAUSED', 'NOT_STARTED', 'COMPLETED', 'ADVERTISER_DISABLED', 'ARCHIVED', 'DRAFT'] };
  assert.throws(() => source.parseConfig({ ...sandboxConfig(sb), custom_reports: [report] }), /custom_reports\/0\/campaign_statuses/);
  assert.throws(() => source.parseConfig({ ...sandboxConfig(sb), custom_reports: [{ ...report, campaign_statuses: ['RUNNING', 'SOMETIMES'] }] }), /custom_reports\/0\/campaign_statuses\/1/);
  assert.doesNotThrow(() => source.parseConfig({ ...sandboxConfig(sb), custom_reports: [{ ...report, campaign_statuses: report.campaign_statuses.slice(0, 6) }] }));
});
