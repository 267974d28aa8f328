import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCESS_TOKEN, GOOD_CONFIG, INTERNAL_SPEC, assertProtocolResponse, collect, finalError, runJson, spawnConnector } from './flow-harness.js';
import { STREAMS } from '../src/pinterest/streams/table.js';
import { startSandbox } from '../src/sandbox/index.js';

const SPEC4_STREAMS = [
  'user_account', 'user_account_analytics', 'boards', 'board_sections', 'board_pins', 'board_section_pins', 'pin_analytics',
  'ad_accounts', 'campaigns', 'ad_groups', 'ads', 'audiences', 'customer_lists', 'conversion_tags', 'keywords',
  'catalogs', 'catalogs_feeds', 'catalogs_product_groups', 'ad_account_analytics', 'campaign_analytics', 'ad_group_analytics',
  'ad_analytics', 'campaign_analytics_report', 'advertiser_report', 'ad_group_report', 'pin_promotion_report',
  'product_group_report', 'product_item_report', 'keyword_report', 'advertiser_targeting_report', 'campaign_targeting_report',
  'ad_group_targeting_report', 'pin_promotion_targeting_report', 'product_group_targeting_report',
];

const validate = (bindings: unknown[], config: unknown = GOOD_CONFIG) => ({
  validate: { name: 'acmeCo/source-pinterest', connectorType: 'IMAGE', config, bindings, $internal: 'AAA=' },
});

