import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxDecrypt, startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { spawn } from 'node:child_process';
import { INTERNAL_SPEC, ROOT } from './flow-harness.js';
import { parseLogLines, runMain, type ChildRun } from './reliability-helpers.js';

// Every user mistake — in the endpoint config, the bindings, the credentials or the protocol input —
// ends with exit 1 and exactly one error line that names what to fix, never a stack trace, and
// never a secret anywhere in the output.

const TOKEN = 'pina_TESTSECRET_7f3a9c';
const CLIENT_SECRET = 'client-SECRET-42x';
const REFRESH = 'pinr_TESTSECRET_revoked';
const SECRETS = [TOKEN, CLIENT_SECRET, REFRESH, 'pina_sandbox', 'sandbox-secret', 'pinr_sandbox', 'sandbox-feed-secret'];

let sb: Sandbox; // full access
let narrow: Sandbox; // a token without catalogs:read
before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 5 });
  narrow = await startSandbox({ scale: 'small', seed: 5, scopes: ['ads:read', 'boards:read', 'pins:read', 'user_accounts:read'] });
});
after(async () => {
  await sb.close();
  await narrow.close();
});

type Doc = Record<string, unknown>;
const base = (over: Doc = {}, advanced: Doc = {}): Doc => ({
  start_date: '2025-01-01',
  credentials: { auth_method: 'access_token', access_token: TOKEN },
  ...over,
  advanced: { api_base_url: sb.baseUrl, retry_base_ms: 5, max_retries: 1, ...advanced },
});
const valid = (over: Doc = {}, advanced: Doc = {}) => base({ credentials: { auth_method: 'access_token', access_token: 'pina_sandbox' }, ...over }, advanced);
const binding = (stream: string, extra: Doc = {}) => ({ resourceConfig: { stream, ...extra }, resourcePath: [stream], collection: { name: `acmeCo/${stream}` } });
const validate = (config: unknown, streams: Array<string | Doc> = ['boards']) => ({
  validate: { name: 'acmeCo/pinterest', connectorType: 'IMAGE', config, bindings: streams.map((s) => (typeof s === 'string' ? binding(s) : s)) },
});
const open = (config: unknown, bindings: unknown[], state: unknown = {}) => ({
  open: { capture: { name: 'acmeCo/pinterest', connectorType: 'IMAGE', config, bindings, intervalSeconds: 300 }, version: 'v1', state },
});
const lines = (...reqs: unknown[]) => [INTERNAL_SPEC, ...reqs].map((r) => (typeof r === 'string' ? r : JSON.stringify(r)) + '\n').join('');

interface Case {
  name: string;
  /** stdin for `node dist/main.js` (JSON codec unless env says otherwise). */
  input: () => string | Buffer;
  env?: Record<string, string>;
  /** What the message must name. */
  expect: RegExp;
}

