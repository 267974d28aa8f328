import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startSandbox } from '../src/sandbox/index.js';
import { assertProtocolResponse, INTERNAL_SPEC, runJson } from './flow-harness.js';
import { discover, ROOT, type DiscoveredBinding } from './ship-helpers.js';

// flow.yaml must be a catalog flowctl can use as is: both captures bind every discovered stream
// with its resource config, into collections whose key and schema are Discover's.

interface Binding {
  resource: { stream: string; syncMode?: string; interval?: string };
  target: string;
}
interface Capture {
  endpoint: { connector?: { image: string; config: Record<string, any> }; local?: { command: string[]; config: Record<string, any> } };
  bindings: Binding[];
}
interface Catalog {
  captures: Record<string, Capture>;
  collections: Record<string, { schema: string; key: string[] }>;
}

const catalog = parse(readFileSync(join(ROOT, 'flow.yaml'), 'utf8')) as Catalog;
const discovered = discover();
const REGENERATE = 'flow.yaml is behind Discover: run `node --import tsx scripts/gen-catalog.ts`';

function checkBindings(name: string, capture: Capture, bindings: DiscoveredBinding[]): void {
  assert.deepEqual(capture.bindings.map((b) => b.resource.stream).sort(), bindings.map((b) => b.resourceConfig.stream).sort(), `${name} binds every stream; ${REGENERATE}`);
  for (const b of capture.bindings) {
    const d = bindings.find((x) => x.resourceConfig.stream === b.resource.stream)!;
    assert.deepEqual(b.resource, d.resourceConfig, `${name} ${b.resource.stream}: resource config`);
    const coll = catalog.collections[b.target];
    assert.ok(coll, `${name} ${b.resource.stream}: target collection ${b.target} is defined`);
    assert.deepEqual(coll.key, d.key, `${b.target}: key is Discover's; ${REGENERATE}`);
    const file = join(ROOT, coll.schema);
    assert.ok(existsSync(file), `${b.target}: schema file ${coll.schema} exists`);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), d.documentSchema, `${coll.schema} is the discovered schema; ${REGENERATE}`);
  }
}

test('flow.yaml: two captures, every binding stream/key/schema matches Discover', async () => {
  const bindings = await discovered;
  const captures = Object.entries(catalog.captures);
  assert.equal(captures.length, 2);
  for (const [name, cap] of captures) checkBindings(name, cap, bindings);
  // Every collection is some binding's target (no stale collections).
  const targets = new Set(captures.flatMap(([, c]) => c.bindings.map((b) => b.target)));
  assert.deepEqual(Object.keys(catalog.collections).sort(), [...targets].sort());
});

test('flow.yaml: the image capture uses the published image and the seed config shape', async () => {
  const image = Object.values(catalog.captures).find((c) => c.endpoint.connector)!;
  assert.ok(image, 'a capture with endpoint.connector');
  assert.equal(image.endpoint.connector!.image, 'ghcr.io/estuary/source-pinterest:dev');
  const cfg = image.endpoint.connector!.config;
  assert.match(cfg.start_date, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(cfg.credentials.auth_method, 'oauth2.0');
  for (const k of ['client_id', 'client_secret', 'refresh_token']) assert.equal(typeof cfg.credentials[k], 'string', `credentials.${k}`);
  // The placeholder config passes the connector's own config validation (spec schema, shape).
  const run = await runJson([INTERNAL_SPEC, { discover: { connectorType: 'IMAGE', config: cfg } }]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(assertProtocolResponse(run.responses[1]!), 'discovered');
});

test('flow.yaml: the local capture runs this checkout against the sandbox and validates every binding', async () => {
  const local = Object.values(catalog.captures).find((c) => c.endpoint.local)!;
  assert.ok(local, 'a capture with endpoint.local');
  assert.deepEqual(local.endpoint.local!.command, ['node', 'dist/main.js']);
  const cfg = local.endpoint.local!.config;
  assert.deepEqual(cfg.credentials, { auth_method: 'access_token', access_token: 'pina_sandbox' });
  const url = new URL(cfg.advanced.api_base_url);
  assert.equal(url.hostname, '127.0.0.1');
  assert.equal(url.pathname, '/v5');

  // Run it as flowctl would (`node dist/main.js` from the catalog's directory), with the sandbox
  // on a free port in place of the documented one.
  const sandbox = await startSandbox({ port: 0 });
  try {
    const config = { ...cfg, advanced: { ...cfg.advanced, api_base_url: sandbox.baseUrl } };
    const bindings = local.bindings.map((b) => ({ resourceConfig: b.resource, collection: { name: b.target } }));
    const [cmd, ...args] = local.endpoint.local!.command;
    assert.equal(cmd, 'node');
    const run = await runJson([INTERNAL_SPEC, { validate: { name: 'acmeCo/pinterest-sandbox/source-pinterest', connectorType: 'LOCAL', config, bindings } }], { args });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(assertProtocolResponse(run.responses[1]!), 'validated');
    assert.deepEqual(
      run.responses[1]!.validated.bindings.map((b: { resourcePath: string[] }) => b.resourcePath),
      local.bindings.map((b) => [b.resource.stream]),
    );
  } finally {
    await sandbox.close();
  }
});
