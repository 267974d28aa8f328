// Server limits real accounts run into: the board-pin pagination cap (Airbyte #33282), URL length
// (414 from the front proxy), report status-filter maxItems, and fractional board timestamps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';

const TODAY = '2025-06-15';
const AUTH = { authorization: 'Bearer pina_sandbox' };
let sb: Sandbox;

before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 8, today: TODAY, hugeBoardPins: 120, boardPinsCap: 50 });
});
after(() => sb.close());

/** The parts of the responses this test reads: a list page of boards or pins, or an error. */
interface Body {
  items: Array<{ id: string; pin_count: number; board_pins_modified_at: string }>;
  bookmark: string | null;
  code: number;
  message: string;
}

async function get(path: string) {
  const r = await fetch(sb.baseUrl + path, { headers: AUTH });
  return { status: r.status, body: (await r.json()) as Body };
}

test('a huge board: paging past the cap answers 400 "Pagination beyond … pins are not allowed"', async () => {
  const huge = sb.data.hugeBoardId()!;
  assert.equal(sb.data.boardPins(huge).length, 120);
  const board = (await get('/boards?page_size=250')).body.items.find((b) => b.id === huge);
  assert.equal(board!.pin_count, 120);
  const seen: string[] = [];
  let bookmark: string | null = null;
  let refused: Awaited<ReturnType<typeof get>> | null = null;
  for (;;) {
    const r = await get(`/boards/${huge}/pins?page_size=25${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`);
    if (r.status !== 200) {
      refused = r;
      break;
    }
    seen.push(...r.body.items.map((p) => p.id));
    bookmark = r.body.bookmark;
    if (!bookmark) break;
  }
  assert.equal(seen.length, 50, 'pages up to the cap are served');
  assert.deepEqual(seen, sb.data.boardPins(huge).slice(0, 50).map((p) => p.id));
  assert.equal(refused?.status, 400);
  assert.deepEqual(refused?.body, { code: 1, message: 'Pagination beyond 50 pins are not allowed' });
  // Small boards are untouched.
  const small = sb.data.boards()[0].id as string;
  assert.equal((await get(`/boards/${small}/pins?page_size=250`)).body.items.length, sb.data.boardPins(small).length);
});

test("the cap message groups thousands like Pinterest's (100.000); bad caps are refused", async () => {
  const { dottedThousands } = await import('../src/sandbox/realism.js');
  assert.equal(dottedThousands(100_000), '100.000');
  assert.equal(dottedThousands(1_234_567), '1.234.567');
  assert.equal(dottedThousands(50), '50');
  assert.throws(() => sb.control({ action: 'realism', boardPinsCap: -1 }), /boardPinsCap/);
  assert.equal(sb.core.realism.boardPinsCap, 50);
});

test('URL length limit: longer URLs answer 414 with an HTML proxy page, counted in stats', async () => {
  const long = `/ad_accounts/${sb.data.adAccountIds()[0]}/campaigns?campaign_ids=${Array.from({ length: 250 }, (_, i) => String(626e12 + i)).join(',')}`;
  assert.equal((await get(long)).status, 200, 'off by default');
  sb.control({ action: 'realism', maxUrlBytes: 2000 });
  try {
    sb.resetStats();
    const r = await fetch(sb.baseUrl + long, { headers: AUTH });
    assert.equal(r.status, 414);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await r.text(), /414 Request-URI Too Large/);
    assert.equal((await get(`/ad_accounts/${sb.data.adAccountIds()[0]}/campaigns`)).status, 200);
    const st = sb.stats();
    assert.equal(st.uriTooLong, 1);
    assert.equal(st.byStatus['414'], 1);
    sb.control({ action: 'realism', maxUrlBytes: true });
    assert.equal(sb.core.realism.maxUrlBytes, 8192);
    assert.equal((await fetch(sb.baseUrl + long, { headers: AUTH })).status, 200, `${long.length} bytes fit in 8192`);
  } finally {
    sb.control({ action: 'realism', maxUrlBytes: null });
  }
});

test('report creation: status filters above the schema maxItems (6) answer 400', async () => {
  const acct = sb.data.adAccountIds()[0];
  const create = (extra: Record<string, unknown>) =>
    fetch(`${sb.baseUrl}/ad_accounts/${acct}/reports`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ start_date: '2025-05-01', end_date: '2025-05-02', granularity: 'DAY', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'], ...extra }),
    });
  const seven = ['RUNNING', 'PAUSED', 'NOT_STARTED', 'COMPLETED', 'ADVERTISER_DISABLED', 'ARCHIVED', 'DRAFT'];
  assert.equal((await create({ campaign_statuses: seven })).status, 200, 'off by default');
  sb.control({ action: 'realism', reportFilterLimits: true });
  try {
    for (const k of ['campaign_statuses', 'ad_group_statuses']) {
      const r = await create({ [k]: seven });
      assert.equal(r.status, 400, k);
      const b = (await r.json()) as { code: number; message: string };
      assert.equal(b.code, 1);
      assert.match(b.message, new RegExp(`is too long - '${k}'`));
      assert.equal((await create({ [k]: seven.slice(0, 6) })).status, 200);
    }
    const ads = await create({ ad_statuses: ['APPROVED', 'PAUSED', 'PENDING', 'REJECTED', 'ADVERTISER_DISABLED', 'ARCHIVED', 'DRAFT'] });
    assert.equal(ads.status, 400);
    assert.equal((await create({ product_group_statuses: ['RUNNING', 'NOPE'] })).status, 400, 'enum checked too');
    assert.equal((await create({ campaign_statuses: [] })).status, 400);
  } finally {
    sb.control({ action: 'realism', reportFilterLimits: false });
  }
});

test('board_pins_modified_at carries microseconds without a zone when fractionalTimestamps is on', async () => {
  const before = (await get('/boards')).body.items[0].board_pins_modified_at;
  assert.match(before, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  sb.control({ action: 'realism', fractionalTimestamps: true });
  try {
    const items = (await get('/boards?page_size=250')).body.items;
    for (const b of items) assert.match(b.board_pins_modified_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}000$/);
    assert.equal(items[0].board_pins_modified_at.slice(0, 19), before);
    assert.deepEqual(items.map((b) => b.board_pins_modified_at), sb.data.boards().map((b) => b.board_pins_modified_at));
  } finally {
    sb.control({ action: 'realism', fractionalTimestamps: false });
  }
});
