import { readFileSync } from 'node:fs';
import { formatISO } from 'date-fns/formatISO';
import { subDays } from 'date-fns/subDays';
import { captureViaProcess } from './capture-process.js';
import { startSandboxProcess } from './sandbox-process.js';
import type { BenchReport, BenchSection } from './types.js';

// Issue 7: with the sandbox enforcing Pinterest-style budgets (scaled down so the run takes about a
// minute), how much of each category's budget the connector uses while it has work pending, and how
// many 429s it caused by exceeding a budget it knows (must be none). The sandbox counts requests per
// operation; sampling its counters once a second gives each category's rate.

const RUN_MS = 60_000;
const WINDOW_MS = 10_000;
/** Scaled budgets per minute (Pinterest: ads_read 1000, ads_analytics 300, others 6000 / 100 per s). */
const BUDGETS: Record<string, number> = { ads_read: 600, ads_analytics: 180, org_read: 1200, org_analytics: 180, catalogs_read: 600 };
const OVERALL_PER_SECOND = 100;
const STREAMS = [
  'boards', 'board_pins', 'board_section_pins', // org_read
  'campaigns', 'ad_groups', 'ads', 'audiences', 'keywords', // ads_read
  'ad_account_analytics', 'campaign_analytics', // ads_analytics
];

interface Operation {
  operationId: string;
  category?: string;
}

function operationCategories(): Map<string, string> {
  const file = new URL('../../resources/openapi/operations.json', import.meta.url);
  const ops = (JSON.parse(readFileSync(file, 'utf8')) as { operations: Operation[] }).operations;
  return new Map(ops.filter((o) => o.category).map((o) => [o.operationId, o.category!]));
}

interface Sample {
  t: number;
  byCategory: Record<string, number>;
}

export const rateLimitsSection: BenchSection = {
  name: 'rate-limits',
  description: 'share of each scaled rate-limit budget used while work is pending; 429s caused (must be 0)',
  async run({ log }): Promise<BenchReport> {
    const categoryOf = operationCategories();
    const sb = await startSandboxProcess(['--scale', 'large', '--seed', '7', '--rate-limits', 'on']);
    try {
      await sb.control({
        action: 'rateLimits',
        enabled: true,
        budgets: Object.fromEntries(Object.entries(BUDGETS).map(([c, perMin]) => [c, { limit: (perMin * WINDOW_MS) / 60_000, windowMs: WINDOW_MS }])),
        overall: { limit: OVERALL_PER_SECOND, windowMs: 1000 },
      });
      await sb.control({ action: 'resetStats' });
      const config = {
        start_date: formatISO(subDays(new Date(), 29), { representation: 'date' }),
        credentials: { auth_method: 'access_token', access_token: 'pina_sandbox' },
        advanced: { api_base_url: sb.baseUrl, rate_limits: BUDGETS, max_requests_per_second: OVERALL_PER_SECOND },
      };
      const samples: Sample[] = [];
      const t0 = performance.now();
      const sample = async () => {
        const st = await sb.get<{ byOperation: Record<string, { total: number }> }>('/_sandbox/stats');
        const byCategory: Record<string, number> = {};
        for (const [op, o] of Object.entries(st.byOperation)) {
          const c = categoryOf.get(op) ?? 'other';
          byCategory[c] = (byCategory[c] ?? 0) + o.total;
        }
        samples.push({ t: (performance.now() - t0) / 1000, byCategory });
      };
      const timer = setInterval(() => void sample().catch(() => undefined), 1000);
      log.info({ seconds: RUN_MS / 1000 }, 'rate-limits: capturing against scaled budgets');
      const run = await captureViaProcess({ config, streams: STREAMS, stopAfterMs: RUN_MS, timeoutMs: RUN_MS + 120_000 });
      clearInterval(timer);
      const stats = await sb.get<{ rateLimited: number; total: number; byStatus: Record<string, number> }>('/_sandbox/stats');

      // Per category: from the first sample that shows a request of it to the last sample taken
      // while the session ran (work was pending throughout: the capture was cut off, not finished).
      const inRun = samples.filter((s) => s.t <= run.seconds + 0.5);
      const rows: BenchReport['rows'] = [];
      const shares: Record<string, number> = {};
      for (const [category, perMin] of Object.entries(BUDGETS)) {
        const first = inRun.find((s) => (s.byCategory[category] ?? 0) > 0);
        const last = inRun.at(-1);
        if (!first || !last || last.t - first.t < 5) continue;
        const n = (last.byCategory[category] ?? 0) - (first.byCategory[category] ?? 0);
        const perSecond = n / (last.t - first.t);
        const share = perSecond / (perMin / 60);
        shares[category] = share;
        rows.push({
          category,
          'budget /min': perMin,
          requests: last.byCategory[category] ?? 0,
          'measured over s': Number((last.t - first.t).toFixed(1)),
          'achieved /min': Number((perSecond * 60).toFixed(1)),
          'share of budget': Number(share.toFixed(3)),
        });
      }
      // The binding category: the one with the most of its budget used (ads_read here — every ad
      // account's listings queue behind it).
      const binding = Object.entries(shares).sort((a, b) => b[1] - a[1])[0];
      return {
        section: 'rate-limits',
        title: `scaled budgets (${WINDOW_MS / 1000}-s windows, overall ${OVERALL_PER_SECOND}/s), ${RUN_MS / 1000}-s capture cut off with work pending`,
        rows,
        targets: [
          { name: `share of budget on the binding category (${binding?.[0] ?? 'none'})`, value: binding?.[1] ?? 0, target: '≥ 0.9', pass: (binding?.[1] ?? 0) >= 0.9 },
          { name: '429s from exceeding a known budget', value: stats.rateLimited, target: '= 0', pass: stats.rateLimited === 0 },
        ],
        details: { sandboxRequests: stats.total, byStatus: stats.byStatus, documents: run.documents, sessionSeconds: Number(run.seconds.toFixed(1)), stopped: run.stopped },
      };
    } finally {
      await sb.close();
    }
  },
};
