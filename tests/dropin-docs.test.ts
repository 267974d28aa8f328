import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_SCHEMA, RESOURCE_SCHEMA } from '../src/pinterest/spec-files.js';
import { STREAMS } from '../src/pinterest/streams/table.js';
import { ROOT } from './ship-helpers.js';

// The docs a user follows: every flowctl command they show must work for the file it names, the
// Properties tables must cover the Spec, and the migration section must cover every stream.

const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), 'flow.yaml', 'flow.sandbox.yaml'];

// flowctl's flags per subcommand (estuary/flow crates/flowctl: raw discover, discover, preview,
// catalog pull-specs / publish).
const FLAGS: Record<string, string[]> = {
  'raw discover': ['--source', '--capture', '--flat', '--network'],
  discover: ['--source', '--capture', '--flat', '--data-plane'],
  preview: ['--source', '--name', '--sessions', '--timeout', '--delay', '--output-state', '--output-apply', '--fixture', '--network', '--log-json'],
  'catalog pull-specs': ['--name', '--prefix', '--target', '--overwrite', '--flat'],
  'catalog publish': ['--source', '--auto-approve', '--default-data-plane'],
};

interface Command {
  doc: string;
  line: string;
  sub: string;
  args: Map<string, string | true>;
  block: string;
}

function commands(): Command[] {
  const out: Command[] = [];
  for (const doc of DOCS) {
    const text = read(doc);
    // A "block" is a fenced code block (or, in YAML, the whole comment header).
    const blocks = doc.endsWith('.md') ? [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]) : [text];
    const inline = doc.endsWith('.md') ? [...text.matchAll(/`(flowctl [^`]+)`/g)].map((m) => m[1]) : [];
    for (const block of [...blocks, ...inline]) {
      for (const raw of block.split('\n')) {
        const line = raw.replace(/^\s*#\s*/, '').replace(/\s+#.*$/, '').trim();
        const m = /^flowctl\s+((?:raw|catalog)\s+[a-z-]+|[a-z-]+)(.*)$/.exec(line);
        if (!m) continue;
        const args = new Map<string, string | true>();
        const words = m[2].trim().split(/\s+/).filter(Boolean);
        for (let i = 0; i < words.length; i++) {
          const w = words[i];
          assert.ok(w.startsWith('--'), `${doc}: \`${line}\`: unexpected word ${w}`);
          const next = words[i + 1];
          if (next !== undefined && !next.startsWith('--')) {
            args.set(w, next);
            i++;
          } else args.set(w, true);
        }
        out.push({ doc, line, sub: m[1].replace(/\s+/g, ' '), args, block });
      }
    }
  }
  return out;
}

type Catalog = { captures?: Record<string, { endpoint: { connector?: { image: string }; local?: unknown } }>; materializations?: Record<string, unknown>; collections?: Record<string, { derive?: unknown }> };
const tasks = (c: Catalog) => [...Object.keys(c.captures ?? {}), ...Object.keys(c.materializations ?? {}), ...Object.entries(c.collections ?? {}).filter(([, v]) => v.derive).map(([k]) => k)];

test('every documented flowctl command is in a form that works for the file it names', () => {
  const all = commands();
  assert.ok(all.length >= 6, `documented flowctl commands found: ${all.length}`);
  for (const c of all) {
    const where = `${c.doc}: \`${c.line}\``;
    const flags = FLAGS[c.sub];
    assert.ok(flags, `${where}: flowctl ${c.sub} is not a command these docs should use`);
    for (const f of c.args.keys()) assert.ok(flags.includes(f), `${where}: flowctl ${c.sub} has no ${f}`);
    const source = c.args.get('--source');
    if (c.sub === 'catalog pull-specs') assert.ok(c.args.get('--name') || c.args.get('--prefix'), `${where}: names what to pull`);
    if (!['raw discover', 'discover', 'preview', 'catalog publish'].includes(c.sub)) continue;
    assert.equal(typeof source, 'string', `${where}: --source FILE`);
    const pulled = /flowctl catalog pull-specs/.test(c.block) && c.block.indexOf('flowctl catalog pull-specs') < c.block.indexOf(c.line);
    if (c.sub === 'discover' || c.sub === 'catalog publish') {
      // The control-plane discover runs a published connector: only on specs pulled from Flow.
      assert.ok(pulled, `${where}: runs on a file \`flowctl catalog pull-specs\` wrote in the same steps`);
      continue;
    }
    if (pulled || /^[A-Z_]+$/.test(source as string)) continue; // prose placeholder (FILE)
    assert.ok(existsSync(join(ROOT, source as string)), `${where}: ${source} is a file of this checkout`);
    const catalog = parse(read(source as string)) as Catalog;
    const captures = Object.keys(catalog.captures ?? {});
    if (c.sub === 'raw discover') {
      const named = c.args.get('--capture');
      assert.ok(captures.length === 1 || typeof named === 'string', `${where}: ${source} has ${captures.length} captures, so --capture is needed`);
      if (typeof named === 'string') assert.ok(captures.includes(named), `${where}: ${named} is a capture of ${source}`);
    } else {
      // preview validates every task of the file first: it must hold only the one it runs.
      const all = tasks(catalog);
      assert.equal(all.length, 1, `${where}: ${source} holds ${all.length} tasks; preview validates them all`);
      const named = c.args.get('--name');
      if (named !== undefined) assert.equal(named, all[0], `${where}: --name is the task of ${source}`);
    }
    // An image capture runs what Docker has under that tag: the docs must build `:local`.
    for (const cap of Object.values(catalog.captures ?? {})) {
      const image = cap.endpoint.connector?.image;
      if (!image) continue;
      assert.match(image, /:local$/, `${where}: ${source} runs ${image}; Flow pulls any tag but :local`);
      assert.ok(DOCS.some((d) => read(d).includes(`docker build -t ${image} .`)), `the docs show how to build ${image}`);
    }
  }
});

