// Shared ad accounts with limited Business Access roles (403 code 29 where the role does not
// reach) and Business Access reads (`ad_account_id`) of a business profile's own organic data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';

const TODAY = '2025-06-15';
const AUTH = { authorization: 'Bearer pina_sandbox' };
const WIN = 'start_date=2025-05-01&end_date=2025-06-01';
const FULL = ['OWNER', 'ADMIN', 'ANALYST', 'CAMPAIGN_MANAGER'];
let sb: Sandbox;

before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 6, today: TODAY, reportPolls: 0, shape: { adAccounts: 5 }, sharedAdAccounts: 4, businessAccess: true });
});
after(() => sb.close());

/** The parts of the responses this test reads: list pages, an error, the user account and its analytics. */
interface Body {
  items: Array<{ id: string; permissions: string[]; owner: { username: string } }>;
  code: number;
  message: string;
  username: string;
  all: { summary_metrics: Record<string, number> };
}

async function get(path: string) {
  const r = await fetch(sb.baseUrl + path, { headers: AUTH });
  return { status: r.status, body: (await r.json()) as Body };
}

function post(path: string, body: unknown) {
  return fetch(sb.baseUrl + path, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

test('GET /ad_accounts lists shared accounts (include_shared_accounts defaults to true) with their permissions', async () => {
  const all = (await get('/ad_accounts?page_size=250')).body.items;
  assert.deepEqual(all.map((a) => a.id), sb.data.adAccountIds());
  for (const a of all) assert.deepEqual(a.permissions, sb.data.adAccountRoles(a.id));
  const shared = sb.data.sharedAdAccountIds();
  assert.equal(shared.length, 4);
  const me = sb.data.userAccount().username;
  for (const a of all) assert.equal(a.owner.username === me, !shared.includes(a.id), `${a.id} owner`);
  const own = (await get('/ad_accounts?include_shared_accounts=false')).body.items;
  assert.deepEqual(own.map((a) => a.id), sb.data.adAccountIds().filter((id) => !shared.includes(id)));
  const limited = sb.data.limitedAdAccountIds();
  assert.ok(limited.length >= 1);
  for (const id of sb.data.adAccountIds()) assert.equal(limited.includes(id), !sb.data.adAccountRoles(id).some((r) => FULL.includes(r)));
});

test('limited roles: analytics, reports and ad entity lists answer 403 code 29; full roles answer 200', async () => {
  const limited = new Set(sb.data.limitedAdAccountIds());
  for (const id of sb.data.adAccountIds()) {
    const expected = limited.has(id) ? 403 : 200;
    const paths = [
      `/ad_accounts/${id}/analytics?${WIN}&granularity=DAY&columns=SPEND_IN_DOLLAR`,
      `/ad_accounts/${id}/campaigns/analytics?${WIN}&granularity=DAY&columns=SPEND_IN_DOLLAR&campaign_ids=${String(sb.data.campaigns(id)[0].id)}`,
      `/ad_accounts/${id}/campaigns`,
      `/ad_accounts/${id}/ads`,
      `/ad_accounts/${id}/keywords`,
      `/ad_accounts/${id}/conversion_tags`,
    ];
    for (const p of paths) {
      const r = await get(p);
      assert.equal(r.status, expected, `${p} roles ${sb.data.adAccountRoles(id).join(',')}`);
      if (expected === 403) assert.deepEqual(r.body, { code: 29, message: 'You are not permitted to access that resource' });
    }
    const rep = await post(`/ad_accounts/${id}/reports`, { start_date: '2025-05-01', end_date: '2025-05-02', granularity: 'DAY', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'] });
    assert.equal(rep.status, expected);
    assert.equal((await get(`/ad_accounts/${id}/reports?token=abc`)).status, expected);
    // Audience Manager may read audiences and customer lists.
    const audiences = limited.has(id) && !sb.data.adAccountRoles(id).includes('AUDIENCE_MANAGER') ? 403 : 200;
    assert.equal((await get(`/ad_accounts/${id}/audiences`)).status, audiences, `audiences ${sb.data.adAccountRoles(id).join(',')}`);
    assert.equal((await get(`/ad_accounts/${id}/customer_lists`)).status, audiences);
  }
});

test('explicit roles per account via control', async () => {
  const id = sb.data.adAccountIds()[0];
  sb.control({ action: 'realism', adAccountRoles: { [id]: ['FINANCE_MANAGER'] } });
  try {
    assert.deepEqual(sb.data.adAccountRoles(id), ['FINANCE_MANAGER']);
    assert.ok(sb.data.limitedAdAccountIds().includes(id));
    assert.equal((await get(`/ad_accounts/${id}/analytics?${WIN}&granularity=DAY&columns=SPEND_IN_DOLLAR`)).body.code, 29);
  } finally {
    sb.control({ action: 'realism', adAccountRoles: {} });
  }
  assert.equal((await get(`/ad_accounts/${id}/analytics?${WIN}&granularity=DAY&columns=SPEND_IN_DOLLAR`)).status, 200);
});

test('Business Access: ad_account_id of a shared account serves its owner profile’s own boards, pins and catalogs', async () => {
  const own = sb.data.adAccountIds()[0];
  const admin = sb.data.adAccountIds().find((id) => sb.data.adAccountRoles(id).includes('ADMIN'))!;
  const mine = sb.data.operationUser(own);
  const theirs = sb.data.operationUser(admin);
  assert.deepEqual(mine.boards().map((b) => b.id), sb.data.boards().map((b) => b.id), 'an owned account reads the token user');
  const theirBoards = theirs.boards().map((b) => b.id as string);
  assert.ok(theirBoards.every((id) => !sb.data.boards().some((b) => b.id === id)), 'distinct boards');

  assert.deepEqual((await get('/boards?page_size=250')).body.items.map((b) => b.id), sb.data.boards().map((b) => b.id));
  assert.deepEqual((await get(`/boards?page_size=250&ad_account_id=${admin}`)).body.items.map((b) => b.id), theirBoards);
  assert.deepEqual((await get(`/boards?page_size=250&ad_account_id=${own}`)).body.items.map((b) => b.id), sb.data.boards().map((b) => b.id));
  const board = theirBoards[0];
  assert.deepEqual((await get(`/boards/${board}/pins?page_size=250&ad_account_id=${admin}`)).body.items.map((p) => p.id), theirs.boardPins(board).map((p) => p.id));
  assert.equal((await get(`/boards/${board}/pins`)).status, 404, "the profile's board is not the token user's");
  const section = theirs.sections(board)[0].id;
  assert.equal((await get(`/boards/${board}/sections?ad_account_id=${admin}`)).body.items[0].id, section);
  assert.equal((await get(`/boards/${board}/sections/${String(section)}/pins?ad_account_id=${admin}`)).status, 200);
  assert.equal((await get(`/user_account?ad_account_id=${admin}`)).body.username, theirs.userAccount().username);
  assert.notEqual(theirs.userAccount().username, sb.data.userAccount().username);
  assert.deepEqual((await get(`/catalogs?ad_account_id=${admin}`)).body.items.map((c) => c.id), theirs.catalogs().map((c) => c.id));
  assert.deepEqual((await get(`/catalogs/feeds?ad_account_id=${admin}`)).body.items.map((c) => c.id), theirs.feeds().map((c) => c.id));
  assert.equal((await get(`/catalogs/product_groups?ad_account_id=${admin}&page_size=250`)).body.items.length, theirs.productGroups().length);

  // Analytics of the profile differ from the token user's.
  const ua = (await get(`/user_account/analytics?${WIN}&ad_account_id=${admin}`)).body;
  const ub = (await get(`/user_account/analytics?${WIN}`)).body;
  assert.notDeepEqual(ua.all.summary_metrics, ub.all.summary_metrics);
  const pin = theirs.boardPins(board)[0].id as string;
  assert.equal((await get(`/pins/analytics?pin_ids=${pin}&${WIN}&metric_types=IMPRESSION&ad_account_id=${admin}`)).status, 200);
  assert.equal((await get(`/pins/analytics?pin_ids=${pin}&${WIN}&metric_types=IMPRESSION`)).status, 404);
});

test('Business Access: an unknown ad_account_id or a role without access answers 403 code 29', async () => {
  for (const p of ['/boards', '/user_account', '/catalogs']) {
    const r = await get(`${p}?ad_account_id=123456789`);
    assert.equal(r.status, 403, p);
    assert.deepEqual(r.body, { code: 29, message: 'You are not permitted to access that resource' });
  }
  const finance = sb.data.adAccountIds().find((id) => sb.data.adAccountRoles(id).join() === 'FINANCE_MANAGER')!;
  assert.equal((await get(`/boards?ad_account_id=${finance}`)).status, 403);
  const catalogs = sb.data.adAccountIds().find((id) => sb.data.adAccountRoles(id).includes('CATALOGS_MANAGER'));
  if (catalogs) {
    assert.equal((await get(`/catalogs?ad_account_id=${catalogs}`)).status, 200, 'Catalogs Manager reads catalogs');
    assert.equal((await get(`/boards?ad_account_id=${catalogs}`)).status, 403);
  }
});

test('switches off: ad_account_id is ignored and every account is owned', async () => {
  const plain = await startSandbox({ scale: 'small', seed: 6 });
  try {
    const r = await fetch(`${plain.baseUrl}/boards?ad_account_id=123`, { headers: AUTH });
    assert.equal(r.status, 200);
    assert.deepEqual(plain.data.sharedAdAccountIds(), []);
    assert.deepEqual(plain.data.limitedAdAccountIds(), []);
    for (const a of plain.data.adAccounts()) assert.deepEqual(a.permissions, ['OWNER']);
  } finally {
    await plain.close();
  }
});
