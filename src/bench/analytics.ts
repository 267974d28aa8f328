import { startSandbox } from '../sandbox/index.js';
import { airbyteStyleCalls, minimalCalls } from './call-counts.js';
import { syncIdsPerCall } from '../pinterest/analytics/sync.js';
import { STREAMS_BY_NAME } from '../pinterest/streams/table.js';
import { plusDays, SYNC_LIMITS } from '../pinterest/analytics/windows.js';
import { runBindings, sandboxConfig } from './run-binding.js';
import type { BenchReport, BenchSection } from './types.js';

// Issue 5: sync ads analytics over 89 days for 2 ad accounts × 30 campaigns × 10 ad groups × 10
// ads, every entity status. Compares the calls our bindings make (counted by the sandbox) with
// the fewest possible and with Airbyte's one-entity-per-call, 30-day-window plan.

const DAYS = 89;
const LEVELS = [
  { stream: 'ad_account_analytics', op: 'ad_account/analytics', entities: (_: string) => 1 },
  { stream: 'campaign_analytics', op: 'campaigns/analytics', entities: 'campaigns' },
  { stream: 'ad_group_analytics', op: 'ad_groups/analytics', entities: 'adGroups' },
  { stream: 'ad_analytics', op: 'ads/analytics', entities: 'ads' },
] as const;

export const analyticsSection: BenchSection = {
  name: 'analytics',
  description: 'API calls of the sync ads analytics bindings vs the minimum and an Airbyte-style plan',
  async run({ log }): Promise<BenchReport> {
    const sb = await startSandbox({ scale: 'bench', seed: 5 });
    try {
      const today = sb.today();
      const config = sandboxConfig(sb.baseUrl, { start_date: plusDays(today, -(DAYS - 1)), advanced: { today } });
      sb.resetStats();
      const t0 = performance.now();
      const run = await runBindings(config, LEVELS.map((l) => l.stream), log, {}, { keepDocs: false });
      const seconds = (performance.now() - t0) / 1000;
      const stats = sb.stats();
      const accounts = sb.data.adAccountIds();

      const rows: BenchReport['rows'] = [];
      const total = { entities: 0, made: 0, minimal: 0, airbyte: 0, docs: 0 };
      for (const l of LEVELS) {
        const counts = accounts.map((a) => (typeof l.entities === 'function' ? l.entities(a) : sb.data[l.entities](a).length));
        const made = stats.byOperation[l.op]?.total ?? 0;
        // The fewest calls for what fits: as many ids per call as an 8 KB URL holds (≤ 250).
        const def = STREAMS_BY_NAME.get(l.stream);
        const ids = accounts.flatMap((a) => (typeof l.entities === 'function' ? [a] : sb.data[l.entities](a).map((e) => String(e.id))));
        const perCall = def?.strategy === 'sync_analytics' ? syncIdsPerCall(def, config, today, ids) : 250;
        const minimal = minimalCalls(counts, DAYS, perCall, SYNC_LIMITS.maxRange);
        const airbyte = airbyteStyleCalls(counts, DAYS);
        const entities = counts.reduce((x, y) => x + y, 0);
        const docs = run.passes[l.stream].emitted;
        rows.push({ stream: l.stream, entities, documents: docs, calls: made, minimal, 'airbyte-style': airbyte, 'vs minimal': made / minimal, 'fewer than airbyte': airbyte / made });
        total.entities += entities;
        total.made += made;
        total.minimal += minimal;
        total.airbyte += airbyte;
        total.docs += docs;
      }
      rows.push({ stream: 'total', entities: total.entities, documents: total.docs, calls: total.made, minimal: total.minimal, 'airbyte-style': total.airbyte, 'vs minimal': total.made / total.minimal, 'fewer than airbyte': total.airbyte / total.made });
      const listing = ['ad_accounts/list', 'campaigns/list', 'ad_groups/list', 'ads/list'].reduce((n, op) => n + (stats.byOperation[op]?.total ?? 0), 0);
      return {
        section: 'analytics',
        title: `sync ads analytics, ${accounts.length} ad accounts, ${DAYS} days, all entity statuses`,
        rows,
        targets: [
          { name: 'calls / minimal', value: total.made / total.minimal, target: '≤ 1.2', pass: total.made / total.minimal <= 1.2 },
          { name: 'airbyte-style / calls', value: total.airbyte / total.made, target: '≥ 50', pass: total.airbyte / total.made >= 50 },
        ],
        details: { today, seconds: Number(seconds.toFixed(2)), entityListingCalls: listing, requestsBySandbox: stats.total, clientRequests: run.stats.requests },
      };
    } finally {
      await sb.close();
    }
  },
};
