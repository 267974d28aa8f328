import { spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

// Drives a connector process the way Flow's runtime does: the internal spec request first, then
// the real request(s), then EOF; responses must carry only protocol-defined fields.

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MAIN = ['dist/main.js'];
export const TEST_CONNECTOR = ['--import', 'tsx', 'tests/fixtures/test-connector.ts'];
export const INTERNAL_SPEC = { spec: { connectorType: 'IMAGE', config: {} } };

export const ACCESS_TOKEN = 'pina_TESTSECRET_0123456789';
export const GOOD_CONFIG = {
  start_date: '2025-01-01',
  credentials: { auth_method: 'access_token', access_token: ACCESS_TOKEN },
};

/** The parts of a JSON Schema the tests read; anything else is `unknown`. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  discriminator?: { propertyName: string };
  default?: unknown;
  maximum?: number;
  [keyword: string]: unknown;
}

export interface OAuth2Spec {
  provider: string;
  authUrlTemplate: string;
  accessTokenUrlTemplate: string;
  accessTokenMethod?: string;
  accessTokenBody?: string;
  accessTokenHeaders: Record<string, string>;
  accessTokenResponseMap: Record<string, string>;
  refreshTokenUrlTemplate?: string;
  refreshTokenMethod?: string;
  refreshTokenBody?: string;
  refreshTokenHeaders?: Record<string, string>;
  refreshTokenResponseMap?: Record<string, string>;
}

export interface SpecResponse {
  protocol: number;
  configSchema: JsonSchema;
  resourceConfigSchema: JsonSchema;
  documentationUrl: string;
  oauth2?: OAuth2Spec;
  resourcePathPointers: string[];
}

export interface DiscoveredBinding {
  recommendedName: string;
  resourceConfig: Record<string, unknown>;
  documentSchema: JsonSchema;
  key: string[];
  disable?: boolean;
  resourcePath?: string[];
  isFallbackKey?: boolean;
}

/** One capture.Response as the JSON codec writes it: exactly one of these is set. */
export interface Response {
  spec?: SpecResponse;
  discovered?: { bindings: DiscoveredBinding[] };
  validated?: { bindings: Array<{ resourcePath: string[] }> };
  applied?: { actionDescription?: string };
  opened?: { explicitAcknowledgements?: boolean };
  captured?: { binding?: number; doc: Record<string, unknown> };
  sourcedSchema?: { binding?: number; documentSchema: JsonSchema };
  checkpoint?: { state: { updated: Record<string, unknown>; mergePatch?: boolean } };
}

/** One capture.Response with proto field names (JSON text in *_json fields): the parts the tests read. */
export interface ProtoResponse {
  spec?: {
    protocol: number;
    config_schema_json: string;
    resource_config_schema_json?: string;
    documentation_url?: string;
    oauth2?: { provider: string; access_token_headers_json_map: Record<string, string>; [field: string]: unknown };
    resource_path_pointers: string[];
  };
  discovered?: { bindings: Array<{ recommended_name: string; resource_config_json: string; document_schema_json: string; key: string[]; [field: string]: unknown }> };
  validated?: { bindings: Array<{ resource_path: string[] }> };
  applied?: { action_description?: string };
  opened?: { explicit_acknowledgements?: boolean };
  captured?: { binding?: number; doc_json: string };
  checkpoint?: { state: { updated_json: string; merge_patch?: boolean } };
}

/** One structured log line on stderr. */
export interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
  binding?: number;
  stream?: string;
  [key: string]: unknown;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  responses: Response[];
  logs: LogLine[];
  stderr: string;
}

export function spawnConnector(args = MAIN, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function collect(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      const lines = stdout.split('\n');
      assert.equal(lines.pop(), '', 'stdout must end with a newline (no partial message)');
      resolve({
        code,
        signal,
        stdout,
        stderr,
        responses: lines.map((l) => JSON.parse(l) as Response),
        logs: stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine),
      });
    });
  });
}

/** Runs one connector process over the given requests (JSON codec) and waits for it to exit. */
export async function runJson(requests: unknown[], opts: { args?: string[]; env?: Record<string, string> } = {}): Promise<Run> {
  const child = spawnConnector(opts.args, opts.env);
  const done = collect(child);
  child.stdin!.end(requests.map((r) => JSON.stringify(r) + '\n').join(''));
  return done;
}

// Field names Flow's capture.Response (and nested messages) define, in json_name form.
const OAUTH2 = new Set([
  'provider', 'authUrlTemplate', 'accessTokenUrlTemplate', 'accessTokenMethod', 'accessTokenBody', 'accessTokenHeaders',
  'accessTokenResponseMap', 'refreshTokenUrlTemplate', 'refreshTokenMethod', 'refreshTokenBody', 'refreshTokenHeaders', 'refreshTokenResponseMap',
]);
const only = (obj: Record<string, unknown>, allowed: string[] | Set<string>, where: string) => {
  const set = allowed instanceof Set ? allowed : new Set(allowed);
  for (const k of Object.keys(obj)) assert.ok(set.has(k), `${where}: field "${k}" is not defined by Flow's protocol`);
};

type Fields = Record<string, unknown>;

export function assertProtocolResponse(res: Response): string {
  const keys = Object.keys(res);
  assert.equal(keys.length, 1, `response must carry exactly one message: ${keys.join(',')}`);
  const type = keys[0];
  const value: unknown = (res as Fields)[type];
  assert.equal(typeof value, 'object');
  const body = value as Fields;
  switch (type) {
    case 'spec':
      only(body, ['protocol', 'configSchema', 'resourceConfigSchema', 'documentationUrl', 'oauth2', 'resourcePathPointers'], 'spec');
      assert.equal(body.protocol, 3032023);
      if (body.oauth2) only(body.oauth2 as Fields, OAUTH2, 'spec.oauth2');
      break;
    case 'discovered':
      only(body, ['bindings'], 'discovered');
      for (const b of body.bindings as Fields[]) only(b, ['recommendedName', 'resourceConfig', 'documentSchema', 'key', 'disable', 'resourcePath', 'isFallbackKey'], 'discovered.bindings[]');
      break;
    case 'validated':
      only(body, ['bindings'], 'validated');
      for (const b of body.bindings as Fields[]) only(b, ['resourcePath'], 'validated.bindings[]');
      break;
    case 'applied':
      only(body, ['actionDescription'], 'applied');
      break;
    case 'opened':
      only(body, ['explicitAcknowledgements'], 'opened');
      break;
    case 'captured':
      only(body, ['binding', 'doc'], 'captured');
      assert.equal(typeof body.binding === 'number' || body.binding === undefined, true);
      assert.equal(typeof body.doc, 'object');
      break;
    case 'sourcedSchema':
      only(body, ['binding', 'documentSchema'], 'sourcedSchema');
      break;
    case 'checkpoint':
      only(body, ['state'], 'checkpoint');
      only(body.state as Fields, ['updated', 'mergePatch'], 'checkpoint.state');
      assert.equal(typeof (body.state as Fields).updated, 'object', 'checkpoint must carry state');
      break;
    default:
      assert.fail(`unknown response type ${type}`);
  }
  return type;
}

/** The one error line a failing connector must end with. */
export function finalError(run: Pick<Run, 'logs'>): LogLine {
  const last = run.logs.at(-1);
  assert.ok(last, 'a failing connector must log an error line');
  assert.equal(last.level, 'error');
  assert.ok(!/\n\s+at /.test(last.msg), 'error message must not be a stack trace');
  return last;
}
