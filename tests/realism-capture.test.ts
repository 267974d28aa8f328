import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { runCapture } from '../src/connector/run-capture.js';
import { createPinterestSource } from '../src/pinterest/source.js';
import { sandboxConfig } from './entities-helpers.js';

// Pinterest as it really behaves, every switch at once: group-board pins the token may not read,
// shared ad accounts with limited roles, a board past the pagination cap, an 8 KB URL limit,
// exclusive pin metric sets, report filter limits, fractional timestamps. The capture completes;
// what is skipped is exactly what the token can't read, each reported once.

type Doc = Record<string, unknown>;
let sb: Sandbox;
const CAP = 300;
const PAGE = 250; // page_size the connector asks for
// Pages are refused once their bookmark points at the cap: whole pages up to it are read.
const READABLE = (total: number) => Math.min(total, Math.ceil(CAP / PAGE) * PAGE);
before(async () => {
  sb = await startSandbox({
    groupBoards: 2,
    exclusivePinMetricTypes: true,
    sharedAdAccounts: 2,
    hugeBoardPins: 600,
    boardPinsCap: CAP,
    maxUrlBytes: true,
    reportFilterLimits: true,
    fractionalTimestamps: true,
  });
});
after(() => sb.close());

test('a capture of every stream over a realistic account completes, skipping only what the token cannot read', async () => {
  const lines: Doc[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Doc);
      cb();
    },
  });
  const docs: Record<string, Doc[]> = {};
  const config = { ...sandboxConfig(sb), start_date: plusDays(sb.today(), -30) };
  const res = await runCapture({
    source: createPinterestSource(),
    config,
    once: true,
    log: pino({ level: 'info' }, sink),
    output: { document: (s, d) => void (docs[s] ??= []).push(d) },
  });
  assert.equal(res.reason, 'completed');
  await new Promise((r) => setImmediate(r));
  const warnings = lines.filter((l) => l.level === 40 || l.level === 'warn');

  // No URL over the limit was ever sent.
  assert.equal(sb.stats().uriTooLong, 0, 'zero 414s');

  // Shared accounts: every account's ad_accounts document; analytics only of readable ones; each
  // limited account named in exactly one warning.
  const limited = sb.data.limitedAdAccountIds();
  assert.ok(limited.length > 0);
  assert.deepEqual(docs.ad_accounts!.map((d) => d.id).sort(), sb.data.adAccountIds().sort());
  for (const s of ['ad_account_analytics', 'campaign_analytics', 'ad_analytics', 'campaign_analytics_report']) {
    const accounts = new Set(docs[s]!.map((d) => String(d.AD_ACCOUNT_ID ?? d.ADVERTISER_ID)));
    for (const id of limited) assert.ok(!accounts.has(id), `${s}: no rows of limited account ${id}`);
    for (const id of sb.data.adAccountIds().filter((a) => !limited.includes(a))) assert.ok(accounts.has(id) || s !== 'ad_account_analytics', `${s}: rows of readable account ${id}`);
  }
  for (const id of limited) {
    const about = warnings.filter((w) => (w.fields as Doc | undefined)?.adAccount === id || w.adAccount === id);
    assert.equal(about.length, 1, `one warning about limited account ${id}: ${about.map((w) => String(w.msg)).join(' | ')}`);
  }

  // Group boards: analytics of every pin the user owns, none of the others; one warning.
  const pins = sb.data.boards().flatMap((b) => sb.data.boardPins(String(b.id)).slice(0, String(b.id) === sb.data.hugeBoardId() ? READABLE(600) : undefined));
  const owned = new Set(pins.filter((p) => p.is_owner !== false).map((p) => String(p.id)));
  assert.ok(owned.size < pins.length, 'some pins belong to collaborators');
  assert.deepEqual(new Set(docs.pin_analytics!.map((d) => String(d.PIN_ID))), owned);
  assert.equal(warnings.filter((w) => /pin_analytics: skipped/.test(String(w.msg))).length, 1);

  // The board past the pagination cap: every pin up to the cap, one warning naming the board.
  const huge = sb.data.hugeBoardId()!;
  assert.equal(docs.board_pins!.filter((d) => d.board_id === huge).length, READABLE(600));
  assert.equal(warnings.filter((w) => String(w.msg).includes(`/boards/${huge}/pins`)).length, 1);

  // Every other stream produced documents, none failed.
  for (const s of Object.keys(res.counts)) assert.ok((docs[s]?.length ?? 0) > 0 || s === 'catalogs_product_groups', `${s} has documents`);
});

function plusDays(d: string, n: number): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
