import { StopSession } from '../../errors.js';
import { PIN_ANALYTICS_METRIC_TYPES } from '../columns.js';
import { dayCursorOf } from '../../connector/binding-state.js';
import type { PassEvent } from '../../connector/pass-events.js';
import { USER_SUBTASK } from '../../connector/state-migrations.js';
import type { StrategyEnv, StrategyFn } from '../streams/strategy.js';
import type { PinAnalyticsDef, UserAnalyticsDef } from '../streams/types.js';
import { httpStatusOf } from './common.js';
import { plan, planSummary } from './planner.js';
import { SYNC_LIMITS } from './windows.js';

// Organic analytics (org_analytics): the token user's daily account metrics, and daily metrics of
// the user's board pins (≤100 pins per call). Both are user-level: only the shard owning key 0
// captures them. Their one subtask, `user`, remembers the last day fully read.

interface DailyMetrics {
  date?: string;
  data_status?: string;
  metrics?: Record<string, unknown>;
}

const userDay = (env: StrategyEnv): string | undefined => dayCursorOf(env.ctx.state, USER_SUBTASK);
const userDayEvent = (day: string): PassEvent => ({ type: 'cursor', subtask: USER_SUBTASK, cursor: { lastDay: day } });

export const userAnalytics: StrategyFn<UserAnalyticsDef> = async function* (env) {
  const { def, client, ctx, parents } = env;
  if (!parents.ownsUserLevel()) return;
  const p = plan({
    stream: def.name,
    accounts: [{ id: 'user', ids: ['user'], cursor: userDay(env) }],
    today: env.today,
    startDate: env.config.start_date,
    lookbackDays: env.config.lookback_window_days,
    limits: SYNC_LIMITS,
    batch: 1,
  });
  ctx.log.debug(planSummary(p), 'analytics request plan');
  for (const w of p.accounts[0]!.windows) {
    ctx.signal.throwIfAborted();
    // No metric_types: the API then returns every metric type it has.
    const res = await client.request<Record<string, { daily_metrics?: DailyMetrics[] }>>(
      { path: def.endpoint, query: { start_date: w.start, end_date: w.end }, category: def.category, stream: def.name },
      ctx.signal,
    );
    for (const d of res?.all?.daily_metrics ?? []) {
      if (typeof d.date !== 'string') continue;
      yield { type: 'document', doc: { date: d.date, data_status: d.data_status, metrics: d.metrics ?? {} } };
    }
    yield userDayEvent(w.end);
  }
};

/** Ids of every pin on the user's boards (org_read, one paginated listing per board). */
async function boardPinIds(env: StrategyEnv): Promise<string[]> {
  const { client, ctx, parents } = env;
  const ids = new Set<string>();
  for (const board of await parents.boards(ctx.signal)) {
    const req = { path: `/boards/${encodeURIComponent(board.id)}/pins`, query: { page_size: env.config.advanced.page_size }, category: 'org_read' as const, stream: env.def.name };
    for await (const page of client.paginate<{ id: string | number }>(req, null, ctx.signal)) {
      for (const pin of page.items) ids.add(String(pin.id));
    }
  }
  return [...ids];
}

// Pinterest returns { <pin id>: { <split, "all"> : { daily_metrics: [...] } } }; accept the
// unsplit form { <pin id>: { daily_metrics } } too.
function dailyOf(v: unknown): DailyMetrics[] {
  if (!v || typeof v !== 'object') return [];
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.daily_metrics)) return o.daily_metrics as DailyMetrics[];
  const inner = (o.all ?? Object.values(o)[0]) as { daily_metrics?: DailyMetrics[] } | undefined;
  return Array.isArray(inner?.daily_metrics) ? inner.daily_metrics : [];
}

export const pinAnalytics: StrategyFn<PinAnalyticsDef> = async function* (env) {
  const { def, client, ctx, parents } = env;
  if (!parents.ownsUserLevel()) return;
  const batch = def.batch;
  const p = plan({
    stream: def.name,
    accounts: [{ id: 'user', ids: await boardPinIds(env), cursor: userDay(env) }],
    today: env.today,
    startDate: env.config.start_date,
    lookbackDays: env.config.lookback_window_days,
    limits: SYNC_LIMITS,
    batch,
  });
  ctx.log.debug(planSummary(p), 'analytics request plan');
  const metricTypes = PIN_ANALYTICS_METRIC_TYPES.join(',');
  const { windows, batches } = p.accounts[0]!;

  for (const w of windows) {
    for (let b = 0; b < batches.length; b++) {
      ctx.signal.throwIfAborted();
      let res: Record<string, unknown>;
      try {
        res = await client.request<Record<string, unknown>>(
          { path: def.endpoint, query: { pin_ids: batches[b]!, start_date: w.start, end_date: w.end, metric_types: metricTypes }, category: def.category, stream: def.name, exactIds: true },
          ctx.signal,
        );
      } catch (err) {
        // A beta endpoint not every app may call: a refusal ends this binding's pass quietly so
        // the other bindings carry on; nothing is checkpointed, the next pass tries again.
        const status = httpStatusOf(err);
        if (err instanceof StopSession || ctx.signal.aborted || status === undefined || status === 429 || status >= 500) throw err;
        ctx.log.warn({ stream: def.name, status, error: (err as Error).message }, 'Pinterest refused GET /pins/analytics (a beta endpoint not every app may use); pin_analytics is skipped this poll');
        return;
      }
      for (const [pinId, v] of Object.entries(res ?? {})) {
        for (const d of dailyOf(v)) {
          if (typeof d.date !== 'string') continue;
          yield { type: 'document', doc: { PIN_ID: pinId, DATE: d.date, data_status: d.data_status, ...(d.metrics ?? {}) } };
        }
      }
      if (b === batches.length - 1) yield userDayEvent(w.end);
    }
    if (batches.length === 0) yield userDayEvent(w.end);
  }
};
