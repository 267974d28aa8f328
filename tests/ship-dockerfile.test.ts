import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { assertProtocolResponse, INTERNAL_SPEC, runJson } from './flow-harness.js';
import { ROOT } from './ship-helpers.js';

// Docker itself is not available to the tests, so the Dockerfile is checked from its text, and
// its runtime stage is replayed on the filesystem (WORKDIR, COPY, npm ci, ENV) to run the
// ENTRYPOINT argv exactly as the image would.

interface Instr {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instrs: Instr[];
}

function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const l of lines) {
    const m = /^(\w+)\s+(.*)$/.exec(l);
    assert.ok(m, `unparseable Dockerfile line: ${l}`);
    const op = m[1].toUpperCase();
    if (op === 'FROM') {
      const [image, as, name] = m[2].split(/\s+/);
      stages.push({ from: image, name: as?.toUpperCase() === 'AS' ? name : undefined, instrs: [] });
    } else {
      assert.ok(stages.length, `${op} before FROM`);
      stages.at(-1)!.instrs.push({ op, args: m[2] });
    }
  }
  return stages;
}

const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const runtime = stages.at(-1)!;
const all = (s: Stage, op: string) => s.instrs.filter((i) => i.op === op).map((i) => i.args);
const copyParts = (args: string) => {
  const words = args.split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  return { from, srcs: paths.slice(0, -1), dest: paths.at(-1)! };
};
const workdirAt = (s: Stage, index: number) => {
  let wd = '/';
  for (const i of s.instrs.slice(0, index)) if (i.op === 'WORKDIR') wd = posix.resolve(wd, i.args);
  return wd;
};

// Node 20 reached end of life on 2026-04-30; the image is on the current LTS line, 24, and CI
// runs the suite on that same major (.ci/run: `npx -y node@24`).
const NODE_MAJOR = 24;

test('Dockerfile: multi-stage on official Node 24 (current LTS) slim images, the major CI tests on', () => {
  assert.ok(stages.length >= 2, 'at least a build stage and a runtime stage');
  for (const s of stages) {
    const m = /^(?:docker\.io\/(?:library\/)?)?node:(\d+)(?:\.\d+){0,2}-(?:bookworm-|trixie-)?slim(?:@sha256:[0-9a-f]{64})?$/.exec(s.from);
    assert.ok(m, `FROM ${s.from}: an official node:<version>-slim image`);
    assert.equal(Number(m[1]), NODE_MAJOR, `FROM ${s.from}: Node ${NODE_MAJOR}`);
  }
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
  assert.match(ci, new RegExp(`^NODE_MAJOR=${NODE_MAJOR}$`, 'm'), '.ci/run tests on the image\'s Node major');
  assert.match(ci, /npx -y "node@\$\{NODE_MAJOR\}"/, '.ci/run runs Node from the npm registry');
  const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  assert.equal(engines, `>=${NODE_MAJOR}`, 'package.json engines: what the image and CI run');
  assert.ok(stages.slice(0, -1).some((s) => all(s, 'RUN').some((r) => /npm run build|tsc/.test(r))), 'a build stage compiles TypeScript');
});

test('Dockerfile: runtime stage installs production deps only, runs as non-root, carries Flow labels', () => {
  assert.ok(all(runtime, 'RUN').some((r) => /\bnpm ci\b.*--omit=dev/.test(r)), 'npm ci --omit=dev in the runtime stage');
  const users = all(runtime, 'USER');
  assert.ok(users.length > 0, 'USER in the runtime stage');
  assert.ok(!/^(root|0)(:|$)/.test(users.at(-1)!), `non-root USER (${users.at(-1)})`);
  const labels = all(runtime, 'LABEL').join(' ');
  assert.match(labels, /(^|\s)FLOW_RUNTIME_PROTOCOL=capture(\s|$)/);
  assert.match(labels, /(^|\s)FLOW_RUNTIME_CODEC=json(\s|$)/);
  assert.match(labels, /(^|\s)dev\.estuary\.usage-rate=1\.0(\s|$)/);
  assert.match(all(runtime, 'ENV').join(' '), /(^|\s)FLOW_RUNTIME_CODEC[= ]json(\s|$)/);
  const entry = all(runtime, 'ENTRYPOINT');
  assert.equal(entry.length, 1, 'one ENTRYPOINT');
  assert.deepEqual(JSON.parse(entry[0]), ['node', '/connector/dist/main.js'], 'exec-form ENTRYPOINT, the whole argv');
  assert.equal(all(runtime, 'CMD').length, 0, 'no CMD: Flow ignores it when ENTRYPOINT is set');
});

