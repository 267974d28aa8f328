import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startSandbox } from '../src/sandbox/index.js';
import { parseConfig } from '../src/pinterest/config-parse.js';
import { validateAccess } from '../src/pinterest/validate.js';
import { UserError } from '../src/errors.js';
import { ENTITY_STREAMS, expectedIds, quietLog, runPass, sandboxConfig } from './entities-helpers.js';

const bind = (...streams: string[]) => streams.map((stream) => ({ stream }));

test('validate: reachable streams pass; a refused beta endpoint, a missing scope, an inaccessible account or a bad token name the binding/field', async () => {
  const sb = await startSandbox({ scale: 'small', pinAnalytics: false });
  try {
    const ok = parseConfig(sandboxConfig(sb));
    await validateAccess(ok, bind(...ENTITY_STREAMS), quietLog);
    await assert.rejects(validateAccess(ok, bind('boards', 'pin_analytics'), quietLog), (e: Error) => e instanceof UserError && /pin_analytics/.test(e.message) && !/boards,/.test(e.message));

    const acct = parseConfig({ ...sandboxConfig(sb), account_ids: [sb.data.adAccountIds()[0], '999999999'] });
    await assert.rejects(validateAccess(acct, bind('campaigns'), quietLog), (e: Error) => e instanceof UserError && /account_ids/.test(e.message) && /999999999/.test(e.message) && /campaigns/.test(e.message));

    const bad = parseConfig(sandboxConfig(sb, {}, { auth_method: 'access_token', access_token: 'pina_bad_token' }));
    await assert.rejects(validateAccess(bad, bind('boards'), quietLog), (e: Error) => e instanceof UserError && /credentials\.access_token/.test(e.message) && !/pina_bad_token/.test(e.message));
  } finally {
    await sb.close();
  }
  const noAds = await startSandbox({ scale: 'small', scopes: ['boards:read', 'pins:read', 'user_accounts:read'] });
  try {
    const cfg = parseConfig(sandboxConfig(noAds));
    await validateAccess(cfg, bind('boards', 'user_account'), quietLog);
    await assert.rejects(validateAccess(cfg, bind('boards', 'ads', 'campaigns', 'catalogs'), quietLog), (e: Error) => e instanceof UserError && /ads, campaigns/.test(e.message) && /ads:read/.test(e.message));
  } finally {
    await noAds.close();
  }
});

test('catalogs_product_groups: the 409 "no catalog" answer is an empty stream', async () => {
  const sb = await startSandbox({ scale: 'small', shape: { catalogs: 0 } });
  try {
    const run = await runPass(sandboxConfig(sb), 'catalogs_product_groups');
    assert.equal(run.docs.length, 0);
    assert.equal(sb.requests().filter((r) => r.status === 409).length, 1);
  } finally {
    await sb.close();
  }
});

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/main.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('child process: `capture --once` over OAuth captures every entity and keeps the rotated refresh token in its YAML config file', async () => {
  const sb = await startSandbox({ scale: 'small', seed: 5 });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'entities-cli-'));
    const cfgFile = join(dir, 'config.yaml');
    const yamlText = `# my local Pinterest capture\n${stringifyYaml(sandboxConfig(sb, { page_size: 10 }, { auth_method: 'oauth2.0', client_id: 'sandbox-client', client_secret: 'sandbox-secret', refresh_token: 'pinr_sandbox' }))}`;
    writeFileSync(cfgFile, yamlText);
    const out = join(dir, 'out');
    const res = await runCli(['capture', '--config', cfgFile, '--once', '--streams', ENTITY_STREAMS.join(','), '--output', out]);
    assert.equal(res.code, 0, res.stderr.slice(-2000));
    const want = expectedIds(sb);
    const files = new Set(readdirSync(out));
    for (const stream of ENTITY_STREAMS) {
      assert.ok(files.has(`${stream}.jsonl`), stream);
      const docs = readFileSync(join(out, `${stream}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const ids = docs.map((d) => String(stream === 'user_account' ? d.username : d.id)).sort();
      assert.deepEqual(ids, want[stream], stream);
    }
    // One refresh for the session. Run locally, the rotated token goes back into the config file
    // (comments kept) rather than to a Flow runtime: no configUpdate event, no encryption service.
    const lines = res.stderr.trim().split('\n').map((l) => JSON.parse(l) as { msg?: string; fields?: { eventType?: string } });
    assert.equal(lines.filter((l) => l.fields?.eventType === 'configUpdate').length, 0);
    assert.equal(lines.filter((l) => /saved the updated credentials\.refresh_token/.test(l.msg ?? '')).length, 1);
    const savedText = readFileSync(cfgFile, 'utf8');
    assert.ok(savedText.startsWith('# my local Pinterest capture\n'), 'the file keeps its comments');
    const rotated = (parseYaml(savedText) as { credentials: { refresh_token: string } }).credentials.refresh_token;
    assert.match(rotated, /^pinr_/);
    assert.notEqual(rotated, 'pinr_sandbox');
    assert.ok(!res.stderr.includes(rotated), 'the new token never appears in the logs');
    assert.ok(!res.stderr.includes('sandbox-secret'), 'nor the client secret');
    assert.equal(sb.requests().filter((r) => r.operationId === 'oauth/token').length, 1);
    // The old token is dead now; the next local run works from the same file.
    const again = await runCli(['capture', '--config', cfgFile, '--once', '--streams', 'boards', '--output', join(dir, 'out2')]);
    assert.equal(again.code, 0, again.stderr.slice(-2000));
  } finally {
    await sb.close();
  }
});
