import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INTERNAL_SPEC, runJson, type JsonSchema } from './flow-harness.js';

// The Spec as the Flow web app renders it (Estuary's form annotations: title, description, order,
// `advanced` for a collapsed section, `x-hidden-field` for fields the form must not render,
// `secret`). `credentials` is checked by the OAuth tests.

type Schema = JsonSchema;

function walk(schema: Schema, path: string, visit: (path: string, s: Schema) => void): void {
  for (const [name, prop] of Object.entries((schema.properties ?? {}))) {
    const p = `${path}/${name}`;
    visit(p, prop);
    walk(prop, p, visit);
    if (prop.items && typeof prop.items === 'object') walk(prop.items, `${p}/items`, visit);
  }
}

test('config form: every field titled; only the test knob and the legacy field hidden; advanced collapsed', async () => {
  const run = await runJson([INTERNAL_SPEC]);
  const { configSchema, resourceConfigSchema } = run.responses[0].spec!;
  const hidden: string[] = [];
  const untitled: string[] = [];
  const { credentials: _c, ...rest } = configSchema.properties as Record<string, Schema>;
  walk({ properties: rest }, '', (p, s) => {
    if (s['x-hidden-field'] === true) hidden.push(p);
    if (typeof s.title !== 'string' || !s.title) untitled.push(p);
  });
  assert.deepEqual(untitled, [], 'fields the form would label by their key');
  assert.deepEqual(hidden.sort(), ['/advanced/today', '/status'], 'fields the form does not render');
  for (const p of hidden) assert.ok(!(configSchema.required as string[]).includes(p.slice(1)), `${p} is hidden, so not required`);
  assert.equal(configSchema.properties!.status.deprecated, true);
  assert.equal(configSchema.properties!.advanced.advanced, true, 'the Advanced section renders collapsed');
  const orders = Object.values(configSchema.properties as Record<string, Schema>).filter((s) => !s['x-hidden-field']).map((s) => s.order);
  assert.ok(orders.every((o) => Number.isInteger(o)), 'every rendered top-level field has an order');
  assert.equal(new Set(orders).size, orders.length, 'distinct orders');

  const rHidden: string[] = [];
  walk(resourceConfigSchema, '', (p, s) => {
    if (s['x-hidden-field'] === true) rHidden.push(p);
    assert.ok(typeof s.title === 'string' && s.title, `resource ${p} has a title`);
  });
  assert.deepEqual(rHidden.sort(), ['/cursorField', '/namespace']);
  assert.equal(resourceConfigSchema.properties!.stream['x-collection-name'], true);
});
