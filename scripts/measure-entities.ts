// Measures a full entity capture against the in-process sandbox: docs/s and requests per stream.
//   node --import tsx scripts/measure-entities.ts [--scale medium] [--unlimited]
// Default budgets are Pinterest's published ones (the real-world pace); --unlimited lifts them to
// show the connector's own overhead.
import { startSandbox, type ScaleName } from '../src/sandbox/index.js';
import { runCapture } from '../src/connector/run-capture.js';
import { createPinterestSource } from '../src/pinterest/source.js';
import { createLogger } from '../src/log.js';

const ENTITY_STREAMS = [
  'user_account', 'boards', 'board_sections', 'board_pins', 'board_section_pins', 'ad_accounts', 'campaigns', 'ad_groups', 'ads',
  'audiences', 'customer_lists', 'conversion_tags', 'keywords', 'catalogs', 'catalogs_feeds', 'catalogs_product_groups',
];

const args = process.argv.slice(2);
const scale = (args[args.indexOf('--scale') + 1] ?? 'medium') as ScaleName;
const unlimited = args.includes('--unlimited');
const sb = await startSandbox({ scale: args.includes('--scale') ? scale : 'medium', seed: 1 });
const advanced: Record<string, unknown> = { api_base_url: sb.baseUrl };
if (unlimited) {
  advanced.max_requests_per_second = 100_000;
  advanced.rate_limits = Object.fromEntries(['ads_read', 'ads_analytics', 'org_read', 'org_analytics', 'catalogs_read'].map((c) => [c, 10_000_000]));
}
const config = { start_date: '2024-01-01', credentials: { auth_method: 'access_token', access_token: 'pina_sandbox' }, advanced };
const per: Record<string, { docs: number; first: number; last: number }> = {};
const t0 = performance.now();
await runCapture({
  source: createPinterestSource(),
  config,
  streams: ENTITY_STREAMS,
  once: true,
  log: createLogger('warn'),
  output: {
    document(stream) {
      const now = performance.now();
      const p = (per[stream] ??= { docs: 0, first: now, last: now });
      p.docs++;
      p.last = now;
    },
  },
});
const secs = (performance.now() - t0) / 1000;
const stats = sb.stats();
const total = Object.values(per).reduce((a, p) => a + p.docs, 0);
const byOp = Object.entries(stats.byOperation).map(([op, s]) => `${op}=${s.total}`).join(' ');
console.log(`scale ${scale}, budgets ${unlimited ? 'unlimited' : 'Pinterest defaults'}: ${total} docs in ${secs.toFixed(2)} s = ${Math.round(total / secs)} docs/s, ${stats.total} requests`);
console.log('stream'.padEnd(26), 'docs'.padStart(7));
for (const s of ENTITY_STREAMS) console.log(s.padEnd(26), String(per[s]?.docs ?? 0).padStart(7));
console.log('requests by operation:', byOp);
await sb.close();