const CONFIG_CASES: Case[] = [
  { name: 'missing start_date', input: () => lines(validate(base({ start_date: undefined }))), expect: /start_date.*required/ },
  { name: 'start_date of the wrong type', input: () => lines(validate(base({ start_date: 20250101 }))), expect: /start_date.*string/ },
  { name: 'malformed start_date', input: () => lines(validate(base({ start_date: '2025-13-45' }))), expect: /start_date.*(date|YYYY-MM-DD)/ },
  { name: 'start_date in another format', input: () => lines(validate(base({ start_date: '01/02/2025' }))), expect: /start_date.*(date|YYYY-MM-DD)/ },
  { name: 'start_date in the future', input: () => lines(validate(base({ start_date: '2999-01-01' }))), expect: /start_date.*future/ },
  { name: 'missing credentials', input: () => lines(validate(base({ credentials: undefined }))), expect: /credentials.*required/ },
  { name: 'unknown auth_method', input: () => lines(validate(base({ credentials: { auth_method: 'password', password: TOKEN } }))), expect: /auth_method.*oauth2\.0.*access_token/ },
  { name: 'access token missing', input: () => lines(validate(base({ credentials: { auth_method: 'access_token' } }))), expect: /credentials\/access_token.*required/ },
  { name: 'OAuth without client_secret', input: () => lines(validate(base({ credentials: { auth_method: 'oauth2.0', client_id: 'x', refresh_token: REFRESH } }))), expect: /client_secret.*required/ },
  { name: 'access token of the wrong type', input: () => lines(validate(base({ credentials: { auth_method: 'access_token', access_token: 12345 } }))), expect: /credentials\/access_token/ },
  { name: 'plain http:// to a remote host', input: () => lines(validate(base({}, { api_base_url: 'http://api.pinterest.com/v5' }))), expect: /api_base_url.*https/ },
  { name: 'page_size 0', input: () => lines(validate(base({}, { page_size: 0 }))), expect: /page_size.*(>=|at least|minimum).*1/ },
  { name: 'page_size 251', input: () => lines(validate(base({}, { page_size: 251 }))), expect: /page_size.*250/ },
  { name: 'lookback_window_days 90', input: () => lines(validate(base({ lookback_window_days: 90 }))), expect: /lookback_window_days.*89/ },
  { name: 'attribution window not in the enum', input: () => lines(validate(base({ attribution: { click_window_days: 3 } }))), expect: /click_window_days.*60/ },
  { name: 'unknown entity status', input: () => lines(validate(base({ entity_statuses: ['RUNNING'] }))), expect: /entity_statuses.*ACTIVE/ },
  { name: 'account id that is not digits', input: () => lines(validate(base({ account_ids: ['acct-1'] }))), expect: /account_ids/ },
  { name: 'negative max_retries', input: () => lines(validate(base({}, { max_retries: -1 }))), expect: /advanced\/max_retries/ },
  { name: 'config that is not an object', input: () => lines(validate('start_date: 2025-01-01')), expect: /config.*object/ },
  { name: 'custom report with an unknown level', input: () => lines(validate(base({ custom_reports: [{ name: 'x', level: 'EVERYTHING', columns: ['SPEND_IN_DOLLAR'] }] }))), expect: /custom_reports\/0\/level/ },
  { name: 'unknown stream', input: () => lines(validate(valid(), ['boards', 'pinz'])), expect: /binding 1.*stream "pinz".*unknown/ },
  { name: 'unsupported syncMode', input: () => lines(validate(valid(), [binding('user_account_analytics', { syncMode: 'full_refresh' })])), expect: /user_account_analytics.*syncMode.*full_refresh/ },
  { name: 'syncMode that is no mode', input: () => lines(validate(valid(), [binding('campaigns', { syncMode: 'sometimes' })])), expect: /campaigns.*syncMode.*sometimes/ },
  { name: 'interval that is no ISO-8601 duration', input: () => lines(validate(valid(), [binding('boards', { interval: 'every hour' })])), expect: /boards.*interval.*ISO-8601/ },
  { name: 'wrong access token (Pinterest answers 401)', input: () => lines(validate(base())), expect: /credentials\.access_token/ },
  { name: 'revoked refresh token', input: () => lines(validate(base({ credentials: { auth_method: 'oauth2.0', client_id: 'sandbox-client', client_secret: 'sandbox-secret', refresh_token: REFRESH } }))), expect: /credentials\.refresh_token/ },
  { name: 'wrong client secret', input: () => lines(validate(base({ credentials: { auth_method: 'oauth2.0', client_id: 'sandbox-client', client_secret: CLIENT_SECRET, refresh_token: 'pinr_sandbox' } }))), expect: /client_secret/ },
  { name: 'token without the scope a stream needs', input: () => lines(validate(valid({}, { api_base_url: narrow.baseUrl }), ['boards', 'catalogs_feeds'])), expect: /catalogs_feeds.*catalogs:read/ },
  { name: 'ad account the token cannot read', input: () => lines(validate(valid({ account_ids: ['123456789'] }), ['campaigns'])), expect: /account_ids.*123456789/ },
  { name: 'unknown stream in open', input: () => lines(open(valid(), [{ ...binding('boards'), stateKey: 'boards' }, { ...binding('pinz'), stateKey: 'pinz' }])), expect: /binding 1.*pinz/ },
];

