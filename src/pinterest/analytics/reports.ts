import type { Logger } from '../../log.js';
import type { PinterestClient } from '../client-types.js';
import { reportColumnsFor } from '../columns.js';
import type { PinterestConfig } from '../config.js';
import type { AdAccountRef, StrategyEnv, StrategyFn } from '../streams/strategy.js';
import type { ReportDef, StreamDef } from '../streams/types.js';
import type { PassEvent } from '../../connector/pass-events.js';
import { sleep } from '../retry.js';
import { accountDay, accountDayEvent, attributionParams, httpStatusOf, stringifyIds } from './common.js';
import { plan, planSummary, type Plan } from './planner.js';
import { reportRows } from './report-rows.js';
import { isRoleRefused } from '../strategies/refusals.js';
import { reportLimits, type DateWindow } from './windows.js';
import { AdaptiveLimit, PROMPT_POLLS } from './report-concurrency.js';
import { markSettled, settledBefore } from './settled.js';

// Async reports: POST /ad_accounts/{id}/reports → poll GET …/reports?token= with backoff →
// download the file (no auth header) → stream its rows. Each (account, window) is one report job;
// up to `report_concurrency` jobs per session are created/polled at once, and their rows are
// emitted in window order so the per-account cursor only ever moves forward.

// Request fields a custom report may set besides level/granularity/columns/attribution.
const CUSTOM_PASSTHROUGH = [
  'attribution_types', 'campaign_ids', 'campaign_statuses', 'campaign_objective_types', 'ad_group_ids',
  'ad_group_statuses', 'ad_ids', 'ad_statuses', 'product_group_ids', 'product_group_statuses',
  'product_item_ids', 'targeting_types', 'metrics_filters', 'custom_conversion_event_metrics',
  'campaign_brand_label', 'combine_targeting_types', 'reporting_timezone', 'primary_sort',
  'start_hour', 'end_hour',
] as const;

const TERMINAL_FAILURES = new Set(['DOES_NOT_EXIST', 'EXPIRED', 'FAILED', 'CANCELLED']);

/** The create-report body for one window (standard streams: every column the level accepts). */
export function reportBody(def: ReportDef, config: Pick<PinterestConfig, 'attribution'>, w: DateWindow): Record<string, unknown> {
  const { level, granularity, custom } = def;
  const body: Record<string, unknown> = {
    start_date: w.start,
    end_date: w.end,
    granularity,
    level,
    columns: custom?.columns?.length ? custom.columns : def.columns ? [...def.columns] : reportColumnsFor(level),
    ...attributionParams(config, custom ?? {}),
    report_format: 'JSON',
  };
  if (custom) for (const k of CUSTOM_PASSTHROUGH) if (custom[k] !== undefined) body[k] = custom[k];
  return body;
}

export function reportStartDate(def: ReportDef, config: Pick<PinterestConfig, 'start_date'>): string {
  const custom = def.custom;
  return typeof custom?.start_date === 'string' ? custom.start_date : config.start_date;
}

/** Report jobs this binding runs this poll: one per account per window. */
export function reportPlan(env: StrategyEnv<ReportDef>, accounts: AdAccountRef[]): Plan {
  const { level, granularity } = env.def;
  return plan({
    stream: env.def.name,
    accounts: accounts.map((a) => ({ id: a.id, ids: [a.id], cursor: accountDay(env.ctx.state, a.id) })),
    today: env.today,
    startDate: reportStartDate(env.def, env.config),
    lookbackDays: env.config.lookback_window_days,
    limits: reportLimits(level, granularity),
    batch: 1,
    granularity,
  });
}

// ---- session-wide limit of in-flight report jobs -------------------------------------------

// One limit per client (a client lives for one session), shared by every report binding.
const MAX_REPORT_JOBS = 32;
const limits = new WeakMap<PinterestClient, AdaptiveLimit>();
export function reportLimitFor(client: PinterestClient, start: number): AdaptiveLimit {
  let l = limits.get(client);
  if (!l) limits.set(client, (l = new AdaptiveLimit(start, MAX_REPORT_JOBS)));
  return l;
}

// ---- one report job -------------------------------------------------------------------------

export interface ReportJobOptions {
  pollInitialMs: number;
  pollMaxMs: number;
  timeoutMs: number;
  attempts: number;
  /** Reads of one report file cut off mid-stream before giving up (as many as request retries). */
  downloadAttempts: number;
}

interface FinishedReport {
  token: string;
  url: string;
}

