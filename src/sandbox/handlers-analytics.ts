// Sync analytics: ad account / campaigns / ad groups / ads (JSON array rows), user account
// analytics ({all:{daily_metrics, summary_metrics}}) and multi-pin analytics ({pin_id:{all:{…}}}).
import { ApiError, badRequest } from './errors.js';
import { dayStr } from './dates.js';
import { checkWindow, SYNC_HOUR_RULE, SYNC_RULE } from './limits.js';
import { attributionOf, wireJson, type Granularity, type RowContext } from './analytics.js';
import type { AdKind } from './data.js';
import { JsonChunks, type Handler, type HandlerContext } from './types.js';
import { adAccountWithRole, notPermitted, operationData } from './access.js';
import { ADS_ROLES } from './realism.js';

const ID_COLUMN: Record<string, string> = { AD_ACCOUNT: 'AD_ACCOUNT_ID', CAMPAIGN: 'CAMPAIGN_ID', AD_GROUP: 'AD_GROUP_ID', AD: 'AD_ID' };

/** Ads analytics need Owner, Admin, Analyst or Campaign Manager on the account (else 403 code 29). */
function accountIdx(ctx: HandlerContext): number {
  return adAccountWithRole(ctx, ADS_ROLES);
}

// pins/analytics metric_types: items are oneOf [Standard Pin metrics, Video Pin metrics]. The
// metrics only one list has cannot be combined in one request (USER_FOLLOW with VIDEO_START).
const STANDARD_ONLY = new Set(['USER_FOLLOW', 'PROFILE_VISIT']);
const VIDEO_ONLY = new Set(['VIDEO_MRC_VIEW', 'VIDEO_10S_VIEW', 'QUARTILE_95_PERCENT_VIEW', 'VIDEO_V50_WATCH_TIME', 'VIDEO_START', 'VIDEO_AVG_WATCH_TIME']);

function checkPinMetricMix(metrics: string[]): void {
  const std = metrics.filter((m) => STANDARD_ONLY.has(m));
  const vid = metrics.filter((m) => VIDEO_ONLY.has(m));
  if (std.length && vid.length)
    throw badRequest(`Invalid multi_pins analytics parameters. metric_types must be all Standard Pin metric types or all Video Pin metric types: ${std.join(', ')} cannot be combined with ${vid.join(', ')}.`);
}

export const NOT_AUTHORIZED_PIN = 'Not authorized to access board or Pin.';

function syncAnalytics(kind: AdKind | null, idParam: string | null): Handler {
  return (ctx) => {
    const core = ctx.core;
    const q = ctx.query;
    const a = accountIdx(ctx);
    const gran = q.granularity as Granularity;
    const today = core.today();
    const w = checkWindow(q.start_date as string, q.end_date as string, today, gran === 'HOUR' ? SYNC_HOUR_RULE : SYNC_RULE);
    const at = attributionOf(q);
    const columns = q.columns as string[];
    let contexts: RowContext[];
    if (kind === null) contexts = [core.analytics.accountContext(a)];
    else {
      let ids = q[idParam!] as string[] | undefined;
      if (kind === 'ad' && !ids) {
        // ads/analytics also accepts campaign_ids + pin_ids instead of ad_ids.
        const camps = q.campaign_ids as string[] | undefined;
        const pins = q.pin_ids as string[] | undefined;
        if (!camps || !pins) throw badRequest("Provide either 'ad_ids', or both 'campaign_ids' and 'pin_ids'.");
        const cset = new Set(camps);
        const pset = new Set(pins);
        ids = [];
        for (let i = 0; i < core.data.count('ad', a); i++) {
          const ad = core.data.ad(a, i);
          if (cset.has(ad.campaign_id as string) && pset.has(ad.pin_id as string)) ids.push(ad.id as string);
        }
      }
      contexts = [];
      for (const id of ids!) {
        const d = core.data.decode(kind, id);
        if (d && d.a === a) contexts.push(core.analytics.adContext(kind, a, d.idx));
      }
    }
    const idCol = ID_COLUMN[kind === null ? 'AD_ACCOUNT' : kind === 'campaign' ? 'CAMPAIGN' : kind === 'ad_group' ? 'AD_GROUP' : 'AD'];
    const aggregate = q.aggregate_report_rows === true;
    if (gran === 'DAY' && !aggregate) {
      return new JsonChunks(function* () {
        let first = true;
        yield '[';
        for (const c of contexts) {
          const out: string[] = [];
          if (!core.analytics.dayRowsJson(c, w.start, w.end, today, columns, at, [idCol], out)) continue;
          yield (first ? '' : ',') + out.join(',');
          first = false;
        }
        yield ']';
      });
    }
    const rows: Record<string, unknown>[] = [];
    for (const c of contexts) rows.push(...core.analytics.entityRows(c, w.start, w.end, today, columns, gran, at, aggregate ? [] : [idCol], true));
    return new JsonChunks(() => [wireJson(rows)]);
  };
}

