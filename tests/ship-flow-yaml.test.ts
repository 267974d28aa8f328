import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startSandbox } from '../src/sandbox/index.js';
import { assertProtocolResponse, INTERNAL_SPEC, runJson } from './flow-harness.js';
import { discover, ROOT, type DiscoveredBinding } from './ship-helpers.js';

// flow.yaml and flow.sandbox.yaml must be catalogs flowctl can use as they are: one capture per
// file (so `flowctl raw discover --source FILE` and `flowctl preview --source FILE`, which
// validates every task of the file, each deal with that one), binding every discovered stream with
// its resource config into collections written as the web app writes them for inferred schemas:
// `writeSchema` = Discover's schema, `readSchema` = write schema + Flow's inferred schema.

interface Binding {
  resource: { stream: string; syncMode?: string; interval?: string };
  target: string;
}
/** The connector config a catalog carries: the parts these tests read. */
interface EndpointConfig {
  start_date: string;
  credentials: Record<string, unknown>;
  advanced?: { api_base_url: string; [k: string]: unknown };
  [k: string]: unknown;
}
interface Capture {
  endpoint: { connector?: { image: string; config: EndpointConfig }; local?: { command: string[]; config: EndpointConfig } };
  bindings: Binding[];
}
interface Collection {
  writeSchema: string;
  readSchema: unknown;
  schema?: unknown;
  key: string[];
}
interface Catalog {
  captures: Record<string, Capture>;
  collections: Record<string, Collection>;
}

const load = (file: string) => parse(readFileSync(join(ROOT, file), 'utf8')) as Catalog;
const CATALOGS = { 'flow.yaml': load('flow.yaml'), 'flow.sandbox.yaml': load('flow.sandbox.yaml') };
const discovered = discover();
const REGENERATE = 'the catalogs are behind Discover: run `node --import tsx scripts/gen-catalog.ts`';
const INFERRED_READ_SCHEMA = { allOf: [{ $ref: 'flow://write-schema' }, { $ref: 'flow://inferred-schema' }] };

function checkCatalog(file: string, catalog: Catalog, bindings: DiscoveredBinding[]): void {
  const captures = Object.entries(catalog.captures);
  assert.equal(captures.length, 1, `${file}: one capture per file`);
  const [name, capture] = captures[0];
  assert.deepEqual(capture.bindings.map((b) => b.resource.stream).sort(), bindings.map((b) => b.resourceConfig.stream).sort(), `${name} binds every stream; ${REGENERATE}`);
  for (const b of capture.bindings) {
    const d = bindings.find((x) => x.resourceConfig.stream === b.resource.stream)!;
    assert.deepEqual(b.resource, d.resourceConfig, `${name} ${b.resource.stream}: resource config`);
    const coll = catalog.collections[b.target];
    assert.ok(coll, `${file}: target collection ${b.target} is defined in the same file`);
    assert.deepEqual(coll.key, d.key, `${b.target}: key is Discover's; ${REGENERATE}`);
    assert.equal(coll.schema, undefined, `${b.target}: writeSchema/readSchema, not schema`);
    assert.deepEqual(coll.readSchema, INFERRED_READ_SCHEMA, `${b.target}: readSchema widened by the inferred schema`);
    assert.equal(d.documentSchema['x-infer-schema'], true, `${b.target}: Discover asks for schema inference`);
    const schemaFile = join(ROOT, coll.writeSchema);
    assert.ok(existsSync(schemaFile), `${b.target}: schema file ${coll.writeSchema} exists`);
    assert.deepEqual(JSON.parse(readFileSync(schemaFile, 'utf8')), d.documentSchema, `${coll.writeSchema} is the discovered schema; ${REGENERATE}`);
  }
  // Every collection is some binding's target (no stale collections).
  assert.deepEqual(Object.keys(catalog.collections).sort(), capture.bindings.map((b) => b.target).sort());
}

test('flow.yaml and flow.sandbox.yaml: one capture each, every binding stream/key/schema matches Discover', async () => {
  const bindings = await discovered;
  for (const [file, catalog] of Object.entries(CATALOGS)) checkCatalog(file, catalog, bindings);
  const names = Object.values(CATALOGS).flatMap((c) => [...Object.keys(c.captures), ...Object.keys(c.collections)]);
  assert.equal(new Set(names).size, names.length, 'the two files name distinct captures and collections');
});

test('flow.yaml: the image capture runs the image built from this checkout, with the seed config shape', async () => {
  const image = Object.values(CATALOGS['flow.yaml'].captures)[0];
  assert.ok(image.endpoint.connector, 'a capture with endpoint.connector');
  // `:local` is never pulled; any other tag would run what ghcr.io serves, today the
  // previous (Airbyte-based) image.
  assert.equal(image.endpoint.connector.image, 'ghcr.io/estuary/source-pinterest:local');
  const text = readFileSync(join(ROOT, 'flow.yaml'), 'utf8');
  assert.ok(text.includes('docker build -t ghcr.io/estuary/source-pinterest:local .'), 'flow.yaml says how to build the image');
  assert.ok(text.includes('ghcr.io/estuary/source-pinterest:v1'), 'flow.yaml names the released image');
  const cfg = image.endpoint.connector.config;
  assert.match(cfg.start_date, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(cfg.credentials.auth_method, 'oauth2.0');
  for (const k of ['client_id', 'client_secret', 'refresh_token']) assert.equal(typeof cfg.credentials[k], 'string', `credentials.${k}`);
  // The placeholder config passes the connector's own config validation (spec schema, shape).
  const run = await runJson([INTERNAL_SPEC, { discover: { connectorType: 'IMAGE', config: cfg } }]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(assertProtocolResponse(run.responses[1]), 'discovered');
});

test('flow.sandbox.yaml: the local capture runs this checkout against the sandbox and validates every binding', async () => {
  const [name, local] = Object.entries(CATALOGS['flow.sandbox.yaml'].captures)[0];
  assert.ok(local.endpoint.local, 'a capture with endpoint.local');
  assert.deepEqual(local.endpoint.local.command, ['node', 'dist/main.js']);
  const cfg = local.endpoint.local.config;
  assert.deepEqual(cfg.credentials, { auth_method: 'access_token', access_token: 'pina_sandbox' });
  const url = new URL(cfg.advanced!.api_base_url);
  assert.equal(url.hostname, '127.0.0.1');
  assert.equal(url.pathname, '/v5');

  // Run it as flowctl would (`node dist/main.js` from the catalog's directory), with the sandbox
  // on a free port in place of the documented one.
  const sandbox = await startSandbox({ port: 0 });
  try {
    const config = { ...cfg, advanced: { ...cfg.advanced, api_base_url: sandbox.baseUrl } };
    const bindings = local.bindings.map((b) => ({ resourceConfig: b.resource, collection: { name: b.target } }));
    const [cmd, ...args] = local.endpoint.local.command;
    assert.equal(cmd, 'node');
    const run = await runJson([INTERNAL_SPEC, { validate: { name, connectorType: 'LOCAL', config, bindings } }], { args });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(assertProtocolResponse(run.responses[1]), 'validated');
    assert.deepEqual(
      run.responses[1].validated!.bindings.map((b) => b.resourcePath),
      local.bindings.map((b) => [b.resource.stream]),
    );
  } finally {
    await sandbox.close();
  }
});
