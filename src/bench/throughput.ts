import { formatISO } from 'date-fns/formatISO';
import { subDays } from 'date-fns/subDays';
import { captureViaProcess, type ProcessCaptureResult } from './capture-process.js';
import { rawCeiling, type ReplayRequest } from './raw-ceiling.js';
import { startSandboxProcess } from './sandbox-process.js';
import type { BenchReport, BenchSection } from './types.js';

// Issue 7: a full capture by the real connector process (`node dist/main.js`, Open over stdio, its
// output piped to a counter) against the sandbox at --scale large in its own process with rate
// limits off. Documents/s and bytes/s end to end, peak RSS of the connector (also at medium, to
// show it does not grow with the data), and the ratio to a raw ceiling measured in the same run:
// the same pages fetched again by a bare HTTP client, each document parsed and re-serialised.

export const THROUGHPUT_STREAMS = [
  'user_account', 'boards', 'board_sections', 'board_pins', 'board_section_pins', 'ad_accounts', 'campaigns', 'ad_groups', 'ads',
  'audiences', 'customer_lists', 'conversion_tags', 'keywords', 'catalogs', 'catalogs_feeds', 'catalogs_product_groups',
  'ad_account_analytics', 'campaign_analytics', 'ad_group_analytics',
];
/** Days of sync analytics read (start_date = today − ANALYTICS_DAYS + 1): ~1M documents in all at large. */
const ANALYTICS_DAYS = 45;
const UNLIMITED = { ads_read: 1e7, ads_analytics: 1e7, org_read: 1e7, org_analytics: 1e7, catalogs_read: 1e7 };
const MB = 1024 * 1024;

function configFor(baseUrl: string): Record<string, unknown> {
  const today = new Date();
  return {
    start_date: formatISO(subDays(today, ANALYTICS_DAYS - 1), { representation: 'date' }),
    credentials: { auth_method: 'access_token', access_token: 'pina_sandbox' },
    advanced: { api_base_url: baseUrl, max_requests_per_second: 1e6, rate_limits: UNLIMITED },
  };
}

async function captureAt(scale: 'medium' | 'large'): Promise<{ run: ProcessCaptureResult; requests: ReplayRequest[]; origin: string; ceiling?: Awaited<ReturnType<typeof rawCeiling>> }> {
  const sb = await startSandboxProcess(['--scale', scale, '--seed', '7', '--rate-limits', 'off']);
  try {
    const run = await captureViaProcess({ config: configFor(sb.baseUrl), streams: THROUGHPUT_STREAMS, timeoutMs: 20 * 60_000 });
    const log = await sb.get<{ requests: Array<ReplayRequest & { status: number }> }>('/_sandbox/requests');
    const requests = log.requests.filter((r) => r.method === 'GET' && r.status === 200);
    const ceiling = scale === 'large' ? await rawCeiling(sb.origin, requests, { token: 'pina_sandbox', concurrency: 8 }) : undefined;
    return { run, requests, origin: sb.origin, ceiling };
  } finally {
    await sb.close();
  }
}

export const throughputSection: BenchSection = {
  name: 'throughput',
  description: 'full capture by the connector process vs a raw fetch+parse+stringify ceiling, sandbox --scale large, rate limits off',
  async run({ log }): Promise<BenchReport> {
    log.info('throughput: capture at --scale medium');
    const medium = await captureAt('medium');
    log.info('throughput: capture at --scale large, then the raw ceiling over the same pages');
    const large = await captureAt('large');
    const ceiling = large.ceiling!;
    const r = large.run;
    const docsPerSec = r.documents / r.seconds;
    const ceilingPerSec = ceiling.documents / ceiling.seconds;
    const ratio = docsPerSec / ceilingPerSec;
    const row = (name: string, docs: number, bytes: number, seconds: number, requests: number, rss: number | string) => ({
      run: name,
      documents: docs,
      seconds: Number(seconds.toFixed(2)),
      'docs/s': Math.round(docs / seconds),
      'MB/s': Number((bytes / seconds / MB).toFixed(1)),
      requests,
      'peak RSS MB': typeof rss === 'number' ? Math.round(rss / MB) : rss,
    });
    const rssMB = r.peakRssBytes / MB;
    return {
      section: 'throughput',
      title: `full capture of ${THROUGHPUT_STREAMS.length} streams (${ANALYTICS_DAYS} days of sync analytics), connector process over stdio`,
      rows: [
        row('connector, --scale medium', medium.run.documents, medium.run.bytes, medium.run.seconds, medium.requests.length, medium.run.peakRssBytes),
        row('connector, --scale large', r.documents, r.bytes, r.seconds, large.requests.length, r.peakRssBytes),
        row('raw ceiling, same pages', ceiling.documents, ceiling.bytes, ceiling.seconds, ceiling.requests, '-'),
      ],
      targets: [
        { name: 'docs/s ÷ raw ceiling docs/s', value: ratio, target: '≥ 0.5', pass: ratio >= 0.5 },
        { name: 'peak RSS MB while capturing ≥ 1,000,000 documents', value: rssMB, target: '< 200 with ≥ 1e6 docs', pass: rssMB < 200 && r.documents >= 1_000_000 },
      ],
      details: {
        documents: r.documents,
        checkpoints: r.checkpoints,
        bytes: r.bytes,
        peakRssMB: { medium: Math.round(medium.run.peakRssBytes / MB), large: Math.round(rssMB) },
        ceiling,
        byStream: Object.fromEntries(THROUGHPUT_STREAMS.map((s, i) => [s, { documents: r.docsByBinding[i], passSeconds: Number(((r.passMsByBinding[i] ?? 0) / 1000).toFixed(2)) }])),
        note: 'connector: Open until every binding finished its first pass; ceiling: the connector\'s GET requests replayed (8 keep-alive sockets), JSON.parse per page, JSON.stringify per document to /dev/null',
      },
    };
  },
};