const USER_METRICS = ['ENGAGEMENT', 'ENGAGEMENT_RATE', 'IMPRESSION', 'OUTBOUND_CLICK', 'OUTBOUND_CLICK_RATE', 'PIN_CLICK', 'PIN_CLICK_RATE', 'SAVE', 'SAVE_RATE'];
const SPLITS: Record<string, string[]> = {
  NO_SPLIT: ['all'],
  APP_TYPE: ['MOBILE', 'TABLET', 'WEB'],
  OWNED_CONTENT: ['OTHER', 'CLAIMED'],
  SOURCE: ['YOUR_PINS', 'OTHER_PINS'],
  PIN_FORMAT: ['ORGANIC_IMAGE', 'ORGANIC_PRODUCT', 'ORGANIC_VIDEO', 'ADS_STANDARD', 'ADS_PRODUCT', 'ADS_VIDEO', 'ADS_IDEA'],
};

function dataStatus(day: number, today: number): string {
  // The last two days are still being computed.
  return day >= today - 1 ? 'PROCESSING' : 'READY';
}

function metricsBlock(core: HandlerContext['core'], scope: number, start: number, end: number, metrics: string[]) {
  const today = core.today();
  const daily: Record<string, unknown>[] = [];
  const sums: Record<string, number> = {};
  let n = 0;
  for (let day = start; day <= Math.min(end, today); day++) {
    const m: Record<string, number> = {};
    for (const k of metrics) {
      const v = core.analytics.userMetric(scope, day, k);
      m[k] = v;
      sums[k] = (sums[k] ?? 0) + v;
    }
    n++;
    daily.push({ date: dayStr(day), data_status: dataStatus(day, today), metrics: m });
  }
  const summary: Record<string, number> = {};
  for (const k of metrics) summary[k] = k.endsWith('_RATE') ? (n ? Math.round((sums[k] / n) * 10_000) / 10_000 : 0) : (sums[k] ?? 0);
  return { daily_metrics: daily, summary_metrics: summary };
}

export function analyticsHandlers(): Record<string, Handler> {
  return {
    'ad_account/analytics': syncAnalytics(null, null),
    'campaigns/analytics': syncAnalytics('campaign', 'campaign_ids'),
    'ad_groups/analytics': syncAnalytics('ad_group', 'ad_group_ids'),
    'ads/analytics': syncAnalytics('ad', 'ad_ids'),

    'user_account/analytics': (ctx) => {
      const q = ctx.query;
      const data = operationData(ctx);
      const w = checkWindow(q.start_date as string, q.end_date as string, ctx.core.today(), SYNC_RULE);
      const metrics = (q.metric_types as string[] | undefined) ?? USER_METRICS;
      const out: Record<string, unknown> = {};
      const split = (q.split_field as string | undefined) ?? 'NO_SPLIT';
      // A business profile's numbers differ from the token user's (scope offset by its namespace).
      const base = 1000 + data.ns * 100_000;
      SPLITS[split].forEach((key, i) => {
        out[key] = metricsBlock(ctx.core, base + i * 7 + split.length, w.start, w.end, metrics);
      });
      return out;
    },

    'multi_pins/analytics': (ctx) => {
      const core = ctx.core;
      if (!core.pinAnalyticsEnabled) throw notPermitted();
      const q = ctx.query;
      const data = operationData(ctx);
      const w = checkWindow(q.start_date as string, q.end_date as string, core.today(), SYNC_RULE);
      const metrics = q.metric_types as string[];
      if (core.realism.exclusivePinMetricTypes) checkPinMetricMix(metrics);
      const ids = q.pin_ids as string[];
      // Pins saved to a group board by collaborators are not the user's: one such id fails the call.
      for (const id of ids) {
        const p = data.pinIndex(id);
        if (!p) throw new ApiError(404, 50, 'Pin not found.');
        if (!data.isOwnedPin(p.b, p.p)) throw new ApiError(401, 7, NOT_AUTHORIZED_PIN);
      }
      const out: Record<string, unknown> = {};
      for (const id of ids) {
        // Hash scope: a safe integer per pin (Number(id) would round 18-digit ids together); a
        // business profile's pins get their own range.
        const scope = 900e12 + data.ns * 1e12 + data.pinNumber(id)!;
        const block = metricsBlock(core, scope, w.start, w.end, metrics) as Record<string, unknown>;
        block.lifetime_metrics = { TOTAL_COMMENTS: core.analytics.userMetric(scope, 0, 'TOTAL_COMMENTS') % 50, TOTAL_REACTIONS: core.analytics.userMetric(scope, 0, 'TOTAL_REACTIONS') % 200 };
        out[id] = { all: block };
      }
      return out;
    },
  };
}
