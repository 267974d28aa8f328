import { SYNC_ANALYTICS_COLUMNS } from '../columns.js';
import type { AdAccountRef, StrategyEnv, StrategyFn } from '../streams/strategy.js';
import type { SyncAnalyticsDef } from '../streams/types.js';
import type { PinterestConfig } from '../config.js';
import { accountDay, accountDayEvent, attributionParams, stringifyIds } from './common.js';
import { plan, planSummary, type Plan, type PlanAccount } from './planner.js';
import { chunk, SYNC_LIMITS } from './windows.js';
import { idsPerCall } from '../url-budget.js';
import type { RefusalKind } from '../client-types.js';
import { markSettled, settledBefore } from './settled.js';
import { isRoleRefused, isUrlTooLong } from '../strategies/refusals.js';
import { historyJobs, historySummary } from './history.js';
import { reportEvents } from './reports.js';

// GET /ad_accounts/{id}[/campaigns|/ad_groups|/ads]/analytics: DAY rows for every entity of every
// configured status, ≤250 ids and ≤90 days per call, every documented column.

const COLUMNS = SYNC_ANALYTICS_COLUMNS.join(',');

interface TargetingRow {
  targeting_type?: string;
  targeting_value?: string | number | null;
  metrics?: Record<string, unknown>;
}


/** As many ids per call as fit a URL under MAX_URL_BYTES next to every column and attribution setting. */
export function syncIdsPerCall(def: SyncAnalyticsDef, config: PinterestConfig, today: string, ids: readonly string[]): number {
  if (!def.ids) return 1;
  const probe = {
    start_date: today,
    end_date: today,
    granularity: 'DAY',
    columns: COLUMNS,
    ...(def.targeting ? { targeting_types: def.targeting.types.slice(0, def.targeting.perCall).join(',') } : {}),
    ...attributionParams(config),
  };
  return idsPerCall(config.advanced.api_base_url, def.endpoint.replace('{ad_account_id}', 'X'.repeat(18)), probe, def.ids.param, ids, def.ids.batch);
}

/** Accounts and entity ids a sync analytics binding reads this poll (lists parents). */
export async function syncPlan(env: StrategyEnv<SyncAnalyticsDef>): Promise<{ plan: Plan; accounts: Map<string, AdAccountRef> }> {
  const { def, parents, ctx } = env;
  const accounts = await parents.analyticsAccounts(ctx.signal);
  const inputs: PlanAccount[] = [];
  for (const account of accounts) {
    const ids = def.ids ? (await parents.entities(def.ids.of, account, ctx.signal)).map((e) => String(e.id)) : [account.id];
    inputs.push({ id: account.id, ids, cursor: accountDay(ctx.state, account.id) });
  }
  const batch = syncIdsPerCall(def, env.config, env.today, inputs.flatMap((a) => a.ids));
  const p = plan({
    stream: def.name,
    accounts: inputs,
    today: env.today,
    startDate: env.config.start_date,
    lookbackDays: env.config.lookback_window_days,
    limits: SYNC_LIMITS,
    batch,
  });
  return { plan: p, accounts: new Map(accounts.map((a) => [a.id, a])) };
}

