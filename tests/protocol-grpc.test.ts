import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { GOOD_CONFIG, ROOT, spawnConnector, type JsonSchema, type ProtoResponse } from './flow-harness.js';
import { counterState } from './fixtures/test-source.js';
import { serveGrpc } from '../src/protocol/grpc-server.js';
import { runConnector } from '../src/connector/connector.js';
import { createLogger } from '../src/log.js';
import { testSource } from './fixtures/test-source.js';

// capture.Connector/Capture through a real @grpc/grpc-js client built by proto-loader from
// proto/capture.proto (proto field names, JSON text in *_json fields).

const pkgDef = protoLoader.loadSync(`${ROOT}/proto/capture.proto`, { includeDirs: [`${ROOT}/proto`], keepCase: true, enums: String, defaults: false });
type Msg = Record<string, unknown>;
/** The client proto-loader generates for capture.Connector. */
type ConnectorClient = grpc.Client & { Capture(): grpc.ClientDuplexStream<Msg, ProtoResponse> };
const capturePkg = (grpc.loadPackageDefinition(pkgDef) as unknown as { capture: { Connector: new (address: string, credentials: grpc.ChannelCredentials) => ConnectorClient } }).capture;

function rpc(port: number, requests: Msg[], opts: { endAfter?: (responses: ProtoResponse[]) => boolean } = {}): Promise<{ responses: ProtoResponse[]; error?: grpc.ServiceError }> {
  const client = new capturePkg.Connector(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = client.Capture();
  const responses: ProtoResponse[] = [];
  return new Promise((resolve) => {
    let ended = false;
    call.on('data', (r: ProtoResponse) => {
      responses.push(r);
      if (!ended && opts.endAfter?.(responses)) {
        ended = true;
        call.end();
      }
    });
    call.on('error', (error: grpc.ServiceError) => {
      client.close();
      resolve({ responses, error });
    });
    call.on('end', () => {
      client.close();
      resolve({ responses });
    });
    for (const r of requests) call.write(r);
    if (!opts.endAfter) call.end();
  });
}

test('serve: spec, discover and validate errors over gRPC; SIGTERM exits 0', async () => {
  const child = spawnConnector(['dist/main.js', 'serve', '--port', '0']);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const first = await new Promise<string>((resolve) => {
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.split('\n')[0]);
    });
  });
  const { port } = JSON.parse(first) as { port: number };
  assert.ok(port > 0);

  const internal = { spec: { connector_type: 'IMAGE', config_json: '{}' } };
  const unary = await rpc(port, [internal, { discover: { connector_type: 'IMAGE', config_json: JSON.stringify(GOOD_CONFIG) } }]);
  assert.equal(unary.error, undefined, stderr);
  assert.equal(unary.responses.length, 2);
  assert.equal(unary.responses[0].spec!.protocol, 3032023);
  assert.equal((JSON.parse(unary.responses[0].spec!.config_schema_json) as JsonSchema).properties!.credentials.discriminator!.propertyName, 'auth_method');
  const names = unary.responses[1].discovered!.bindings.map((b) => b.recommended_name);
  assert.ok(names.includes('ad_analytics') && names.includes('catalogs_feeds'));

  const bad = await rpc(port, [internal, { validate: { config_json: JSON.stringify(GOOD_CONFIG), bindings: [{ resource_config_json: '{"stream":"boards","syncMode":"incremental"}' }] } }]);
  assert.equal(bad.error?.code, grpc.status.INTERNAL);
  assert.match(bad.error.details, /binding 0 \(stream "boards"\): syncMode "incremental" is not supported/);

  // Calls are independent: the server keeps serving after a failed one.
  const again = await rpc(port, [internal]);
  assert.equal(again.responses.length, 1);

  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 0, stderr);
});

test('gRPC session: opened, captured, checkpoints; ending the request stream finishes at a checkpoint', async () => {
  const log = createLogger('warn');
  const source = testSource();
  const server = await serveGrpc((requests, sink, signal) => runConnector(source, requests, sink, { log, signal }), { host: '127.0.0.1', port: 0, log });
  try {
    const open = {
      open: {
        capture: {
          name: 'a/t',
          config_json: JSON.stringify({ docsPerPass: 500, checkpointEvery: 50, delayMs: 2 }),
          bindings: [
            { resource_config_json: '{"stream":"alpha"}', resource_path: ['alpha'], state_key: 'alpha' },
            { resource_config_json: '{"stream":"beta"}', resource_path: ['beta'], state_key: 'beta.v3', backfill: 3 },
          ],
        },
        state_json: JSON.stringify({ bindingStateV1: { beta: counterState(999) } }),
      },
    };
    const { responses, error } = await rpc(server.port, [{ spec: { config_json: '{}' } }, open], {
      endAfter: (rs) => rs.filter((r) => r.captured).length >= 30,
    });
    assert.equal(error, undefined);
    assert.ok(responses[0].spec && responses[1].opened);
    assert.ok(responses.at(-1)!.checkpoint, 'last message is a checkpoint');
    const beta = responses.filter((r) => r.captured?.binding === 1).map((r) => JSON.parse(r.captured!.doc_json) as Record<string, unknown>);
    assert.equal(beta[0].id, 'beta-0', 'bumped backfill (beta.v3) starts from empty state');
    for (const r of responses.filter((x) => x.checkpoint)) assert.equal(r.checkpoint!.state.merge_patch, true);
  } finally {
    await server.shutdown();
  }
});
