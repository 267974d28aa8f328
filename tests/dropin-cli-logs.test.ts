import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prettyFormatter, resolveLogFormat } from '../src/cli/log-format.js';
import { ROOT, type LogLine } from './flow-harness.js';

// validate, capture and discover print readable lines on a terminal and JSON lines everywhere
// else (pipes, files, Flow). A real pseudo-terminal comes from `script -qc` (util-linux); the
// --log-format / LOG_FORMAT overrides are tested directly.

const dir = mkdtempSync(join(tmpdir(), 'dropin-cli-logs-'));
const bad = join(dir, 'bad.json');
writeFileSync(bad, JSON.stringify({ credentials: { auth_method: 'access_token', access_token: 'pina_SECRET_never_shown' } }));
const ERROR = 'config /start_date: is required';
const READABLE = /^\[\d\d:\d\d:\d\d\] ERROR: config \/start_date: is required$/m;
const hasScript = spawnSync('script', ['--version']).status === 0;

function piped(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['dist/main.js', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.resume();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

/** Runs the CLI with stdin, stdout and stderr on a pseudo-terminal; returns what the terminal shows. */
function onTerminal(args: string[], env: Record<string, string> = {}): string {
  const cmd = [process.execPath, 'dist/main.js', ...args].map((a) => `'${a}'`).join(' ');
  const out = execFileSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  return out.replace(/\r/g, '');
}

test('off a terminal: validate, discover and capture log JSON lines', async () => {
  for (const args of [['validate', '--config', bad], ['discover', '--config', bad], ['capture', '--config', bad, '--once']]) {
    const r = await piped(args);
    assert.equal(r.code, 1);
    const last = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as LogLine;
    assert.equal(last.level, 'error');
    assert.equal(last.msg, ERROR);
  }
  // --log-format pretty (or LOG_FORMAT=pretty) asks for readable lines anyway.
  assert.match((await piped(['validate', '--config', bad, '--log-format', 'pretty'])).stderr, READABLE);
  assert.match((await piped(['discover', '--config', bad], { LOG_FORMAT: 'pretty' })).stderr, READABLE);
});

test('on a terminal: errors are readable lines, not JSON; --log-format json keeps JSON', { skip: !hasScript && 'script(1) is not installed' }, () => {
  for (const args of [['validate', '--config', bad], ['discover', '--config', bad], ['capture', '--config', bad, '--once']]) {
    let shown = '';
    try {
      onTerminal(args);
    } catch (err) {
      shown = String((err as { stdout?: string }).stdout ?? '').replace(/\r/g, '');
    }
    assert.match(shown, READABLE, `${args[0]} on a terminal`);
    assert.ok(!shown.includes('"level"'), `${args[0]}: no JSON on a terminal`);
    assert.ok(!shown.includes('pina_SECRET'), 'no secret');
  }
  let json = '';
  try {
    onTerminal(['validate', '--config', bad, '--log-format', 'json']);
  } catch (err) {
    json = String((err as { stdout?: string }).stdout ?? '');
  }
  assert.equal((JSON.parse(json.trim().split('\n').at(-1)!) as LogLine).msg, ERROR);
});

test('under Flow (the protocol, no command) logs stay JSON even on a terminal', { skip: !hasScript && 'script(1) is not installed' }, () => {
  let shown = '';
  try {
    // An unknown request type is an error; the connector says so on stderr and exits 1.
    execFileSync('script', ['-qec', `echo '{"bogus":{}}' | '${process.execPath}' dist/main.js`, '/dev/null'], { cwd: ROOT, env: { ...process.env, LOG_FORMAT: 'pretty' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    shown = String((err as { stdout?: string }).stdout ?? '');
  }
  const last = JSON.parse(shown.replace(/\r/g, '').trim().split('\n').at(-1)!) as LogLine;
  assert.equal(last.level, 'error');
});

test('format choice and the readable line', () => {
  assert.equal(resolveLogFormat(undefined, {}, true), 'pretty');
  assert.equal(resolveLogFormat(undefined, {}, false), 'json');
  assert.equal(resolveLogFormat('json', {}, true), 'json');
  assert.equal(resolveLogFormat(undefined, { LOG_FORMAT: 'pretty' }, false), 'pretty');
  assert.equal(resolveLogFormat('auto', { LOG_FORMAT: 'pretty' }, false), 'json', 'the flag wins over the environment');
  assert.throws(() => resolveLogFormat('fancy', {}, true), /--log-format "fancy": must be one of auto, json, pretty/);
  const line = prettyFormatter(false)(JSON.stringify({ level: 'info', ts: '2026-01-02T03:04:05.000Z', fields: { stream: 'campaigns', docs: 3 }, msg: 'Binding campaigns finished a pass' }) + '\n');
  assert.match(line, /^\[\d\d:\d\d:\d\d\] INFO: Binding campaigns finished a pass \{"stream":"campaigns","docs":3\}\n$/);
});
