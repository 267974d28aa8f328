import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { streamTableMarkdown } from '../scripts/stream-table.js';
import { STREAMS } from '../src/pinterest/streams/table.js';
import { ROOT } from './ship-helpers.js';

// The README is what users read first: its commands, stream table, links and error messages
// must be true of this checkout.

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('README: the two quickstart commands, backed by package.json scripts', () => {
  assert.match(readme, /^npm ci && npm run demo$/m);
  assert.match(readme, /^npm ci && npm test$/m);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts.demo, /npm run build && node dist\/main\.js demo$/);
  assert.match(pkg.scripts.test, /^npm run build && /);
});

test('README: the stream table is the connector stream table (every stream, key, mode, interval, category)', () => {
  const table = /<!-- streams:begin -->\n([\s\S]*?)\n<!-- streams:end -->/.exec(readme)?.[1];
  assert.ok(table, 'stream table markers present');
  assert.equal(table, streamTableMarkdown(), 'README stream table is stale: run `node --import tsx scripts/gen-catalog.ts`');
  for (const s of STREAMS) {
    const row = table.split('\n').find((l) => l.startsWith(`| \`${s.name}\` |`));
    assert.ok(row, `${s.name} has a row`);
    for (const k of s.key) assert.ok(row.includes(`\`${k}\``), `${s.name} row shows key ${k}`);
    assert.ok(row.includes(`\`${s.category}\``), `${s.name} row shows ${s.category}`);
    for (const m of s.syncModes) assert.ok(row.includes(m));
  }
});

test('README: spots for the measured numbers', () => {
  assert.ok(readme.includes('<!-- bench:analytics -->'));
  assert.ok(readme.includes('<!-- bench:throughput -->'));
});

test('README: relative links point at files of this checkout', () => {
  const links = [...readme.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
  assert.ok(links.length > 0);
  for (const l of links) assert.ok(existsSync(join(ROOT, l)), `README links to ${l}`);
});

test('README: troubleshooting quotes error messages the code actually produces', () => {
  const section = readme.split('## Troubleshooting')[1].split('\n## ')[0];
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
  const source = walk(join(ROOT, 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');
  const quoted = section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .flatMap((l) => [...l.split(' | ')[0].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  assert.ok(quoted.length >= 12, 'troubleshooting lists the messages');
  let checked = 0;
  for (const q of quoted) {
    // Literal stretches between placeholders (…, <name>, N, X) must appear in the source.
    for (const chunk of q.split(/…|<[^>]+>|\b[NX]\b|["()]/).map((c) => c.replace(/^[\s:;,.]+|[\s:;,.]+$/g, '')).filter((c) => c.length >= 12)) {
      assert.ok(source.includes(chunk), `the code produces "${chunk}" (quoted in README troubleshooting)`);
      checked++;
    }
  }
  assert.ok(checked >= 12, `${checked} message fragments checked`);
});
