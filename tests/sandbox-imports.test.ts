// The sandbox's module graph stays acyclic (type-only imports included): a cycle such as
// core → reports → handlers-analytics → types → core makes load order fragile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = 'src/sandbox';

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.ts'))) {
    const src = readFileSync(join(DIR, f), 'utf8');
    const deps = [...src.matchAll(/(?:import|export)\s[^'"]*?from\s+'\.\/([\w-]+)\.js'/g)].map((m) => `${m[1]}.ts`);
    g.set(f, deps);
  }
  return g;
}

test('src/sandbox has no import cycles', () => {
  const g = graph();
  assert.ok(g.size > 10);
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (n: string, path: string[]) => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'open') {
      cycles.push([...path.slice(path.indexOf(n)), n].join(' → '));
      return;
    }
    state.set(n, 'open');
    for (const d of g.get(n) ?? []) visit(d, [...path, n]);
    state.set(n, 'done');
  };
  for (const n of g.keys()) visit(n, []);
  assert.deepEqual(cycles, []);
});
