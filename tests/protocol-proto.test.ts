import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { ACCESS_TOKEN, GOOD_CONFIG, TEST_CONNECTOR, finalError, spawnConnector, ROOT, type JsonSchema, type LogLine, type ProtoResponse } from './flow-harness.js';
import { startSandbox } from '../src/sandbox/index.js';
import { counterState } from './fixtures/test-source.js';

// FLOW_RUNTIME_CODEC=proto: 4-byte little-endian length + capture.Request/Response protobuf.
// Messages here are built straight from proto/*.proto with protobufjs (proto names, JSON text in
// *_json fields), independently of the connector's own codec.

const root = new protobuf.Root().loadSync(`${ROOT}/proto/capture.proto`, { keepCase: true });
const Request = root.lookupType('capture.Request');
const Response = root.lookupType('capture.Response');

const frame = (msg: Record<string, unknown>) => {
  const payload = Request.encode(Request.fromObject(msg)).finish();
  const head = Buffer.alloc(4);
  head.writeUInt32LE(payload.length);
  return Buffer.concat([head, payload]);
};

async function runProto(requests: Array<Record<string, unknown>>, args?: string[], keepOpenUntil?: (n: number) => boolean) {
  const child = spawnConnector(args, { FLOW_RUNTIME_CODEC: 'proto' });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const responses: ProtoResponse[] = [];
  let buf = Buffer.alloc(0);
  child.stdout!.on('data', (d: Buffer) => {
    chunks.push(d);
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32LE(0)) {
      const n = buf.readUInt32LE(0);
      responses.push(Response.toObject(Response.decode(buf.subarray(4, 4 + n)), { enums: String, defaults: false }));
      buf = buf.subarray(4 + n);
    }
    if (keepOpenUntil && keepOpenUntil(responses.length)) child.stdin!.end();
  });
  child.stdin!.write(Buffer.concat(requests.map(frame)));
  if (!keepOpenUntil) child.stdin!.end();
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(buf.length, 0, 'no partial frame at the end of output');
  return { code, responses, stderr, logs: stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine) };
}

const internalSpec = { spec: { connector_type: 'IMAGE', config_json: '{}' } };

test('proto files keep Flow field numbers and json names', () => {
  const expect: Array<[string, string, number, string?]> = [
    ['capture.Request', 'spec', 1], ['capture.Request', 'discover', 2], ['capture.Request', 'validate', 3],
    ['capture.Request', 'apply', 4], ['capture.Request', 'open', 5], ['capture.Request', 'acknowledge', 6], ['capture.Request', 'internal', 100, '$internal'],
    ['capture.Request.Spec', 'config_json', 2, 'config'], ['capture.Request.Discover', 'name', 3], ['capture.Request.Discover', 'config_json', 2, 'config'],
    ['capture.Request.Validate', 'config_json', 3, 'config'], ['capture.Request.Validate', 'bindings', 4], ['capture.Request.Validate.Binding', 'backfill', 3],
    ['capture.Request.Open', 'range', 3], ['capture.Request.Open', 'state_json', 4, 'state'],
    ['capture.Response', 'spec', 1], ['capture.Response', 'discovered', 2], ['capture.Response', 'validated', 3], ['capture.Response', 'applied', 4],
    ['capture.Response', 'opened', 5], ['capture.Response', 'captured', 6], ['capture.Response', 'checkpoint', 7], ['capture.Response', 'sourced_schema', 8],
    ['capture.Response.Spec', 'config_schema_json', 2, 'configSchema'], ['capture.Response.Spec', 'resource_config_schema_json', 3, 'resourceConfigSchema'],
    ['capture.Response.Spec', 'documentation_url', 4], ['capture.Response.Spec', 'oauth2', 5], ['capture.Response.Spec', 'resource_path_pointers', 6],
    ['capture.Response.Discovered.Binding', 'document_schema_json', 3, 'documentSchema'], ['capture.Response.Discovered.Binding', 'key', 4],
    ['capture.Response.Captured', 'doc_json', 2, 'doc'], ['capture.Response.Checkpoint', 'state', 1],
    ['flow.ConnectorState', 'updated_json', 1, 'updated'], ['flow.ConnectorState', 'merge_patch', 2],
    ['flow.CaptureSpec', 'config_json', 3, 'config'], ['flow.CaptureSpec', 'bindings', 4], ['flow.CaptureSpec', 'interval_seconds', 5],
    ['flow.CaptureSpec.Binding', 'resource_config_json', 1, 'resourceConfig'], ['flow.CaptureSpec.Binding', 'resource_path', 2],
    ['flow.CaptureSpec.Binding', 'backfill', 4], ['flow.CaptureSpec.Binding', 'state_key', 5],
    ['flow.RangeSpec', 'key_begin', 2], ['flow.RangeSpec', 'key_end', 3],
    ['flow.OAuth2', 'access_token_headers_json_map', 5, 'accessTokenHeaders'], ['flow.OAuth2', 'refresh_token_method', 12],
    ['flow.CollectionSpec', 'write_schema_json', 8, 'writeSchema'], ['flow.CollectionSpec', 'read_schema_json', 11, 'readSchema'],
  ];
  for (const [type, field, id, json] of expect) {
    const f = root.lookupType(type).fields[field];
    assert.ok(f, `${type}.${field}`);
    assert.equal(f.id, id, `${type}.${field} number`);
    if (json) assert.equal(f.options?.json_name, json, `${type}.${field} json_name`);
  }
  assert.equal(root.lookupType('flow.RangeSpec').fields.key_begin.type, 'fixed32');
  assert.equal(root.lookupEnum('flow.CaptureSpec.ConnectorType').values.IMAGE, 7);
});

