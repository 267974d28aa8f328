import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitJsonArray } from '../src/pinterest/json-rows.js';

test('splitJsonArray yields each row of a JSON array as its own text, equal to JSON.parse of the whole', () => {
  const rows = [
    { AD_ID: 1, DATE: '2025-01-01', NAME: 'brackets ] } [ { in a string', Q: 'esc \\" quote \\\\', NESTED: { a: [1, { b: '}' }] } },
    { AD_ID: '2', DATE: '2025-01-02', EMPTY: {}, LIST: [] },
    [1, 2, '3'],
  ];
  const text = ` \n${JSON.stringify(rows, null, 1)}\n `;
  assert.deepEqual(splitJsonArray(text).map((s) => JSON.parse(s) as unknown), rows);
  assert.deepEqual(splitJsonArray('[]'), []);
  assert.deepEqual(splitJsonArray('{"items": []}'), [], 'a non-array answer holds no rows');
});

test('splitJsonArray throws on a cut-off or garbled body (so the request is retried)', () => {
  const text = JSON.stringify([{ a: 1 }, { b: '2' }]);
  for (let cut = 1; cut < text.length; cut++) assert.throws(() => splitJsonArray(text.slice(0, cut)), SyntaxError, `cut at ${cut}`);
  assert.throws(() => splitJsonArray('[{"a":1}] trailing'), SyntaxError);
  assert.throws(() => splitJsonArray('<html>'), SyntaxError);
  assert.throws(() => splitJsonArray('[1, 2]'), SyntaxError, 'rows are objects');
});
