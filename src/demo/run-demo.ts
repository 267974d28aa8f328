import { format } from 'date-fns/format';
import { subDays } from 'date-fns/subDays';
import { runCapture } from '../connector/run-capture.js';
import type { Session, Source } from '../connector/source.js';
import type { Logger } from '../log.js';
import type { ClientStats } from '../pinterest/client-types.js';
import type { PinterestConfig } from '../pinterest/config.js';
import { createPinterestSource } from '../pinterest/source.js';
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN, type ScaleName } from '../sandbox/index.js';
import { barsDisplay, linesDisplay, type Display } from './display.js';
import { openJsonlFiles } from './files.js';
import { startSandboxThread } from './sandbox-thread.js';
import { summaryTable } from './summary.js';
import { Tracker, type StreamRow } from './tracker.js';

// `npm run demo`: the sandbox in-process (on a worker thread), then one full pass of every stream through the same
// capture code Flow runs (runCapture → session loop → Pinterest session), with the OAuth refresh
// flow, progress, one JSONL file per stream and a summary table.

export interface DemoOptions {
  outputDir: string;
  scale?: ScaleName;
  seed?: number;
  /** start_date is this many days before today (reports and analytics read that far back). */
  days?: number;
  /** Bars (terminal) or plain lines. */
  tty: boolean;
  out: NodeJS.WriteStream;
  log: Logger;
  signal?: AbortSignal;
}

export interface DemoResult {
  rows: StreamRow[];
  seconds: number;
  docs: number;
  requests: number;
  tokenRefreshes: number;
  reason: string;
  table: string;
}

export function demoConfig(baseUrl: string, startDate: string): Record<string, unknown> {
  return {
    start_date: startDate,
    credentials: {
      auth_method: 'oauth2.0',
      client_id: SANDBOX_CLIENT_ID,
      client_secret: SANDBOX_CLIENT_SECRET,
      refresh_token: SANDBOX_REFRESH_TOKEN,
    },
    // The sandbox finishes reports after one poll: poll sooner than Pinterest's pace, and run
    // more report jobs at once than the production default.
    advanced: { api_base_url: baseUrl, report_poll_initial_ms: 150, report_poll_max_ms: 1000, report_concurrency: 8 },
  };
}

/** Wraps a source so the demo can read the session's per-stream request counters. */
function observed(source: Source<PinterestConfig>): { source: Source<PinterestConfig>; stats(): ClientStats | undefined } {
  let session: (Session & { stats?(): ClientStats }) | undefined;
  return {
    source: {
      ...source,
      async openSession(config, bindings, range, hooks) {
        session = await source.openSession(config, bindings, range, hooks);
        return session;
      },
    },
    stats: () => session?.stats?.(),
  };
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const w = (s: string) => o.out.write(s + '\n');
  const scale = o.scale ?? 'small';
  const seed = o.seed ?? 1;
  const sandbox = await startSandboxThread({ port: 0, scale, seed, reportPolls: 1 });
  try {
    const startDate = format(subDays(new Date(`${sandbox.today}T00:00:00Z`), o.days ?? 30), 'yyyy-MM-dd');
    const config = demoConfig(sandbox.baseUrl, startDate);
    const base = createPinterestSource();
    const streams = base.streams(base.parseConfig(config)).map((s) => s.name);
    w(`Pinterest API sandbox: ${sandbox.baseUrl} (scale ${scale}, seed ${seed})`);
    w(`Auth: OAuth2 refresh token ${SANDBOX_REFRESH_TOKEN.slice(0, 5)}… for client ${SANDBOX_CLIENT_ID}, exchanged at ${sandbox.baseUrl}/oauth/token`);
    w(`Capturing ${streams.length} streams once from ${startDate} into ${o.outputDir}/<stream>.jsonl`);
    w('');

    const tracker = new Tracker(streams);
    // Bars need a line each (plus the total) on screen; a short terminal gets plain lines.
    const fits = (o.out.rows ?? Infinity) > streams.length + 2;
    const display: Display = o.tty && fits ? barsDisplay(tracker, o.out) : linesDisplay(tracker, o.out);
    const obs = observed(base);
    const files = openJsonlFiles(o.outputDir, streams);
    const refresh = () => {
      const s = obs.stats();
      if (s) tracker.requests(s.byStream);
    };
    const timer = setInterval(() => {
      refresh();
      display.tick();
    }, 250);
    const t0 = Date.now();
    let reason = 'failed';
    try {
      const result = await runCapture({
        source: obs.source,
        config,
        once: true,
        log: o.log,
        signal: o.signal,
        output: { document: (stream, doc) => files.write(stream, doc) },
        // The sandbox's rotated refresh token dies with the sandbox: nothing to publish or keep.
        persistConfig: () => {
          o.log.debug('sandbox rotated the OAuth refresh token');
          return Promise.resolve();
        },
        onProgress(p) {
          const changed = tracker.progress(p);
          if (changed) {
            refresh();
            display.changed(changed);
          }
        },
      });
      reason = result.reason;
    } finally {
      clearInterval(timer);
      refresh();
      display.stop();
      await files.close();
    }
    const seconds = (Date.now() - t0) / 1000;
    const stats = obs.stats();
    const table = summaryTable(tracker, seconds);
    w('');
    w(table);
    w('');
    const docs = tracker.totalDocs();
    const requests = stats?.requests ?? 0;
    w(
      `${docs.toLocaleString('en-US')} documents from ${streams.length} streams in ${seconds.toFixed(1)} s with ${requests.toLocaleString('en-US')} API requests in all ` +
        `(incl. shared parent listings; ${stats?.tokenRefreshes ?? 0} OAuth token refresh(es), ${stats?.retries ?? 0} retries, ${stats?.rateLimitWaits ?? 0} rate-limit waits).`,
    );
    w(`Collections written to ${o.outputDir}/<stream>.jsonl`);
    return { rows: tracker.rows, seconds, docs, requests, tokenRefreshes: stats?.tokenRefreshes ?? 0, reason, table };
  } finally {
    await sandbox.close();
  }
}