test('proto codec: spec and discover round-trip through the child', async () => {
  const run = await runProto([internalSpec, { discover: { name: 'acmeCo/x', connector_type: 'IMAGE', config_json: JSON.stringify(GOOD_CONFIG) } }]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.responses.length, 2);
  const spec = run.responses[0].spec!;
  assert.equal(spec.protocol, 3032023);
  assert.deepEqual((JSON.parse(spec.config_schema_json) as JsonSchema).required, ['start_date', 'credentials']);
  assert.deepEqual(spec.resource_path_pointers, ['/stream']);
  assert.equal(spec.oauth2!.provider, 'pinterest');
  assert.match(JSON.parse(spec.oauth2!.access_token_headers_json_map.Authorization) as string, /^Basic /);
  const bindings = run.responses[1].discovered!.bindings;
  const boards = bindings.find((b) => b.recommended_name === 'boards')!;
  assert.deepEqual(JSON.parse(boards.resource_config_json), { stream: 'boards', syncMode: 'full_refresh', interval: 'PT24H' });
  assert.equal((JSON.parse(boards.document_schema_json) as JsonSchema)['x-infer-schema'], true);
  assert.deepEqual(boards.key, ['/id']);
});

test('proto codec: validate answers and rejects like the JSON codec', async () => {
  // Validate reaches Pinterest (credentials, ad account access): run it against the sandbox.
  const sb = await startSandbox({ staticToken: ACCESS_TOKEN });
  const config = { ...GOOD_CONFIG, advanced: { api_base_url: sb.baseUrl } };
  const ok = await runProto([internalSpec, { validate: { name: 'a/b', config_json: JSON.stringify(config), bindings: [{ resource_config_json: '{"stream":"ads"}', collection: { name: 'a/ads', key: ['/id'] } }] } }]).finally(() => sb.close());
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(ok.responses[1], { validated: { bindings: [{ resource_path: ['ads'] }] } });
  const bad = await runProto([internalSpec, { validate: { config_json: JSON.stringify(GOOD_CONFIG), bindings: [{ resource_config_json: '{"stream":"nope"}' }] } }]);
  assert.equal(bad.code, 1);
  assert.match(finalError(bad).msg, /binding 0 \(stream "nope"\): unknown stream/);
});

test('proto codec: a session with state, range, captured docs and merge-patch checkpoints', async () => {
  const open = {
    open: {
      capture: {
        name: 'a/test',
        connector_type: 'IMAGE',
        config_json: JSON.stringify({ docsPerPass: 3, checkpointEvery: 3 }),
        bindings: [{ resource_config_json: '{"stream":"alpha"}', resource_path: ['alpha'], backfill: 1, state_key: 'alpha.v1' }],
      },
      range: { key_begin: 0, key_end: 0x7fffffff },
      state_json: JSON.stringify({ bindingStateV1: { 'alpha.v1': counterState(7) } }),
    },
  };
  const run = await runProto([internalSpec, open], TEST_CONNECTOR, (n) => n >= 6);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.responses[1].opened);
  const docs = run.responses.filter((r) => r.captured).map((r) => JSON.parse(r.captured!.doc_json) as Record<string, unknown>);
  assert.equal(docs[0].id, 'alpha-7');
  assert.deepEqual(docs[0].range, [0, 0x7fffffff]);
  const last = run.responses.at(-1)!;
  assert.ok(last.checkpoint, 'ends on a checkpoint');
  const cp = run.responses.find((r) => r.checkpoint)!.checkpoint!.state;
  assert.equal(cp.merge_patch, true);
  assert.deepEqual(JSON.parse(cp.updated_json), { bindingStateV1: { 'alpha.v1': { subtasks: { counter: { updatedTime: 9 } } } } });
});
