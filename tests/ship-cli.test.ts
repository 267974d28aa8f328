import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './ship-helpers.js';

// SPEC §7: every command has --help with a description and examples; the top-level help lists
// them all and the stdio default; config files are JSON or YAML; file problems are one clear line.

const COMMANDS = ['serve', 'sandbox', 'spec', 'discover', 'validate', 'capture', 'demo', 'bench'];

test('--help lists every command and the stdio connector default', async () => {
  const res = await runCli(['--help']);
  assert.equal(res.code, 0, res.stderr);
  for (const c of COMMANDS) assert.match(res.stdout, new RegExp(`^  ${c}\\b.*\\S`, 'm'), `lists ${c} with a description`);
  assert.match(res.stdout, /With no command, the connector speaks the Flow capture protocol/);
  assert.match(res.stdout, /FLOW_RUNTIME_CODEC=proto/);
});

for (const c of COMMANDS) {
  test(`${c} --help: usage, description, options and examples`, async () => {
    const res = await runCli([c, '--help']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`^Usage: source-pinterest ${c}`, 'm'));
    const description = res.stdout.split('\n\n')[1] ?? '';
    assert.ok(description.trim().length > 20, `${c} has a description`);
    assert.match(res.stdout, /^Options:/m);
    assert.match(res.stdout, /^Examples:\n {2}(npm run|node dist\/main\.js) /m, `${c} has examples`);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'ship-cli-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('config files may be JSON or YAML (same discovery)', async () => {
  const json = file('c.json', JSON.stringify({ start_date: '2025-01-01', credentials: { auth_method: 'access_token', access_token: 'pina_x' } }));
  const yaml = file('c.yaml', 'start_date: "2025-01-01"\ncredentials:\n  auth_method: access_token\n  access_token: pina_x\n');
  const [a, b] = await Promise.all([runCli(['discover', '--config', json]), runCli(['discover', '--config', yaml])]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.ok(a.stdout.split('\n').length > 30);
  assert.equal(a.stdout, b.stdout);
});

const unreadable = (() => {
  const p = file('secret.yaml', 'start_date: x\n');
  chmodSync(p, 0o000);
  return p;
})();
const BAD: Array<[string, string, RegExp]> = [
  ['missing', join(dir, 'nope.yaml'), /^config file .*nope\.yaml: no such file$/],
  ['a directory', dir, /^config file .*: is a directory, not a file$/],
  ['not JSON or YAML', file('bad.yaml', 'start_date: [\n'), /^config file .*bad\.yaml: neither JSON nor YAML \(.+\)$/],
  ['empty', file('empty.yaml', ''), /^config file .*empty\.yaml: must hold a JSON or YAML object \(found nothing\)$/],
  ['a list', file('list.json', '[1, 2]'), /^config file .*list\.json: must hold a JSON or YAML object \(found a list\)$/],
];
// root reads any file, so the permission case only means something for other users.
if (process.getuid?.() !== 0) BAD.push(['unreadable', unreadable, /^config file .*secret\.yaml: permission denied/]);

// Every command reads its config the same way: all of them for a missing file, discover for the rest.
for (const [what, path, msg] of BAD) {
  for (const cmd of what === 'missing' ? ['discover', 'validate', 'capture'] : ['discover']) {
    test(`${cmd} --config ${what}: one readable error line, exit 1`, async () => {
      const res = await runCli([cmd, '--config', path]);
      assert.equal(res.code, 1);
      assert.equal(res.stdout, '');
      const lines = res.stderr.trim().split('\n');
      const last = JSON.parse(lines.at(-1)!) as { level: string; msg: string; fields?: Record<string, unknown> };
      assert.equal(last.level, 'error');
      assert.match(last.msg, msg);
      assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
    });
  }
}

test('unknown command and missing --config are refused with a readable message', async () => {
  const unknown = await runCli(['bogus']);
  assert.equal(unknown.code, 1);
  assert.match((JSON.parse(unknown.stderr.trim().split('\n').at(-1)!) as { msg: string }).msg, /unknown command "bogus" \(see --help\)/);
  const missing = await runCli(['discover']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /required option '--config <file>' not specified/);
});
