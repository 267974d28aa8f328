// Group boards: collaborators' pins carry is_owner: false and fail /pins/analytics with 401 code 7;
// pins/analytics metric types are Standard or Video alternatives when exclusivePinMetricTypes is on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';

const TODAY = '2025-06-15';
const AUTH = { authorization: 'Bearer pina_sandbox' };
const WIN = 'start_date=2025-05-01&end_date=2025-06-01';
let sb: Sandbox;

before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 4, today: TODAY, groupBoards: 1 });
});
after(() => sb.close());

/** The parts of the responses this test reads: a list page, or an error. */
interface Body {
  items: Array<{ id: string; is_owner: boolean; collaborator_count: number }>;
  code: number;
  message: string;
}

async function get(path: string) {
  const r = await fetch(sb.baseUrl + path, { headers: AUTH });
  return { status: r.status, body: (await r.json()) as Body };
}

test('group boards: some pins belong to collaborators (is_owner false), served as the ground truth says', async () => {
  const groups = sb.data.groupBoardIds();
  assert.equal(groups.length, 1);
  assert.ok(!groups.includes(sb.data.boards()[0].id as string), 'board 0 stays a plain board');
  const truth = sb.data.boardPins(groups[0]);
  const served = await get(`/boards/${groups[0]}/pins?page_size=250`);
  assert.equal(served.status, 200);
  assert.deepEqual(served.body.items.map((p) => [p.id, p.is_owner]), truth.map((p) => [p.id, p.is_owner]));
  assert.ok(truth.some((p) => p.is_owner === false) && truth.some((p) => p.is_owner === true));
  const board = (await get('/boards?page_size=250')).body.items.find((b) => b.id === groups[0]);
  assert.ok(board!.collaborator_count >= 1);
  for (const b of sb.data.boards()) if (!groups.includes(b.id as string)) assert.ok(sb.data.boardPins(b.id as string).every((p) => p.is_owner === true));
});

test('pins/analytics: one non-owned pin id fails the whole call with 401 code 7; owned pins answer', async () => {
  const pins = sb.data.boardPins(sb.data.groupBoardIds()[0]);
  const owned = pins.filter((p) => p.is_owner).map((p) => p.id as string);
  const foreign = pins.find((p) => !p.is_owner)!.id as string;
  const ok = await get(`/pins/analytics?pin_ids=${owned.slice(0, 3).join(',')}&${WIN}&metric_types=IMPRESSION,SAVE`);
  assert.equal(ok.status, 200);
  assert.deepEqual(Object.keys(ok.body).sort(), owned.slice(0, 3).sort());
  const bad = await get(`/pins/analytics?pin_ids=${[...owned.slice(0, 3), foreign].join(',')}&${WIN}&metric_types=IMPRESSION,SAVE`);
  assert.equal(bad.status, 401);
  assert.deepEqual(bad.body, { code: 7, message: 'Not authorized to access board or Pin.' });
});

test('pins/analytics metric types: standard-only and video-only metrics cannot be mixed (switch)', async () => {
  const pin = sb.data.boardPins(sb.data.boards()[0].id as string)[0].id as string;
  const mixed = `/pins/analytics?pin_ids=${pin}&${WIN}&metric_types=IMPRESSION,USER_FOLLOW,VIDEO_START`;
  assert.equal((await get(mixed)).status, 200, 'off by default');
  sb.control({ action: 'realism', exclusivePinMetricTypes: true });
  try {
    const r = await get(mixed);
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 1);
    assert.match(r.body.message, /^Invalid multi_pins analytics parameters\..*USER_FOLLOW.*VIDEO_START/);
    // Metrics both lists share combine with either side.
    assert.equal((await get(`/pins/analytics?pin_ids=${pin}&${WIN}&metric_types=IMPRESSION,SAVE,USER_FOLLOW,PROFILE_VISIT`)).status, 200);
    assert.equal((await get(`/pins/analytics?pin_ids=${pin}&${WIN}&metric_types=IMPRESSION,SAVE,VIDEO_START,VIDEO_MRC_VIEW`)).status, 200);
  } finally {
    sb.control({ action: 'realism', exclusivePinMetricTypes: false });
  }
});

test('group boards can be switched on over HTTP and are off by default', async () => {
  const plain = await startSandbox({ scale: 'small', seed: 4, today: TODAY });
  try {
    assert.deepEqual(plain.data.groupBoardIds(), []);
    const r = await fetch(`${plain.origin}/_sandbox/control`, { method: 'POST', body: JSON.stringify({ action: 'realism', groupBoards: 2 }) });
    assert.equal(r.status, 200);
    assert.equal(plain.data.groupBoardIds().length, 2);
  } finally {
    await plain.close();
  }
});
