// Objects deleted between two capture passes ({"action":"delete"}): listings leave them out,
// lookups by id answer 404, children go with their parents.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';

const AUTH = { authorization: 'Bearer pina_sandbox' };
let sb: Sandbox;
let acct: string;

before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 10, today: '2025-06-15' });
  acct = sb.data.adAccountIds()[0];
});
after(() => sb.close());

/** The part of a list response this test reads. */
interface IdList {
  items: Array<{ id: string }>;
}

async function items(path: string): Promise<string[]> {
  const r = await fetch(`${sb.baseUrl}${path}${path.includes('?') ? '&' : '?'}page_size=250`, { headers: AUTH });
  assert.equal(r.status, 200, path);
  return ((await r.json()) as IdList).items.map((x) => x.id);
}

async function control(body: unknown) {
  const r = await fetch(`${sb.origin}/_sandbox/control`, { method: 'POST', body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as unknown };
}

test('deleting each kind of object removes it from the API and from the ground truth', async () => {
  const board = sb.data.boards()[1].id as string;
  const cases: [string, () => Promise<string[]>, () => string[]][] = [
    ['boards', () => items('/boards'), () => sb.data.boards().map((x) => x.id as string)],
    ['pins', () => items(`/boards/${String(sb.data.boards()[0].id)}/pins`), () => sb.data.boardPins(sb.data.boards()[0].id as string).map((x) => x.id as string)],
    ['sections', () => items(`/boards/${String(sb.data.boards()[0].id)}/sections`), () => sb.data.sections(sb.data.boards()[0].id as string).map((x) => x.id as string)],
    ['audiences', () => items(`/ad_accounts/${acct}/audiences`), () => sb.data.audiences(acct).filter((a) => a.created_by_company_name === null).map((x) => x.id as string)],
    ['customer_lists', () => items(`/ad_accounts/${acct}/customer_lists`), () => sb.data.customerLists(acct).map((x) => x.id as string)],
    ['conversion_tags', async () => ((await (await fetch(`${sb.baseUrl}/ad_accounts/${acct}/conversion_tags`, { headers: AUTH })).json()) as IdList).items.map((x) => x.id), () => sb.data.conversionTags(acct).map((x) => x.id as string)],
    ['keywords', () => items(`/ad_accounts/${acct}/keywords`), () => sb.data.keywords(acct).filter((k) => k.parent_type === 'advertiser').map((x) => x.id as string)],
    ['product_groups', () => items('/catalogs/product_groups'), () => sb.data.productGroups().map((x) => x.id as string)],
    ['feeds', () => items('/catalogs/feeds'), () => sb.data.feeds().map((x) => x.id as string)],
    ['catalogs', () => items('/catalogs'), () => sb.data.catalogs().map((x) => x.id as string)],
  ];
  const victims: Record<string, string> = {};
  for (const [entity, served, truth] of cases) {
    const before = await served();
    assert.ok(before.length >= 1, entity);
    assert.deepEqual(before, truth(), `${entity} before`);
    const victim = before[before.length - 1];
    victims[entity] = victim;
    const r = await control({ action: 'delete', entity, ids: [victim] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const after = await served();
    assert.deepEqual(after, before.filter((id) => id !== victim), entity);
    assert.deepEqual(after, truth(), `${entity} ground truth`);
  }
  // A deleted board's pins are gone with it.
  assert.equal((await fetch(`${sb.baseUrl}/boards/${victims.boards}/pins`, { headers: AUTH })).status, 404);
  assert.equal((await fetch(`${sb.baseUrl}/boards/${board}/pins`, { headers: AUTH })).status, 200);
  // A deleted catalog takes its feeds and product groups along.
  assert.ok(sb.data.feeds().every((f) => f.catalog_id !== victims.catalogs));
  assert.ok(sb.data.productGroups().every((g) => g.catalog_id !== victims.catalogs));
  assert.deepEqual(await items('/catalogs/feeds'), sb.data.feeds().map((f) => f.id));
});

test('a pin of a deleted section stays on the board without a section; deleted pins answer 404 in pins/analytics', async () => {
  const board = sb.data.boards()[0].id as string;
  const section = sb.data.sections(board)[0].id as string;
  const inSection = sb.data.sectionPins(board, section)[0].id as string;
  await control({ action: 'delete', entity: 'sections', ids: [section] });
  const pin = sb.data.boardPins(board).find((p) => p.id === inSection)!;
  assert.equal(pin.board_section_id, null);
  await control({ action: 'delete', entity: 'pins', ids: [inSection] });
  const r = await fetch(`${sb.baseUrl}/pins/analytics?pin_ids=${inSection}&start_date=2025-06-01&end_date=2025-06-02&metric_types=IMPRESSION`, { headers: AUTH });
  assert.equal(r.status, 404);
  assert.equal(((await r.json()) as { code: number }).code, 50);
});

test('bad delete payloads are refused and delete nothing', async () => {
  const before = sb.data.boards().length;
  assert.equal((await control({ action: 'delete', entity: 'boards', ids: ['1'] })).status, 400);
  assert.equal((await control({ action: 'delete', entity: 'campaigns', ids: [sb.data.campaigns(acct)[0].id] })).status, 400);
  assert.equal((await control({ action: 'delete', entity: 'boards', ids: [] })).status, 400);
  assert.equal(sb.data.boards().length, before);
});
