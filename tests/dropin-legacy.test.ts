import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { assertProtocolResponse, INTERNAL_SPEC, ROOT, runJson } from './flow-harness.js';
import { startSandbox, SANDBOX_ACCESS_TOKEN, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN } from '../src/sandbox/index.js';
import { parseConfig } from '../src/pinterest/config-parse.js';

// A drop-in replacement for the previous ghcr.io/estuary/source-pinterest (Airbyte's connector
// behind airbyte-to-flow): the endpoint configs and bindings existing captures hold are fed, as
// they are stored, through a real connector process against the sandbox.

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ port: 0 });
});
after(async () => {
  await sandbox.close();
});

/** The previous connector's endpoint configs, as stored (plus the sandbox URL so they run here). */
function legacyConfigs(baseUrl = sandbox.baseUrl): Record<string, Record<string, unknown>> {
  const advanced = { api_base_url: baseUrl };
  return {
    // OAuth: airbyte-to-flow's response map stored the token response's access_token beside the
    // refresh token; it is long stale.
    'oauth + stale access_token, status list': {
      start_date: '2024-01-01',
      status: ['ACTIVE', 'PAUSED', 'ARCHIVED'],
      credentials: {
        auth_method: 'oauth2.0',
        client_id: SANDBOX_CLIENT_ID,
        client_secret: SANDBOX_CLIENT_SECRET,
        refresh_token: SANDBOX_REFRESH_TOKEN,
        access_token: 'pina_STALE_expired_long_ago_0000',
      },
      advanced,
    },
    'oauth, status null': {
      start_date: '2024-01-01',
      status: null,
      credentials: { auth_method: 'oauth2.0', client_id: SANDBOX_CLIENT_ID, client_secret: SANDBOX_CLIENT_SECRET, refresh_token: SANDBOX_REFRESH_TOKEN },
      advanced,
    },
    'access token, status null': {
      start_date: '2024-01-01',
      status: null,
      credentials: { auth_method: 'access_token', access_token: SANDBOX_ACCESS_TOKEN },
      advanced,
    },
    'access token, no status': {
      start_date: '2024-01-01',
      credentials: { auth_method: 'access_token', access_token: SANDBOX_ACCESS_TOKEN },
      advanced,
    },
  };
}

// The bindings airbyte-to-flow's Discover wrote: {stream, syncMode, cursorField} (namespace absent
// for Pinterest), for the 0.5.2 streams and those later images added.
const CURSOR: Record<string, string[]> = {
  campaigns: ['updated_time'],
  ad_groups: ['updated_time'],
  ads: ['updated_time'],
  ad_account_analytics: ['DATE'],
  campaign_analytics: ['DATE'],
  ad_group_analytics: ['DATE'],
  ad_analytics: ['DATE'],
  user_account_analytics: ['date'],
  campaign_analytics_report: ['DATE'],
  advertiser_report: ['DATE'],
  ad_group_report: ['DATE'],
  pin_promotion_report: ['DATE'],
  keyword_report: ['DATE'],
};
const LEGACY_STREAMS = [
  'user_account_analytics', 'boards', 'board_sections', 'board_section_pins', 'board_pins', 'ad_accounts',
  'ad_account_analytics', 'campaigns', 'campaign_analytics', 'ad_groups', 'ad_group_analytics', 'ads', 'ad_analytics',
  'campaign_analytics_report', 'catalogs', 'catalogs_feeds', 'catalogs_product_groups', 'audiences', 'keywords',
  'conversion_tags', 'customer_lists', 'advertiser_report', 'ad_group_report', 'pin_promotion_report', 'keyword_report',
];
const legacyBindings = LEGACY_STREAMS.map((stream) => ({
  resourceConfig: CURSOR[stream]
    ? { stream, syncMode: 'incremental', cursorField: CURSOR[stream] }
    : { stream, syncMode: 'full_refresh', cursorField: ['id'] },
  resourcePath: [stream],
  collection: { name: `acmeCo/pinterest/${stream}` },
}));

