import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STREAMS } from '../src/pinterest/streams/table.js';

test('stream table names are unique and keys are JSON pointers', () => {
  const names = STREAMS.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  for (const s of STREAMS) for (const k of s.key) assert.match(k, /^\/[A-Za-z_]+$/);
});