test('spec: internal spec then real spec, two responses, exit 0', async () => {
  const run = await runJson([INTERNAL_SPEC, { spec: { connectorType: 'IMAGE', config: {}, someNewField: 1 } }]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.responses.length, 2);
  for (const r of run.responses) assert.equal(assertProtocolResponse(r), 'spec');
  const spec = run.responses[1].spec!;
  assert.deepEqual(spec.resourcePathPointers, ['/stream']);
  assert.match(spec.documentationUrl, /^https:\/\//);
  const cs = spec.configSchema;
  assert.deepEqual(cs.required, ['start_date', 'credentials']);
  assert.deepEqual(cs.properties!.credentials.discriminator, { propertyName: 'auth_method' });
  const [oauth, token] = cs.properties!.credentials.oneOf!;
  assert.equal(oauth['x-oauth2-provider'], 'pinterest');
  for (const k of ['client_id', 'client_secret', 'refresh_token']) {
    assert.equal(oauth.properties![k].secret, true);
    assert.equal(oauth.properties![k].airbyte_secret, true);
  }
  assert.equal(token.properties!.access_token.secret, true);
  assert.deepEqual(cs.properties!.entity_statuses.default, ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT']);
  assert.equal(cs.properties!.lookback_window_days.maximum, 89);
  assert.equal(cs.properties!.advanced.properties!.page_size.maximum, 250);
  assert.equal(spec.oauth2!.provider, 'pinterest');
  assert.match(spec.oauth2!.authUrlTemplate, /^https:\/\/www\.pinterest\.com\/oauth\/\?.*scope=boards:read,boards:read_secret,pins:read,pins:read_secret,ads:read,catalogs:read,user_accounts:read/);
  assert.equal(spec.oauth2!.accessTokenUrlTemplate, 'https://api.pinterest.com/v5/oauth/token');
  assert.match(spec.oauth2!.accessTokenHeaders.Authorization, /^Basic \{\{#basicauth\}\}/);
  assert.deepEqual(spec.oauth2!.accessTokenResponseMap, { refresh_token: '/refresh_token', access_token: '/access_token' });
  // namespace and cursorField: accepted (hidden, ignored) for bindings of the previous connector (issue 13).
  assert.deepEqual(Object.keys(spec.resourceConfigSchema.properties!).sort(), ['cursorField', 'interval', 'namespace', 'stream', 'syncMode']);
});

test('discover: every SPEC §4 stream with its key, schema and default resource config', async () => {
  const run = await runJson([INTERNAL_SPEC, { discover: { name: 'acmeCo/source-pinterest', connectorType: 'IMAGE', config: GOOD_CONFIG } }]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.responses.length, 2);
  assert.equal(assertProtocolResponse(run.responses[1]), 'discovered');
  const bindings = run.responses[1].discovered!.bindings;
  const byName = new Map(bindings.map((b) => [b.recommendedName, b]));
  for (const name of SPEC4_STREAMS) assert.ok(byName.has(name), `stream ${name} discovered`);
  assert.equal(bindings.length, STREAMS.length);
  for (const b of bindings) {
    const def = STREAMS.find((s) => s.name === b.recommendedName)!;
    assert.deepEqual(b.key, def.key);
    assert.deepEqual(b.resourceConfig, { stream: def.name, syncMode: def.syncModes[0], interval: def.interval });
    assert.equal(b.documentSchema['x-infer-schema'], true);
    assert.equal(b.documentSchema.type, 'object');
    for (const ptr of b.key) assert.ok(b.documentSchema.properties?.[ptr.slice(1)], `${b.recommendedName}: key ${ptr} in schema`);
  }
  assert.deepEqual(byName.get('pin_analytics')!.key, ['/PIN_ID', '/DATE']);
  assert.equal(byName.get('campaigns')!.resourceConfig.interval, 'PT1H');
});

test('discover: custom reports become custom_<name> streams', async () => {
  const config = { ...GOOD_CONFIG, custom_reports: [{ name: 'spend', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'] }] };
  const run = await runJson([INTERNAL_SPEC, { discover: { config } }]);
  assert.equal(run.code, 0, run.stderr);
  const b = run.responses[1].discovered!.bindings.find((x) => x.recommendedName === 'custom_spend');
  assert.ok(b);
  assert.deepEqual(b.key, ['/CAMPAIGN_ID', '/DATE']);
});

test('validate: resourcePath per binding, in order', async () => {
  // Validate reaches Pinterest (credentials, scopes), so it runs against the sandbox.
  const sb = await startSandbox({ staticToken: ACCESS_TOKEN });
  const config = { ...GOOD_CONFIG, advanced: { api_base_url: sb.baseUrl } };
  const run = await runJson([
    INTERNAL_SPEC,
    validate([
      { resourceConfig: { stream: 'campaigns', syncMode: 'incremental', interval: 'PT30M' }, collection: { name: 'acmeCo/campaigns', key: ['/id'] }, backfill: 2 },
      { resourceConfig: { stream: 'boards', syncMode: 'full_refresh' }, collection: { name: 'acmeCo/boards' } },
      { resourceConfig: { stream: 'ad_analytics' }, collection: { name: 'acmeCo/ad_analytics' } },
    ], config),
  ]).finally(() => sb.close());
  assert.equal(run.code, 0, run.stderr);
  assert.equal(assertProtocolResponse(run.responses[1]), 'validated');
  assert.deepEqual(run.responses[1], { validated: { bindings: [{ resourcePath: ['campaigns'] }, { resourcePath: ['boards'] }, { resourcePath: ['ad_analytics'] }] } });
});

for (const [name, resourceConfig, expect] of [
  ['unknown stream', { stream: 'pinz' }, /binding 1 \(acmeCo\/bad, stream "pinz"\): unknown stream "pinz"/],
  ['unsupported syncMode', { stream: 'boards', syncMode: 'incremental' }, /binding 1 \(acmeCo\/bad, stream "boards"\): syncMode "incremental" is not supported/],
  ['bad interval', { stream: 'ads', interval: 'every hour' }, /binding 1 \(acmeCo\/bad, stream "ads"\): interval "every hour" is not an ISO-8601 duration/],
] as const) {
  test(`validate: ${name} → one error line naming the binding, exit 1`, async () => {
    const run = await runJson([
      INTERNAL_SPEC,
      validate([
        { resourceConfig: { stream: 'boards' }, collection: { name: 'acmeCo/boards' } },
        { resourceConfig, collection: { name: 'acmeCo/bad' } },
      ]),
    ]);
    assert.equal(run.code, 1);
    assert.equal(run.responses.length, 1, 'only the internal spec was answered');
    assert.match(finalError(run).msg, expect);
    assert.ok(!run.stderr.includes(ACCESS_TOKEN) && !run.stdout.includes(ACCESS_TOKEN), 'no secret in output');
  });
}

for (const [name, config, expect] of [
  ['empty access token', { start_date: '2025-01-01', credentials: { auth_method: 'access_token', access_token: '' } }, 'config /credentials/access_token: must be a non-empty string'],
  ['missing client_secret', { start_date: '2025-01-01', credentials: { auth_method: 'oauth2.0', client_id: 'id', refresh_token: ACCESS_TOKEN } }, 'config /credentials/client_secret: is required'],
  ['impossible start_date', { ...GOOD_CONFIG, start_date: '2025-02-30' }, 'config /start_date: must be a valid calendar date (YYYY-MM-DD)'],
  ['future start_date', { ...GOOD_CONFIG, start_date: '2999-01-01' }, 'config /start_date: must not be in the future'],
  ['http base url', { ...GOOD_CONFIG, advanced: { api_base_url: 'http://api.example.com/v5' } }, 'config /advanced/api_base_url: plain http:// is only allowed for loopback hosts; use https://'],
  ['page size', { ...GOOD_CONFIG, advanced: { page_size: 500 } }, 'config /advanced/page_size: must be <= 250'],
  ['lookback', { ...GOOD_CONFIG, lookback_window_days: 90 }, 'config /lookback_window_days: must be <= 89'],
] as const) {
  test(`validate: bad config (${name}) → error naming the field, no secret`, async () => {
    const run = await runJson([INTERNAL_SPEC, validate([{ resourceConfig: { stream: 'boards' } }], config)]);
    assert.equal(run.code, 1);
    assert.equal(finalError(run).msg, expect);
    assert.ok(!run.stderr.includes(ACCESS_TOKEN), 'no secret in output');
  });
}

test('apply: no-op answer, exit 0', async () => {
  const capture = { name: 'acmeCo/source-pinterest', connectorType: 'IMAGE', config: GOOD_CONFIG, bindings: [{ resourceConfig: { stream: 'boards' }, resourcePath: ['boards'], stateKey: 'boards' }] };
  const run = await runJson([INTERNAL_SPEC, { apply: { capture, version: '1:2:3', lastVersion: '' } }]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(assertProtocolResponse(run.responses[1]), 'applied');
});

test('bad requests: non-JSON line and unknown request type end with one error line, exit 1', async () => {
  const child = spawnConnector();
  const done = collect(child);
  child.stdin!.end(`${JSON.stringify(INTERNAL_SPEC)}\nthis is not json\n`);
  const run = await done;
  assert.equal(run.code, 1);
  assert.equal(run.responses.length, 1);
  assert.equal(finalError(run).msg, 'protocol error: request line 2 is not valid JSON (16 bytes)');

  const unknown = await runJson([INTERNAL_SPEC, { materialize: {} }]);
  assert.equal(unknown.code, 1);
  assert.equal(finalError(unknown).msg, 'protocol error: unknown request type: "materialize"');
});

test('extra argv from older connector-init is tolerated; unknown commands are refused', async () => {
  const run = await runJson([INTERNAL_SPEC], { args: ['dist/main.js', '--log.level=debug'] });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.responses.length, 1);
  const bad = await runJson([], { args: ['dist/main.js', 'specc'] });
  assert.equal(bad.code, 1);
  assert.match(finalError(bad).msg, /unknown command "specc"/);
});