test('Dockerfile: every COPY source exists and is not excluded by .dockerignore', () => {
  const ignored = existsSync(join(ROOT, '.dockerignore')) ? readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')) : [];
  const names = new Set(stages.map((s) => s.name).filter(Boolean));
  for (const s of stages) {
    for (const args of all(s, 'COPY')) {
      const { from, srcs } = copyParts(args);
      if (from) {
        assert.ok(names.has(from), `COPY --from=${from} names an earlier stage`);
        continue;
      }
      for (const src of srcs) {
        assert.ok(existsSync(join(ROOT, src)), `COPY source ${src} exists`);
        assert.ok(!ignored.includes(src.replace(/\/$/, '')), `COPY source ${src} is not in .dockerignore`);
      }
    }
  }
});

test('Dockerfile: compiled code imports only packages `npm ci --omit=dev` installs', () => {
  // Top-level packages of the lockfile that are not dev-only (declared or hoisted transitive).
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const deps = new Set(
    Object.entries(lock.packages)
      .filter(([path, p]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !p.dev)
      .map(([path]) => path.slice('node_modules/'.length)),
  );
  const builtins = new Set(builtinModules);
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : f.endsWith('.js') ? [join(dir, f)] : []));
  const missing = new Set<string>();
  for (const file of walk(join(ROOT, 'dist'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = (m[1] ?? m[2]);
      if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (!deps.has(name)) missing.add(`${name} (${file.slice(ROOT.length)})`);
    }
  }
  assert.deepEqual([...missing], [], 'imported by dist but dev-only or not installed');
});

test('Dockerfile: the ENTRYPOINT argv starts the connector from the runtime stage layout', async () => {
  // Replay the runtime stage into <tmp>/ as its root: WORKDIR, COPY (from the build context or
  // the build stage's output, which is this checkout's dist/), npm ci → node_modules, ENV.
  const image = mkdtempSync(join(tmpdir(), 'ship-image-'));
  const env: Record<string, string> = {};
  const build = stages.find((s) => s.name && runtime.instrs.some((i) => i.op === 'COPY' && copyParts(i.args).from === s.name));
  runtime.instrs.forEach((i, index) => {
    const wd = workdirAt(runtime, index + 1);
    if (i.op === 'WORKDIR') mkdirSync(join(image, wd), { recursive: true });
    if (i.op === 'ENV') {
      const m = /^(\S+?)[= ](.*)$/.exec(i.args)!;
      env[m[1]] = m[2]!;
    }
    if (i.op === 'RUN' && /\bnpm ci\b/.test(i.args)) symlinkSync(join(ROOT, 'node_modules'), join(image, wd, 'node_modules'), 'dir');
    if (i.op === 'COPY') {
      const { from, srcs, dest } = copyParts(i.args);
      const target = join(image, posix.resolve(wd, dest));
      for (const src of srcs) {
        // Paths in the build stage are relative to its WORKDIR, which mirrors the checkout.
        const origin = from ? join(ROOT, posix.relative(workdirAt(build!, build!.instrs.length), src)) : join(ROOT, src);
        const into = dest.endsWith('/') || srcs.length > 1 ? join(target, posix.basename(src)) : target;
        cpSync(origin, statSync(origin).isDirectory() && dest.endsWith('/') && !from ? target : into, { recursive: true });
      }
    }
  });
  const [cmd, ...args] = JSON.parse(all(runtime, 'ENTRYPOINT')[0]) as string[];
  assert.equal(cmd, 'node');
  // The replay runs on this test's Node: in CI that is the image's major (.ci/run uses node@24).
  if (process.env.CI) assert.equal(Number(process.versions.node.split('.')[0]), NODE_MAJOR, `CI replays the image on Node ${NODE_MAJOR}`);
  const argv = args.map((a) => (a.startsWith('/') ? join(image, a) : a));
  assert.ok(existsSync(argv[0]), `${args[0]} exists in the image layout`);
  const run = await runJson([INTERNAL_SPEC, { spec: { connectorType: 'IMAGE', config: {} } }, { discover: { connectorType: 'IMAGE', config: { start_date: '2025-01-01', credentials: { auth_method: 'access_token', access_token: 'pina_x' } } } }], {
    args: argv,
    env: { ...env, NODE_ENV: env.NODE_ENV ?? 'production' },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.responses.map(assertProtocolResponse), ['spec', 'spec', 'discovered']);
  assert.equal(run.responses[1].spec!.protocol, 3032023);
  assert.ok(run.responses[2].discovered!.bindings.length >= 30, 'discover reads the schemas shipped in the image');
});