function frame(bytes: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(bytes.length);
  return Buffer.concat([len, bytes]);
}

const PROTOCOL_CASES: Case[] = [
  { name: 'a line that is not JSON', input: () => lines('{"spec": {"connectorType": "IMAGE"'), expect: /line 2.*not valid JSON/ },
  { name: 'unknown request type', input: () => lines({ frobnicate: {} }), expect: /unknown request type.*frobnicate/ },
  { name: 'a request that is not an object', input: () => lines('[1,2,3]'), expect: /request.*object/ },
  { name: 'acknowledge before open', input: () => lines({ acknowledge: {} }), expect: /acknowledge.*before open/ },
  { name: 'open whose state is not JSON object', input: () => lines(open(valid(), [{ ...binding('boards'), stateKey: 'boards' }], '{"bindingStateV1": ')), expect: /state/ },
  { name: 'open whose bindingStateV1 is no object', input: () => lines(open(valid(), [{ ...binding('boards'), stateKey: 'boards' }], { bindingStateV1: [1] })), expect: /state.*bindingStateV1/ },
  { name: 'open with a binding without resourceConfig', input: () => lines(open(valid(), [{ resourcePath: ['boards'], stateKey: 'boards' }])), expect: /binding 0.*resource config/ },
  { name: 'open with two bindings sharing a stateKey', input: () => lines(open(valid(), [{ ...binding('boards'), stateKey: 'same' }, { ...binding('board_pins'), stateKey: 'same' }])), expect: /binding 1.*stateKey "same"/ },
  { name: 'open without a capture', input: () => lines({ open: { version: 'v1', state: {} } }), expect: /open.*capture/ },
  {
    name: 'proto frame cut off (FLOW_RUNTIME_CODEC=proto)',
    env: { FLOW_RUNTIME_CODEC: 'proto' },
    input: () => {
      const whole = frame(Buffer.from([0x0a, 0x02, 0x08, 0x01])); // Request{spec{connector_type: IMAGE}}
      const cut = Buffer.concat([Buffer.from([40, 0, 0, 0]), Buffer.from([0x0a, 0x02, 0x08])]);
      return Buffer.concat([whole, cut]);
    },
    expect: /input ended inside a length-prefixed message/,
  },
  {
    name: 'proto frame that is no capture.Request (FLOW_RUNTIME_CODEC=proto)',
    env: { FLOW_RUNTIME_CODEC: 'proto' },
    input: () => frame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])),
    expect: /not a valid capture\.Request/,
  },
];

function assertOneClearError(c: Case, run: ChildRun): void {
  const all = run.stdout + run.stderr;
  for (const s of SECRETS) assert.ok(!all.includes(s), `${c.name}: secret ${s.slice(0, 8)}… leaked:\n${run.stderr}`);
  assert.equal(run.code, 1, `${c.name}: exit 1 (stderr: ${run.stderr.slice(-600)})`);
  const errors = run.logs.filter((l) => l.level === 'error' || l.level === 'fatal');
  assert.equal(errors.length, 1, `${c.name}: exactly one error line:\n${run.stderr}`);
  const e = errors[0];
  assert.equal(run.logs.at(-1), e, `${c.name}: the error is the last line`);
  assert.equal(typeof e.msg, 'string');
  assert.ok(!/\n\s+at |\bat .*\.(js|ts):\d+/.test(e.msg), `${c.name}: no stack trace as the message: ${e.msg}`);
  assert.ok(!/\[object Object\]|undefined|TypeError|ReferenceError|Cannot read prop/.test(e.msg), `${c.name}: human-readable: ${e.msg}`);
  assert.ok(e.msg.length < 500, `${c.name}: one sentence or two, not a dump (${e.msg.length} chars)`);
  assert.match(e.msg, c.expect, `${c.name}: ${e.msg}`);
  assert.ok(!run.logs.some((l) => l.level === 'non-json'), `${c.name}: only JSON lines on stderr:\n${run.stderr}`);
}

