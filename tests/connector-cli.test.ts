import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { ACCESS_TOKEN, GOOD_CONFIG, ROOT, type DiscoveredBinding, type LogLine, type SpecResponse } from './flow-harness.js';
import { startSandbox } from '../src/sandbox/index.js';

// The command line of SPEC §7 (spec, discover, validate, capture), as a user runs it.

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['dist/main.js', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const dir = mkdtempSync(join(tmpdir(), 'pinterest-cli-'));

test('--help lists every command and each command has its own help', async () => {
  const top = await cli(['--help']);
  assert.equal(top.code, 0);
  for (const c of ['serve', 'spec', 'discover', 'validate', 'capture']) assert.match(top.stdout, new RegExp(`\\n  ${c}\\b`));
  const cap = await cli(['capture', '--help']);
  assert.equal(cap.code, 0);
  for (const o of ['--config', '--state', '--streams', '--once', '--output']) assert.ok(cap.stdout.includes(o), o);
  const serve = await cli(['serve', '--help']);
  assert.ok(serve.stdout.includes('--port') && serve.stdout.includes('--host'));
});

test('spec and discover (YAML config)', async () => {
  const spec = await cli(['spec']);
  assert.equal(spec.code, 0);
  assert.equal((JSON.parse(spec.stdout) as SpecResponse).protocol, 3032023);

  const yamlFile = join(dir, 'config.yaml');
  writeFileSync(yamlFile, toYaml(GOOD_CONFIG));
  const disc = await cli(['discover', '--config', yamlFile]);
  assert.equal(disc.code, 0, disc.stderr);
  const lines = disc.stdout.trim().split('\n').map((l) => JSON.parse(l) as DiscoveredBinding);
  assert.ok(lines.length >= 34);
  assert.ok(lines.every((b) => b.recommendedName && b.key.length && b.documentSchema['x-infer-schema'] === true));
});

test('user errors: one JSON error line, exit 1, no secret', async () => {
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify(GOOD_CONFIG));
  for (const [args, msg] of [
    [['validate', '--config', cfg, '--streams', 'boards,nope'], /binding 1 \(stream "nope"\): unknown stream "nope"/],
    [['capture', '--config', cfg, '--streams', 'nope', '--once'], /unknown stream "nope"/],
    [['discover', '--config', join(dir, 'missing.json')], /config file .*missing\.json: no such file$/],
  ] as const) {
    const r = await cli([...args]);
    assert.equal(r.code, 1, r.stderr);
    const last = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as LogLine;
    assert.equal(last.level, 'error');
    assert.match(last.msg, msg);
    assert.ok(!r.stderr.includes(ACCESS_TOKEN) && !r.stdout.includes(ACCESS_TOKEN));
  }
});

test('capture --once against the sandbox: {"stream","doc"} lines, state written and resumed', async () => {
  const sb = await startSandbox({ staticToken: ACCESS_TOKEN, scale: 'small' });
  try {
    const cfg = join(dir, 'sb.json');
    writeFileSync(cfg, JSON.stringify({ ...GOOD_CONFIG, advanced: { api_base_url: sb.baseUrl } }));
    const stateFile = join(dir, 'state.json');
    const r = await cli(['capture', '--config', cfg, '--streams', 'boards,campaigns', '--once', '--state', stateFile]);
    assert.equal(r.code, 0, r.stderr);
    const docs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { stream: string; doc: Record<string, unknown> });
    assert.ok(docs.some((d) => d.stream === 'boards') && docs.some((d) => d.stream === 'campaigns'));
    assert.ok(docs.every((d) => Object.keys(d).join() === 'stream,doc' && typeof d.doc.id === 'string'));
    assert.ok(existsSync(stateFile));
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { bindingStateV1: Record<string, unknown> };
    assert.ok(state.bindingStateV1.campaigns, 'campaigns state under its stream name');

    // Incremental campaigns resume from the saved cursor: nothing changed, nothing re-emitted.
    const again = await cli(['capture', '--config', cfg, '--streams', 'campaigns', '--once', '--state', stateFile, '--output', join(dir, 'out')]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, '');
    const file = join(dir, 'out', 'campaigns.jsonl');
    assert.equal(existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).length : 0, 0);
  } finally {
    await sb.close();
  }
});
