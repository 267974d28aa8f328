import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ReportRowParser, quoteIdNumbers, reportRows } from '../src/pinterest/analytics/report-rows.js';

function parseIn(text: string, pieces: number[]): Array<{ key: string | null; row: Record<string, unknown> }> {
  const p = new ReportRowParser();
  const out = [];
  let i = 0;
  for (const n of pieces) {
    out.push(...p.push(text.slice(i, i + n)));
    i += n;
  }
  out.push(...p.push(text.slice(i)));
  p.end();
  return out;
}

const FILE = JSON.stringify(
  {
    '111': [
      { DATE: '2025-01-01', CAMPAIGN_ID: 111, SPEND_IN_DOLLAR: 1.5, CAMPAIGN_NAME: 'a "quoted" {brace} [x], name\\' },
      { DATE: '2025-01-02', CAMPAIGN_ID: '111', NESTED: { a: [1, { b: '}' }] } },
    ],
    '222': [],
    'k\u00e9y "3"': { DATE: '2025-01-03', X: null },
    // eslint-disable-next-line no-loss-of-precision -- the unsafe id as Pinterest writes it; stringify rounds it and the replace below restores the digits
    '444': [{ DATE: '2025-01-04', PIN_ID: 1234567890123456789 }],
  },
  null,
  1,
).replace('1234567890123456800', '1234567890123456789'); // JSON.stringify already rounded it

test('report rows stream out with their grouping key, whatever the chunking', () => {
  const expected = [
    // Safe integer ids stay numbers here (the strategy stringifies them); unsafe ones are quoted before parsing.
    { key: '111', row: { DATE: '2025-01-01', CAMPAIGN_ID: 111, SPEND_IN_DOLLAR: 1.5, CAMPAIGN_NAME: 'a "quoted" {brace} [x], name\\' } },
    { key: '111', row: { DATE: '2025-01-02', CAMPAIGN_ID: '111', NESTED: { a: [1, { b: '}' }] } } },
    // integer-like keys come first in a JS object, hence in the file
    { key: '444', row: { DATE: '2025-01-04', PIN_ID: '1234567890123456789' } },
    { key: 'k\u00e9y "3"', row: { DATE: '2025-01-03', X: null } },
  ];
  assert.deepEqual(parseIn(FILE, []), expected);
  // Every split point of the first 400 characters, and one character at a time.
  for (let cut = 1; cut < Math.min(400, FILE.length); cut++) assert.deepEqual(parseIn(FILE, [cut]), expected, `cut at ${cut}`);
  assert.deepEqual(parseIn(FILE, Array<number>(FILE.length).fill(1)), expected);
});

test('empty file, top-level array, scalar values, truncated and malformed files', () => {
  assert.deepEqual(parseIn('{}', []), []);
  assert.deepEqual(parseIn(' \n{ "1": null, "2": [ ], "3": "x,}" , "4":[{"A":1}] }\n', [5]), [{ key: '4', row: { A: 1 } }]);
  assert.deepEqual(parseIn('[{"A":1},{"B":2}]', [3]), [{ key: null, row: { A: 1 } }, { key: null, row: { B: 2 } }]);
  assert.throws(() => parseIn('{"1":[{"A":1}', []), /ended early/);
  assert.throws(() => parseIn('<html>', []), /not the expected JSON shape/);
});

test('quoteIdNumbers keeps large ids exact and leaves other numbers alone', () => {
  const row: unknown = JSON.parse(quoteIdNumbers('{"AD_ID":549755885175,"PIN_ID" : 1033943182024968920 ,"SPEND":12,"X":"\\"AD_ID\\":5"}'));
  assert.deepEqual(row, { AD_ID: '549755885175', PIN_ID: '1033943182024968920', SPEND: 12, X: '"AD_ID":5' });
});

test('reportRows streams a large file without holding it', async () => {
  const N = 20000;
  // eslint-disable-next-line @typescript-eslint/require-await -- an async generator on purpose: it stands in for the downloaded file behind Readable.from
  async function* gen() {
    yield '{';
    for (let e = 0; e < N / 100; e++) {
      const rows = Array.from({ length: 100 }, (_, d) => JSON.stringify({ DATE: `2025-01-${String((d % 28) + 1).padStart(2, '0')}`, AD_ID: e, V: d }));
      yield `${e ? ',' : ''}"${e}":[${rows.join(',')}]`;
    }
    yield '}';
  }
  let n = 0;
  let sum = 0;
  for await (const { key, row } of reportRows(Readable.from(gen()))) {
    assert.equal(String(row.AD_ID), key);
    n++;
    sum += row.V as number;
  }
  assert.equal(n, N);
  assert.equal(sum, (N / 100) * ((99 * 100) / 2));
});
