import { SYNC_ANALYTICS_COLUMNS } from '../columns.js';
import type { AdAccountRef, StrategyEnv } from '../streams/strategy.js';
import { accountCursor, attributionParams, cursorPatch, stringifyIds } from './common.js';
import { plan, planSummary, type Plan, type PlanAccount } from './planner.js';
import { SYNC_LIMITS } from './windows.js';

// GET /ad_accounts/{id}[/campaigns|/ad_groups|/ads]/analytics: DAY rows for every entity of every
// configured status, ≤250 ids and ≤90 days per call, every documented column.

type EntityKind = 'campaigns' | 'ad_groups' | 'ads';
const COLUMNS = SYNC_ANALYTICS_COLUMNS.join(',');

interface SyncOptions {
  idParam?: string;
  idColumn: string;
  batch?: number;
}

function options(env: StrategyEnv): SyncOptions {
  const o = (env.def.options ?? {}) as Partial<SyncOptions>;
  if (!o.idColumn) throw new Error(`stream ${env.def.name}: sync_analytics needs options.idColumn`);
  return { idParam: o.idParam, idColumn: o.idColumn, batch: o.batch };
}

/** Accounts and entity ids a sync analytics binding reads this poll (lists parents). */
export async function syncPlan(env: StrategyEnv): Promise<{ plan: Plan; accounts: Map<string, AdAccountRef> }> {
  const { def, parents, ctx } = env;
  const opts = options(env);
  const accounts = await parents.adAccounts(ctx.signal);
  const inputs: PlanAccount[] = [];
  for (const account of accounts) {
    const ids = opts.idParam
      ? (await parents.entities(def.parent as EntityKind, account, ctx.signal)).map((e) => String(e.id))
      : [account.id];
    inputs.push({ id: account.id, ids, cursor: accountCursor(ctx.state, account.id) });
  }
  const p = plan({
    stream: def.name,
    accounts: inputs,
    today: env.today,
    startDate: env.config.start_date,
    lookbackDays: env.config.lookback_window_days,
    limits: SYNC_LIMITS,
    batch: opts.idParam ? (opts.batch ?? 250) : 1,
  });
  return { plan: p, accounts: new Map(accounts.map((a) => [a.id, a])) };
}

export async function syncAnalytics(env: StrategyEnv): Promise<void> {
  const { def, client, ctx } = env;
  const opts = options(env);
  const { plan: p } = await syncPlan(env);
  ctx.log.debug(planSummary(p), 'analytics request plan');
  const attribution = attributionParams(env.config);
  let skipped = 0;

  for (const a of p.accounts) {
    const path = def.endpoint.replace('{ad_account_id}', encodeURIComponent(a.account));
    for (const w of a.windows) {
      for (let b = 0; b < a.batches.length; b++) {
        ctx.signal.throwIfAborted();
        const batch = a.batches[b]!;
        const rows = await client.request<Array<Record<string, unknown>>>(
          {
            path,
            query: {
              start_date: w.start,
              end_date: w.end,
              granularity: 'DAY',
              columns: COLUMNS,
              ...(opts.idParam ? { [opts.idParam]: batch } : {}),
              ...attribution,
            },
            category: def.category,
            stream: def.name,
          },
          ctx.signal,
        );
        for (const row of Array.isArray(rows) ? rows : []) {
          stringifyIds(row);
          // One-id requests can be attributed even when Pinterest leaves the id column out.
          if (row[opts.idColumn] == null && batch.length === 1) row[opts.idColumn] = batch[0];
          if (row[opts.idColumn] == null || typeof row.DATE !== 'string') {
            skipped++;
            continue;
          }
          await ctx.emit(row);
        }
        // The cursor moves only once every batch of the window is in.
        await ctx.checkpoint(b === a.batches.length - 1 ? cursorPatch(a.account, w.end) : {});
      }
      if (a.batches.length === 0) await ctx.checkpoint(cursorPatch(a.account, w.end));
    }
  }
  if (skipped) ctx.log.warn({ stream: def.name, rows: skipped }, 'analytics rows without an id column or DATE were skipped');
}
