import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox, type FaultRule } from '../src/sandbox/index.js';
import { OAUTH, CLIENT_SECRET, TODAY, diffReduced, fastConfig, readCollections, reduceAll, runMain, streamKeys, tempDir, writeJson } from './reliability-helpers.js';

// A full `capture --once` of every stream (entities, sync analytics, async reports) against a
// sandbox failing in every way it can ends with the same collections as a fault-free run.

const OPERATIONS = (JSON.parse(readFileSync(new URL('../resources/openapi/operations.json', import.meta.url), 'utf8')) as { operations: Array<{ operationId: string }> }).operations.map((o) => o.operationId);
// A token answer cut off after Pinterest rotated the refresh token cannot be recovered by any
// client (the old token is spent, the new one never arrived): truncation spares oauth/token only.
const NOT_OAUTH = [...OPERATIONS.filter((o) => o !== 'oauth/token'), 'report/download'];

const FAULTS: FaultRule[] = [
  { kind: '500', probability: 0.07 },
  { kind: '503', probability: 0.07 },
  { kind: '429', probability: 0.08, retryAfterSeconds: 0.05 },
  { kind: '2726', probability: 0.08, retryAfterSeconds: 0.05, operations: ['ad_account/analytics', 'campaigns/analytics', 'ad_groups/analytics', 'ads/analytics', 'analytics/create_report'] },
  { kind: 'truncate', probability: 0.06, operations: NOT_OAUTH },
  { kind: 'reset', probability: 0.04 },
  { kind: 'expire', probability: 0.01 },
  { kind: 'slow', probability: 0.05, delayMs: 40 },
  // Report files are long streams: cut some of them off too.
  { kind: 'truncate', probability: 0.15, operations: ['report/download'] },
];

let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 11, today: TODAY, reportPolls: 1 });
});
after(() => sb.close());

async function captureOnce(config: Record<string, unknown>, streams?: string) {
  const dir = tempDir('faults');
  const out = join(dir, 'out');
  const configFile = writeJson(dir, 'config.json', config);
  const run = await runMain(['capture', '--config', configFile, '--once', '--output', out, ...(streams ? ['--streams', streams] : [])]);
  return { run, cols: readCollections(out), configFile };
}