async function runCases(cases: Case[]): Promise<void> {
  // Two at a time: each case is its own process.
  const queue = [...cases];
  const results: Array<[Case, ChildRun]> = [];
  await Promise.all(
    [0, 1, 2].map(async () => {
      for (let c = queue.shift(); c; c = queue.shift()) results.push([c, await runMain([], c.env ?? {}, c.input())]);
    }),
  );
  const failures: string[] = [];
  for (const [c, run] of results) {
    try {
      assertOneClearError(c, run);
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  assert.deepEqual(failures, []);
}

test(`${CONFIG_CASES.length} bad configs, bindings and credentials: exit 1, one clear error naming the field or stream, no secret`, { timeout: 180_000 }, async () => {
  assert.ok(CONFIG_CASES.length >= 15);
  await runCases(CONFIG_CASES);
});

test(`${PROTOCOL_CASES.length} malformed protocol inputs: exit 1, one clear error, no secret`, { timeout: 180_000 }, async () => {
  assert.ok(PROTOCOL_CASES.length >= 5);
  await runCases(PROTOCOL_CASES);
});

test('a refresh token revoked mid-capture ends the session with one error naming credentials.refresh_token, no secret', { timeout: 180_000 }, async () => {
  sb.control({ action: 'tokens', addRefreshToken: REFRESH });
  const config = base({ credentials: { auth_method: 'oauth2.0', client_id: 'sandbox-client', client_secret: 'sandbox-secret', refresh_token: REFRESH } }, { page_size: 1 });
  const bindings = [{ ...binding('boards'), stateKey: 'boards' }, { ...binding('board_pins'), stateKey: 'board_pins' }];
  const env = { ...process.env, LOG_LEVEL: 'info', ENCRYPTION_URL: `${sb.origin}/_sandbox/encrypt-config` };
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let revoked = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (!revoked && stdout.includes('"captured"')) {
      revoked = true;
      // Pinterest revokes the app's grant: refresh tokens and access tokens stop working.
      sb.control({ action: 'tokens', revokeRefreshTokens: true, expireAccessTokens: true });
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.write(lines(open(config, bindings)));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  sb.control({ action: 'tokens', addRefreshToken: 'pinr_sandbox' });
  assert.ok(revoked, 'the capture had started');
  const logs = parseLogLines(stderr);
  // The rotated refresh token was published (encrypted) before the revocation; nothing leaks.
  const updates = logs.filter((l) => l.fields?.eventType === 'configUpdate');
  assert.equal(updates.length, 1);
  // Under Flow the full config goes to the runtime, encrypted by the ENCRYPTION_URL service.
  const published = updates[0].fields!.config as { credentials: Record<string, string>; [field: string]: unknown };
  assert.match(published.credentials.refresh_token, /^ENC\[sandbox,/, 'the published config is encrypted');
  const decrypted = sandboxDecrypt(published) as { credentials: Record<string, string>; [field: string]: unknown };
  assert.match(decrypted.credentials.refresh_token, /^pinr_/);
  assert.notEqual(decrypted.credentials.refresh_token, REFRESH, 'it carries the rotated token');
  assert.equal(decrypted.credentials.client_secret, 'sandbox-secret', 'the full config, credentials included');
  // The access token and its expiry are kept too (the next session need not refresh), and
  // nothing parsing fills in: the published config is the one the runtime handed over plus credentials.
  assert.match(decrypted.credentials.access_token, /^pina_/);
  assert.ok(Date.parse(decrypted.credentials.access_token_expires_at) > Date.now());
  assert.deepEqual(Object.keys(decrypted).sort(), Object.keys(config).sort());
  for (const s of SECRETS) assert.ok(!(stderr + stdout).includes(s), `secret ${s.slice(0, 8)}… leaked`);
  assert.equal(code, 1, stderr.slice(-800));
  const errors = logs.filter((l) => l.level === 'error');
  assert.equal(errors.length, 1, stderr);
  assert.equal(logs.at(-1), errors[0]);
  assert.match(errors[0].msg, /credentials\.refresh_token.*(revoked|expired)/);
});