interface ReportCtx {
  client: PinterestClient;
  limit: AdaptiveLimit;
  def: ReportDef;
  account: string;
  log: Logger;
  signal: AbortSignal;
  opts: ReportJobOptions;
}

async function pollReport(rc: ReportCtx, token: string): Promise<{ status: string; url?: string | null }> {
  const res = await rc.client.request<{ report_status?: string; url?: string | null }>(
    { path: `/ad_accounts/${encodeURIComponent(rc.account)}/reports`, query: { token }, category: rc.def.category, stream: rc.def.name, skippable: ['role'] },
    rc.signal,
  );
  return { status: String(res?.report_status ?? 'UNKNOWN'), url: res?.url };
}

const rateLimitWaits = (client: PinterestClient): number => client.stats?.().rateLimitWaits ?? 0;

/** Creates a report and polls it (exponential backoff) until its file is ready. */
async function runReport(rc: ReportCtx, body: Record<string, unknown>): Promise<FinishedReport> {
  const where = `stream ${rc.def.name}, ad account ${rc.account}, ${String(body.start_date)}..${String(body.end_date)}`;
  let last = '';
  for (let attempt = 1; attempt <= rc.opts.attempts; attempt++) {
    const created = await rc.client.request<{ report_status?: string; token?: string; message?: string | null }>(
      { method: 'POST', path: `/ad_accounts/${encodeURIComponent(rc.account)}/reports`, body, category: rc.def.category, stream: rc.def.name, skippable: ['role'] },
      rc.signal,
    );
    if (!created?.token) throw new Error(`${where}: Pinterest created no report token (${created?.message ?? created?.report_status ?? 'no message'})`);
    const token = created.token;
    const deadline = Date.now() + rc.opts.timeoutMs;
    let wait = rc.opts.pollInitialMs;
    for (let polls = 1; ; polls++) {
      await sleep(wait, rc.signal);
      const waitsBefore = rateLimitWaits(rc.client);
      const { status, url } = await pollReport(rc, token);
      if (rateLimitWaits(rc.client) > waitsBefore) rc.limit.slow();
      if (status === 'FINISHED' && url) {
        if (polls <= PROMPT_POLLS) rc.limit.prompt();
        return { token, url };
      }
      if (polls === PROMPT_POLLS) rc.limit.slow();
      if (TERMINAL_FAILURES.has(status)) {
        last = status;
        rc.log.warn({ stream: rc.def.name, account: rc.account, status, attempt }, 'report job failed; creating it again');
        break;
      }
      if (Date.now() > deadline) throw new Error(`${where}: report still ${status} after ${Math.round(rc.opts.timeoutMs / 1000)} s`);
      wait = Math.min(rc.opts.pollMaxMs, Math.round(wait * 1.5));
    }
  }
  throw new Error(`${where}: report ended with status ${last} after ${rc.opts.attempts} attempts`);
}

// ---- the strategy ---------------------------------------------------------------------------

function jobOptions(config: PinterestConfig): ReportJobOptions & { concurrency: number } {
  const adv = config.advanced;
  return {
    pollInitialMs: adv.report_poll_initial_ms,
    pollMaxMs: adv.report_poll_max_ms,
    timeoutMs: adv.report_timeout_minutes * 60_000,
    attempts: 3,
    downloadAttempts: Math.max(1, adv.max_retries) + 1,
    concurrency: Math.max(1, adv.report_concurrency),
  };
}

export const asyncReport: StrategyFn<ReportDef> = async function* (env) {
  const accounts = await env.parents.analyticsAccounts(env.ctx.signal);
  const p = reportPlan(env, accounts);
  env.ctx.log.debug(planSummary(p), 'analytics request plan');
  yield* reportEvents(env, { def: env.def, accounts, windows: p.accounts });
};

/** The report jobs of one pass: what to request, and each account's windows (oldest first). */
export interface ReportJobs {
  /** Level, granularity and columns to request; `name` and `key` are the collection's. */
  def: ReportDef;
  accounts: AdAccountRef[];
  windows: ReadonlyArray<{ account: string; windows: DateWindow[] }>;
  /** Fits a row to its collection (e.g. stitched history renames id columns); false drops it. */
  adapt?: (row: Record<string, unknown>) => boolean;
}