test('previous configs validate against the Spec configSchema, as Flow validates them on publish', async () => {
  const run = await runJson([INTERNAL_SPEC]);
  assert.equal(run.code, 0, run.stderr);
  const spec = run.responses[0].spec!;
  const ajv = new Ajv({ strict: false, discriminator: true });
  addFormats(ajv);
  const validateConfig = ajv.compile(spec.configSchema);
  for (const [name, cfg] of Object.entries(legacyConfigs())) assert.ok(validateConfig(cfg), `${name}: ${ajv.errorsText(validateConfig.errors)}`);
  const validateResource = ajv.compile(spec.resourceConfigSchema);
  for (const b of legacyBindings) assert.ok(validateResource(b.resourceConfig), `${b.resourceConfig.stream}: ${ajv.errorsText(validateResource.errors)}`);
  // The web form renders neither the legacy fields nor test knobs.
  assert.equal(spec.configSchema.properties!.status['x-hidden-field'], true);
  assert.equal(spec.resourceConfigSchema.properties!.cursorField['x-hidden-field'], true);
  assert.equal(spec.resourceConfigSchema.properties!.namespace['x-hidden-field'], true);
  assert.deepEqual(spec.resourcePathPointers, ['/stream']);
});

test('Validate accepts every previous config with the previous bindings; resource paths are the previous ones', async () => {
  // Pinterest rotates refresh tokens: each config gets a sandbox of its own (run side by side).
  await Promise.all(Object.keys(legacyConfigs()).map(async (name) => {
    const own = await startSandbox({ port: 0 });
    const config = legacyConfigs(own.baseUrl)[name];
    const run = await runJson([INTERNAL_SPEC, { validate: { name: 'acmeCo/pinterest/source-pinterest', connectorType: 'IMAGE', config, bindings: legacyBindings } }]);
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.equal(assertProtocolResponse(run.responses[1]), 'validated', name);
    assert.deepEqual(
      run.responses[1].validated!.bindings.map((b) => b.resourcePath),
      LEGACY_STREAMS.map((s) => [s]),
      `${name}: resourcePath [stream], as the previous connector's`,
    );
    assert.ok(!run.stderr.includes('pina_STALE'), `${name}: the stale access token is never logged`);
    assert.ok(!run.stderr.includes(SANDBOX_REFRESH_TOKEN), `${name}: the refresh token is never logged`);
    await own.close();
  }));
});

test('Discover accepts a previous config', async () => {
  const config = legacyConfigs()['oauth + stale access_token, status list'];
  const run = await runJson([INTERNAL_SPEC, { discover: { connectorType: 'IMAGE', config } }]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(assertProtocolResponse(run.responses[1]), 'discovered');
});

test('status maps to entity_statuses; entity_statuses wins; null and [] mean the default', () => {
  const base = { start_date: '2024-01-01', credentials: { auth_method: 'access_token', access_token: 'x' } };
  assert.deepEqual(parseConfig({ ...base, status: ['ARCHIVED'] }).entity_statuses, ['ARCHIVED']);
  assert.deepEqual(parseConfig({ ...base, status: ['ACTIVE', 'PAUSED'] }).entity_statuses, ['ACTIVE', 'PAUSED']);
  assert.deepEqual(parseConfig({ ...base, status: ['ACTIVE'], entity_statuses: ['DRAFT'] }).entity_statuses, ['DRAFT']);
  const all = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT'];
  assert.deepEqual(parseConfig({ ...base, status: null }).entity_statuses, all);
  assert.deepEqual(parseConfig({ ...base, status: [] }).entity_statuses, all);
  // Anything the previous connector might have stored is accepted, never refused.
  assert.deepEqual(parseConfig({ ...base, status: ['archived', 'ARCHIVED', 7] }).entity_statuses, ['ARCHIVED']);
  assert.deepEqual(parseConfig({ ...base, status: 'ACTIVE' }).entity_statuses, all);
  assert.equal('status' in parseConfig({ ...base, status: ['ACTIVE'] }), false);
  // Extra OAuth credential fields (the stale access_token, its expiry) are accepted.
  const oauth = parseConfig({
    ...base,
    credentials: { auth_method: 'oauth2.0', client_id: 'a', client_secret: 'b', refresh_token: 'c', access_token: 'd', access_token_expires_at: '2024-01-01T00:00:00Z', token_expiry_date: 'x' },
  });
  assert.equal(oauth.credentials.auth_method, 'oauth2.0');
});

test('a previous status list filters what a real capture reads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dropin-legacy-'));
  const cfgFile = join(dir, 'config.json');
  const config = { ...legacyConfigs()['access token, status null'], status: ['ARCHIVED'] };
  writeFileSync(cfgFile, JSON.stringify(config));
  const child = spawn(process.execPath, ['dist/main.js', 'capture', '--config', cfgFile, '--streams', 'campaigns', '--once', '--output', join(dir, 'out')], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  const docs = readFileSync(join(dir, 'out', 'campaigns.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { status?: string });
  assert.ok(docs.length > 0, 'the sandbox has archived campaigns');
  assert.deepEqual([...new Set(docs.map((d) => d.status))], ['ARCHIVED']);
});