test('Properties tables cover every endpoint and binding property of the Spec', () => {
  const paths: string[] = [];
  for (const [k, v] of Object.entries(CONFIG_SCHEMA.properties as Record<string, { properties?: Record<string, unknown> }>)) {
    if (k !== 'advanced') paths.push(`/${k}`);
    if (k === 'advanced') for (const a of Object.keys(v.properties ?? {})) paths.push(`/advanced/${a}`);
  }
  const resource = Object.keys(RESOURCE_SCHEMA.properties as Record<string, unknown>).map((k) => `/${k}`);
  for (const doc of ['README.md', 'docs/pinterest.md']) {
    const text = read(doc);
    const endpoint = text.split('#### Endpoint')[1].split('#### Bindings')[0];
    const bindings = text.split('#### Bindings')[1].split('\n## ')[0];
    for (const p of paths) assert.ok(endpoint.includes(`\`${p}\``), `${doc}: endpoint properties list ${p}`);
    for (const p of resource) assert.ok(bindings.includes(`\`${p}\``), `${doc}: binding properties list ${p}`);
    assert.doesNotMatch(text, /web form doesn't show/i, `${doc}: the web form renders the advanced settings (collapsed)`);
  }
});

test('docs/pinterest.md reads as Estuary connector pages do', () => {
  const page = read('docs/pinterest.md');
  for (const h of ['## Prerequisites', '## Configuration', '### Properties', '#### Endpoint', '#### Bindings', '### Sample']) assert.ok(page.includes(`\n${h}\n`), h);
  for (const role of ['Owner', 'Admin', 'Analyst', 'Campaign Manager']) assert.ok(page.includes(role), `prerequisites name the ${role} role`);
  for (const scope of ['boards:read', 'boards:read_secret', 'pins:read', 'pins:read_secret', 'ads:read', 'catalogs:read', 'user_accounts:read']) assert.ok(page.includes(scope), scope);
  const sample = /### Sample\n\n```yaml\n([\s\S]*?)```/.exec(page)![1];
  assert.ok(sample.includes('${PREFIX}/'), 'sample uses ${PREFIX}');
  assert.ok(sample.includes('image: ghcr.io/estuary/source-pinterest:v1'), 'sample uses the released :v1 image');
});

test('README migration section: re-discovery first, every stream, the state handover', () => {
  const readme = read('README.md');
  const section = readme.split('## Migrating from the previous connector')[1].split('\n## ')[0];
  const intro = section.split('\n### ')[0];
  assert.match(intro.split('\n').filter(Boolean)[0], /re-discover first/i, 'the chosen answer is stated first');
  assert.match(intro, /1\. \*\*Re-discover/, 'the first step is re-discovery');
  assert.ok(intro.includes('*Web app:*') && intro.includes('*flowctl:*'), 'web app and flowctl steps');
  for (const s of STREAMS) assert.ok(section.includes(`\`${s.name}\``), `the migration section covers ${s.name}`);
  assert.ok(section.includes('`custom_<name>`'));
  for (const s of ['ad_analytics', 'ad_group_analytics', 'campaign_analytics']) assert.ok(intro.includes(`\`${s}\``), `the CAMPAIGN_ID window names ${s}`);
  const state = section.split('### State handover')[1];
  for (const w of ['updated_time', '`DATE`', '`date`', 'lookback', 'starts fresh', 'info', 'first checkpoint removes']) assert.ok(state.includes(w), `state handover: ${w}`);
  assert.match(section, /ACTIVE and PAUSED only/, 'what a null status meant then');
  assert.match(section, /all five statuses/, 'what a null status means now');
});