/** Runs report jobs and yields their rows as documents, each account's windows in order, then its cursor. */
export async function* reportEvents(env: StrategyEnv<StreamDef>, jobs: ReportJobs): AsyncGenerator<PassEvent, void, undefined> {
  const { client, ctx, parents, config } = env;
  const { def, accounts, adapt } = jobs;
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const refused = new Set<string>();
  const { concurrency, ...opts } = jobOptions(config);
  const limit = reportLimitFor(client, concurrency);

  // Each account's windows are emitted in order (its cursor only moves forward); accounts are
  // independent, so whichever account's next job finishes first is emitted first, and a slow job
  // holds up only its own account. Jobs start round-robin across accounts, a bounded number ahead.
  interface Job { account: string; window: DateWindow; report?: Promise<FinishedReport> }
  const queues = jobs.windows.map((a) => a.windows.map((window): Job => ({ account: a.account, window })));
  const startOrder: Job[] = [];
  for (let k = 0; queues.some((q) => k < q.length); k++) for (const q of queues) if (k < q.length) startOrder.push(q[k]);
  let started = 0;
  let pending = 0; // started and not yet emitted
  const rcOf = (account: string): ReportCtx => ({ client, limit, def, account, log: ctx.log, signal: ctx.signal, opts });
  const startAhead = () => {
    while (started < startOrder.length && pending < limit.limit * 2) {
      const j = startOrder[started++];
      if (refused.has(j.account)) continue;
      pending++;
      j.report = limit.run(() => runReport(rcOf(j.account), reportBody(def, config, j.window)), ctx.signal);
      j.report.catch(() => {}); // observed when emitted
    }
  };

  // TOTAL rows have no DATE: they carry the window they total (START_DATE..END_DATE, fixed blocks,
  // see periodWindows), and START_DATE keys them, so windows never overwrite each other.
  const total = def.granularity === 'TOTAL';
  const settled = settledBefore(env.today, attributionParams(config, def.custom ?? {}));
  const keyFields = def.key.map((k) => k.slice(1));
  const idColumn = keyFields.find((k) => k.endsWith('_ID'));
  let skipped = 0;
  for (;;) {
    startAhead();
    const heads = queues.map((q) => q[0]).filter((j): j is Job => !!j?.report);
    if (heads.length === 0) break;
    const j = await Promise.race(heads.map((h) => h.report!.then(() => h, () => h)));
    queues.find((q) => q[0] === j)!.shift();
    pending--;
    const rc = rcOf(j.account);
    let report: FinishedReport;
    try {
      report = await j.report!;
    } catch (err) {
      // The token's role on this shared account can't run reports: skip it, not the others.
      if (!isRoleRefused(err)) throw err;
      refused.add(j.account);
      const account = byId.get(j.account);
      if (account) parents.refusedAnalytics(account);
      for (const q of queues) if (q[0]?.account === j.account) pending -= q.splice(0).filter((x) => x.report !== undefined).length;
      continue;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        for await (const { key, row } of reportRows(await client.download(report.url, ctx.signal, { stream: def.name }))) {
          stringifyIds(row);
          if (total) {
            row.START_DATE = j.window.start;
            row.END_DATE = j.window.end;
          }
          // Every report is one advertiser's (an ad account's): rows name it even when the file does not.
          if (row.ADVERTISER_ID == null) row.ADVERTISER_ID = j.account;
          if (key !== null) {
            if (/^\d{4}-\d{2}-\d{2}/.test(key)) row.DATE ??= key; // BY_DATE files
            else if (idColumn && row[idColumn] == null) row[idColumn] = key;
          }
          // After the file's own key is applied: a BY_ID file may name a row's entity only there.
          if (adapt && !adapt(row)) continue;
          let complete = true;
          for (const f of keyFields) {
            const v = row[f];
            if (v == null) complete = false;
            else if (typeof v === 'number') row[f] = String(v); // key fields are strings (TARGETING_VALUE can be a number)
          }
          if (!complete) {
            skipped++;
            continue;
          }
          markSettled(row, settled);
          yield { type: 'document', doc: row };
        }
        break;
      } catch (err) {
        // The file URL lives five minutes: fetch a fresh one and read the file again (rows
        // already emitted are re-emitted with the same keys).
        if (ctx.signal.aborted || attempt >= opts.downloadAttempts) throw err;
        ctx.log.warn({ stream: def.name, account: j.account, status: httpStatusOf(err), error: (err as Error).message }, 'report download failed; fetching a fresh URL');
        const again = await pollReport(rc, report.token);
        if (again.status !== 'FINISHED' || !again.url) report = await runReport(rc, reportBody(def, config, j.window));
        else report = { token: report.token, url: again.url };
      }
    }
    yield accountDayEvent(j.account, j.window.end);
  }
  if (skipped) ctx.log.warn({ stream: def.name, rows: skipped, key: def.key }, 'report rows lacking a key field were skipped');
}