test('every stream under 5xx, 429 code 8, truncated bodies, resets, token expiry and rotation captures exactly what a clean run does', { timeout: 180_000 }, async () => {
  const clean = await captureOnce(fastConfig(sb));
  assert.equal(clean.run.code, 0, clean.run.stderr.slice(-2000));
  const keys = streamKeys(fastConfig(sb));
  const expected = reduceAll(clean.cols, keys);
  const streams = Object.keys(keys);
  for (const s of streams) assert.ok((expected[s]?.size ?? 0) > 0, `the clean run captured ${s}`);

  // Faulty run: OAuth with rotating refresh tokens and access tokens that live 2 s.
  sb.control({ action: 'tokens', addRefreshToken: 'pinr_faults_run', accessTokenTtlSeconds: 2 });
  sb.resetStats();
  sb.setFaults(FAULTS);
  let faulty;
  try {
    faulty = await captureOnce(fastConfig(sb, {}, { ...OAUTH, refresh_token: 'pinr_faults_run' }));
  } finally {
    sb.setFaults([]);
    sb.control({ action: 'tokens', accessTokenTtlSeconds: 30 * 86_400 });
  }
  const stats = sb.stats();
  if (faulty.run.code !== 0) console.log(sb.requests().filter((r) => r.status === 401 || r.operationId === 'oauth/token' || r.path.includes('conversion_tags')).map((r) => `${r.operationId} ${r.path} ${r.status} ${r.fault ?? ''}`).join('\n'));
  assert.equal(faulty.run.code, 0, JSON.stringify(faulty.run.logs.filter((l) => l.level === 'error' || l.level === 'warn')));

  const total = stats.total;
  const f = stats.faults;
  const fiveXX = (f['500'] ?? 0) + (f['503'] ?? 0);
  const rate429 = f['429'] ?? 0;
  console.log(`faults injected over ${total} requests: ${JSON.stringify(f)}`);
  assert.ok(fiveXX / total >= 0.1, `≥10% 5xx (${fiveXX}/${total})`);
  assert.ok(rate429 / total >= 0.05, `≥5% 429 code 8 (${rate429}/${total})`);
  for (const k of ['truncate', 'reset', 'expire', '2726', 'slow']) assert.ok((f[k] ?? 0) > 0, `${k} faults were injected`);
  assert.ok((stats.byOperation['report/download']?.total ?? 0) > (clean.cols.campaign_analytics_report ? 0 : -1));
  const downloads = stats.byOperation['report/download'];
  assert.ok(downloads.total > Object.keys(keys).filter((s) => s.endsWith('_report')).length * 2, 'some report downloads were retried');

  const got = reduceAll(faulty.cols, keys);
  const diff = diffReduced(expected, got);
  assert.equal(diff, undefined, diff);
  const docs = Object.values(expected).reduce((n, m) => n + m.size, 0);
  console.log(`compared ${docs} documents (by key) in ${streams.length} streams: identical`);

  // Rotation, run locally: no configUpdate for a Flow runtime (nor a call to Estuary's encryption
  // service); each rotated refresh token is saved to the config file as it arrives.
  const rotations = stats.byOperation['oauth/token']?.byStatus['200'] ?? 0;
  assert.ok(rotations >= 2, `the token expired and rotated mid-run (${rotations} refreshes)`);
  assert.equal(faulty.run.logs.filter((l) => l.fields?.eventType === 'configUpdate').length, 0);
  const saves = faulty.run.logs.filter((l) => /saved the updated credentials\.refresh_token/.test(l.msg ?? ''));
  assert.equal(saves.length, rotations, 'the config file is updated once per rotated refresh token');
  const saved = JSON.parse(readFileSync(faulty.configFile, 'utf8')) as { credentials: Record<string, string>; [field: string]: unknown };
  const token = saved.credentials.refresh_token;
  assert.match(token, /^pinr_/);
  assert.notEqual(token, 'pinr_faults_run');
  assert.equal(saved.credentials.client_secret, CLIENT_SECRET, 'the rest of the file is kept');
  // The access token and its expiry are saved with it: the next run starts without a refresh.
  assert.match(saved.credentials.access_token, /^pina_/);
  assert.ok(Number.isFinite(Date.parse(saved.credentials.access_token_expires_at)), 'with its expiry (2 s tokens here)');
  const tokens = [token];
  // The saved token is the one that works now: the next local run just uses the same file.
  const probe = await runMain(['capture', '--config', faulty.configFile, '--once', '--streams', 'boards', '--output', join(tempDir('faults'), 'out')]);
  assert.equal(probe.code, 0, probe.stderr.slice(-1000));

  // No secret in the clear anywhere, configUpdate events included.
  const output = faulty.run.stderr + faulty.run.stdout;
  for (const secret of [CLIENT_SECRET, 'pinr_faults_run', ...tokens]) assert.ok(!output.includes(secret), 'no secret in the output');
  assert.ok(!/pina_[a-z0-9]{6,}/.test(faulty.run.stderr), 'no access token in the logs');
  // Catalog feed credentials never reach a document or a log.
  const feedPasswords = sb.data.feeds().map((f) => (f.credentials as { password?: string } | undefined)?.password).filter((p): p is string => !!p);
  assert.ok(feedPasswords.length > 0, 'the sandbox feeds carry credentials');
  const everything = faulty.run.stderr + faulty.run.stdout + JSON.stringify(faulty.cols);
  for (const p of feedPasswords) assert.ok(!everything.includes(p), 'no feed password in any output');
});
