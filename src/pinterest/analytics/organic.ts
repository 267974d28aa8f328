import { PIN_STANDARD_METRIC_TYPES, PIN_VIDEO_METRIC_TYPES } from '../columns.js';
import { isEndpointRefused, isGone, isNotAuthorized, isPaginationCap } from '../strategies/refusals.js';
import type { RefusalKind } from '../client-types.js';
import { dayCursorOf } from '../../connector/binding-state.js';
import type { PassEvent } from '../../connector/pass-events.js';
import { USER_SUBTASK } from '../../connector/state-migrations.js';
import type { StrategyEnv, StrategyFn } from '../streams/strategy.js';
import type { PinAnalyticsDef, UserAnalyticsDef } from '../streams/types.js';
import { httpStatusOf } from './common.js';
import { plan, planSummary } from './planner.js';
import { chunk, SYNC_LIMITS } from './windows.js';

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
  for (const w of p.accounts[0].windows) {
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

interface PinRef {
  id: string;
  /** `is_owner: false`: someone else's pin (a group board); /pins/analytics refuses it (401 code 7). */
  owned: boolean;
  /** Video pins take the video metric set; the two sets are alternatives, never mixed. */
  video: boolean;
}

/** Every pin on the user's boards (org_read, one paginated listing per board). */
async function boardPins(env: StrategyEnv): Promise<PinRef[]> {
  const { client, ctx, parents } = env;
  const pins = new Map<string, PinRef>();
  for (const board of await parents.boards(ctx.signal)) {
    const req = { path: `/boards/${encodeURIComponent(board.id)}/pins`, category: 'org_read' as const, stream: env.def.name, skippable: ['gone', 'pagination_cap'] as RefusalKind[] };
    try {
      for await (const page of client.paginate<{ id: string | number; is_owner?: boolean; media?: { media_type?: string } }>(req, null, ctx.signal)) {
        for (const pin of page.items) {
          const id = String(pin.id);
          if (!pins.has(id)) pins.set(id, { id, owned: pin.is_owner !== false, video: /video/.test(pin.media?.media_type ?? '') });
        }
      }
    } catch (err) {
      if (isGone(err)) continue;
      if (!isPaginationCap(err)) throw err;
      ctx.log.warn({ stream: env.def.name, board: board.id, pins: pins.size }, `board ${board.id} has more pins than Pinterest lets a listing page through; its analytics cover the pins read before the cap`);
    }
  }
  return [...pins.values()];
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
  const pins = await boardPins(env);
  const owned = pins.filter((p) => p.owned);
  const p = plan({
    stream: def.name,
    accounts: [{ id: 'user', ids: owned.map((x) => x.id), cursor: userDay(env) }],
    today: env.today,
    startDate: env.config.start_date,
    lookbackDays: env.config.lookback_window_days,
    limits: SYNC_LIMITS,
    batch: def.batch,
  });
  ctx.log.debug(planSummary(p), 'analytics request plan');
  // One batch list per metric set: standard pins and video pins never share a request.
  const groups = [
    { types: PIN_STANDARD_METRIC_TYPES.join(','), ids: owned.filter((x) => !x.video).map((x) => x.id) },
    { types: PIN_VIDEO_METRIC_TYPES.join(','), ids: owned.filter((x) => x.video).map((x) => x.id) },
  ].filter((g) => g.ids.length > 0);
  const refused = new Set<string>();

  const fetch = (ids: string[], w: { start: string; end: string }, types: string) =>
    client.request<Record<string, unknown>>(
      { path: def.endpoint, query: { pin_ids: ids, start_date: w.start, end_date: w.end, metric_types: types }, category: def.category, stream: def.name, exactIds: true, skippable: ['not_authorized', 'endpoint_refused'] },
      ctx.signal,
    );

  // A batch refused for one pin the token may not read (401 code 7) is split in halves until the
  // refused pins are isolated; every other pin's rows are read.
  async function* readBatch(ids: string[], w: { start: string; end: string }, types: string): AsyncGenerator<PassEvent> {
    let res: Record<string, unknown>;
    try {
      res = await fetch(ids, w, types);
    } catch (err) {
      if (!isNotAuthorized(err)) throw err;
      if (ids.length === 1) {
        refused.add(ids[0]);
        return;
      }
      const half = Math.ceil(ids.length / 2);
      yield* readBatch(ids.slice(0, half), w, types);
      yield* readBatch(ids.slice(half), w, types);
      return;
    }
    for (const [pinId, v] of Object.entries(res ?? {})) {
      for (const d of dailyOf(v)) {
        if (typeof d.date !== 'string') continue;
        yield { type: 'document', doc: { PIN_ID: pinId, DATE: d.date, data_status: d.data_status, ...(d.metrics ?? {}) } };
      }
    }
  }

  try {
    for (const w of p.accounts[0].windows) {
      for (const g of groups) {
        for (const batch of chunk(g.ids.filter((id) => !refused.has(id)), def.batch)) {
          ctx.signal.throwIfAborted();
          yield* readBatch(batch, w, g.types);
        }
      }
      yield userDayEvent(w.end);
    }
  } catch (err) {
    // A beta endpoint not every app may call: a refusal ends this binding's pass quietly so the
    // other bindings carry on; the cursor stays where it was, the next pass tries again.
    if (!isEndpointRefused(err)) throw err;
    const status = httpStatusOf(err);
    ctx.log.warn({ stream: def.name, status, error: (err as Error).message }, 'Pinterest refused GET /pins/analytics (a beta endpoint not every app may use); pin_analytics is skipped this poll');
    return;
  }
  const notOwned = pins.length - owned.length;
  if (notOwned + refused.size > 0) {
    ctx.log.warn(
      { eventType: 'connectorStatus', stream: def.name, pins: pins.length, notOwned, refused: refused.size },
      `pin_analytics: skipped ${notOwned + refused.size} of ${pins.length} pins the token may not read analytics of ` +
        `(${notOwned} owned by someone else, e.g. on group boards; ${refused.size} refused by Pinterest with 401 code 7); every other pin was read`,
    );
  }
};