export const syncAnalytics: StrategyFn<SyncAnalyticsDef> = async function* (env) {
  const { def, client, ctx } = env;
  const idParam = def.ids?.param;
  const { plan: p, accounts } = await syncPlan(env);
  ctx.log.debug(planSummary(p), 'analytics request plan');
  // Days older than the sync API's reach come first, from DAY reports of the same level.
  const history = historyJobs(def, env.config, ctx.state, env.today, p, accounts);
  if (def.history) ctx.log.debug(historySummary(history, p), 'stitched history plan: days from async reports, then from the sync API');
  if (history) yield* reportEvents(env, history);
  const attribution = attributionParams(env.config);
  const settled = settledBefore(env.today, attribution);
  let skipped = 0;

  // Calls are made in plan order, one ahead: the next window/batch is in flight while this one's
  // rows are emitted (checkpoints stay in order; at most two responses are held).
  type Call = { account: string; path: string; window: { start: string; end: string }; batch: string[] | null; types?: string[]; last: boolean };
  // Targeting breakdowns: every targeting type the endpoint offers, at most `perCall` per request.
  const typeChunks = def.targeting ? chunk([...def.targeting.types], def.targeting.perCall) : [undefined];
  const calls: Call[] = [];
  for (const a of p.accounts) {
    const path = def.endpoint.replace('{ad_account_id}', encodeURIComponent(a.account));
    for (const w of a.windows) {
      if (a.batches.length === 0) calls.push({ account: a.account, path, window: w, batch: null, last: true });
      for (let b = 0; b < a.batches.length; b++) {
        for (let t = 0; t < typeChunks.length; t++) {
          calls.push({ account: a.account, path, window: w, batch: a.batches[b], types: typeChunks[t], last: b === a.batches.length - 1 && t === typeChunks.length - 1 });
        }
      }
    }
  }
  const request = (c: Call, batch: string[] | null) => ({
    path: c.path,
    query: {
      start_date: c.window.start,
      end_date: c.window.end,
      granularity: 'DAY',
      columns: COLUMNS,
      ...(idParam ? { [idParam]: batch ?? [] } : {}),
      ...(c.types ? { targeting_types: c.types.join(',') } : {}),
      ...attribution,
    },
    category: def.category,
    stream: def.name,
    skippable: ['role', 'url_too_long'] as RefusalKind[],
  });
  // Plain analytics answer a bare array of rows, parsed from the body as it arrives (exact ids);
  // targeting analytics answer {data: [{targeting_type, targeting_value, metrics}]}.
  // A 414 (URL too long) comes before any row: the batch is halved and read in two calls.
  async function* rowsOf(c: Call, batch: string[]): AsyncGenerator<Record<string, unknown>> {
    try {
      if (!def.targeting) {
        yield* client.streamArray<Record<string, unknown>>({ ...request(c, batch), exactIds: true }, ctx.signal);
        return;
      }
      const body = await client.request<{ data?: TargetingRow[] }>({ ...request(c, batch), exactIds: true }, ctx.signal);
      for (const d of body?.data ?? []) yield { ...d.metrics, TARGETING_TYPE: d.targeting_type, TARGETING_VALUE: d.targeting_value == null ? null : String(d.targeting_value) };
    } catch (err) {
      if (!isUrlTooLong(err) || batch.length < 2) throw err;
      const half = Math.ceil(batch.length / 2);
      yield* rowsOf(c, batch.slice(0, half));
      yield* rowsOf(c, batch.slice(half));
    }
  }
  const refused = new Set<string>();
  for (const c of calls) {
    ctx.signal.throwIfAborted();
    if (refused.has(c.account)) continue;
    if (c.batch === null) {
      yield accountDayEvent(c.account, c.window.end);
      continue;
    }
    const batch = c.batch;
    try {
      for await (const row of rowsOf(c, batch)) {
        if (!row || typeof row !== 'object' || Array.isArray(row)) continue;
        stringifyIds(row);
        // One-id requests can be attributed even when Pinterest leaves the id column out.
        if (row[def.idColumn] == null && batch.length === 1) row[def.idColumn] = batch[0];
        if (row[def.idColumn] == null || typeof row.DATE !== 'string' || (def.targeting && (row.TARGETING_TYPE == null || row.TARGETING_VALUE == null))) {
          skipped++;
          continue;
        }
        markSettled(row, settled);
        yield { type: 'document', doc: row };
      }
    } catch (err) {
      // The token's role on this shared account can't read analytics: skip it, not the others.
      if (!isRoleRefused(err)) throw err;
      refused.add(c.account);
      const account = accounts.get(c.account);
      if (account) env.parents.refusedAnalytics(account);
      continue;
    }
    // The cursor moves only once every batch of the window is in.
    if (c.last) yield accountDayEvent(c.account, c.window.end);
  }
  if (skipped) ctx.log.warn({ stream: def.name, rows: skipped }, 'analytics rows without an id column or DATE were skipped');
};
