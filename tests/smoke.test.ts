import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { STREAMS } from '../src/pinterest/streams/table.js';
import { endpointOf } from '../src/pinterest/streams/types.js';

// The stream table against the API description it claims to read: every row's endpoint is an
// operation of Pinterest's OpenAPI in the rate-limit category the row declares, and every key
// field is a property of the row's document schema.

interface Operation { method: string; path: string; category: string }
const OPS = (JSON.parse(readFileSync(new URL('../resources/openapi/operations.json', import.meta.url), 'utf8')) as { operations: Operation[] }).operations;
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

test('every stream reads a documented operation in its declared rate-limit category, keyed by schema properties', () => {
  assert.equal(new Set(STREAMS.map((s) => s.name)).size, STREAMS.length, 'stream names are unique');
  for (const s of STREAMS) {
    const method = s.strategy === 'async_report' ? 'POST' : 'GET';
    const op = OPS.find((o) => o.method.toUpperCase() === method && shape(o.path) === shape(endpointOf(s)));
    assert.ok(op, `${s.name}: ${method} ${endpointOf(s)} is an operation of the OpenAPI description`);
    assert.equal(op.category, s.category, `${s.name}: rate-limit category`);
    const schema = JSON.parse(readFileSync(new URL(`../resources/schemas/${s.schema}.json`, import.meta.url), 'utf8')) as { properties: Record<string, unknown> };
    for (const k of s.key) {
      assert.match(k, /^\/[A-Za-z_]+$/, `${s.name}: key ${k} is a JSON pointer`);
      assert.ok(k.slice(1) in schema.properties, `${s.name}: key ${k} is a property of ${s.schema}.json`);
    }
  }
});
