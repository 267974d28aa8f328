// Analytics values are a pure function of (seed, entity id, date, column, attribution), so the
// sync endpoints, the async reports and tests (`expectedAnalyticsRows`) all agree, and nothing is stored.
import { fin, hash, mix, strHash } from './hash.js';
import { dayStr, monthStart, weekStart } from './dates.js';
import type { AdKind, Doc, SandboxData } from './data.js';

export interface Attribution {
  click_window_days: number;
  engagement_window_days: number;
  view_window_days: number;
  conversion_report_time: 'TIME_OF_AD_ACTION' | 'TIME_OF_CONVERSION';
}

export const DEFAULT_ATTRIBUTION: Attribution = { click_window_days: 30, engagement_window_days: 30, view_window_days: 1, conversion_report_time: 'TIME_OF_AD_ACTION' };

/** Attribution settings of a sync query or a report body (defaults where absent). */
export function attributionOf(q: Record<string, unknown>): Attribution {
  return {
    click_window_days: (q.click_window_days as number | undefined) ?? DEFAULT_ATTRIBUTION.click_window_days,
    engagement_window_days: (q.engagement_window_days as number | undefined) ?? DEFAULT_ATTRIBUTION.engagement_window_days,
    view_window_days: (q.view_window_days as number | undefined) ?? DEFAULT_ATTRIBUTION.view_window_days,
    conversion_report_time: (q.conversion_report_time as Attribution['conversion_report_time'] | undefined) ?? DEFAULT_ATTRIBUTION.conversion_report_time,
  };
}

/** Sync levels and the async report levels (without `_TARGETING`). */
export type Level = 'AD_ACCOUNT' | 'ADVERTISER' | 'CAMPAIGN' | 'AD_GROUP' | 'AD' | 'PIN_PROMOTION' | 'KEYWORD' | 'PRODUCT_GROUP' | 'PRODUCT_ITEM';
export type Granularity = 'TOTAL' | 'DAY' | 'HOUR' | 'WEEK' | 'MONTH';

/** Multiplies past values: conversion columns (or `columns`) on `date`, optionally only for some entities. */
export interface Restatement {
  date: string;
  factor: number;
  columns?: string[];
  /** Ids of the entities (any level) whose rows change; default all. */
  ids?: string[];
}

/** The row's entity and its ancestors, as found by `context()`. */
export interface RowContext {
  level: Level;
  /** Numeric id of the entity that keys the values (ad account, campaign, ad group, ad, keyword, …). */
  num: number;
  a: number;
  campaign?: number;
  adGroup?: number;
  ad?: number;
  keyword?: { level: 0 | 1 | 2; parent: number; k: number; id: string };
  productGroup?: string;
  productItem?: string;
  firstDay: number;
  /** Draft entities never delivered: no rows. */
  delivers: boolean;
  /** Whether this entity's id columns come back as JSON numbers (the real API does this for some rows). */
  numericIds: boolean;
}

const CONVERSION_RE = /CONVERSION|CHECKOUT|SIGNUP|LEAD|ADD_TO_CART|PAGE_VISIT|CUSTOM|ROAS|WISHLIST|SUBSCRIBE|OFFLINE|APP_INSTALL|_SEARCH|WATCH_VIDEO|VIEW_CATEGORY|_UNKNOWN|PURCHASE/;
const RATE_RE = /RATE|CTR|ROAS|ECPC|CPC_|CPM|ECPM|COST_PER|ECPE|ECPV|ECPCV|AVG|FREQUENCY|_PER_ACTION|PER_SESSION|_PER_/;
const DOLLAR_RE = /_IN_DOLLAR|_DOLLAR$/;
const MICRO_RE = /MICRO_DOLLAR/;
const BIG_RE = /IMPRESSION|VIEW/;

interface ColumnInfo {
  name: string;
  h: number;
  kind: 'id' | 'attr' | 'metric';
  conversion: boolean;
  rate: boolean;
  dollar: boolean;
  micro: boolean;
  big: boolean;
}

const ID_COLUMNS = new Set(['AD_ACCOUNT_ID', 'ADVERTISER_ID', 'CAMPAIGN_ID', 'AD_GROUP_ID', 'AD_ID', 'PIN_PROMOTION_ID', 'PIN_ID', 'KEYWORD_ID', 'PRODUCT_GROUP_ID', 'PRODUCT_ITEM_ID']);
const ATTR_COLUMNS = new Set([
  'CAMPAIGN_NAME', 'CAMPAIGN_STATUS', 'CAMPAIGN_ENTITY_STATUS', 'CAMPAIGN_OBJECTIVE_TYPE', 'CAMPAIGN_BRAND_LABEL', 'CAMPAIGN_CUSTOM_LABELS', 'CAMPAIGN_MANAGED_STATUS',
  'CAMPAIGN_LIFETIME_SPEND_CAP', 'CAMPAIGN_DAILY_SPEND_CAP', 'CAMPAIGN_BUDGET_OPTIMIZATION', 'IS_PREMIERE_CAMPAIGN',
  'AD_GROUP_NAME', 'AD_GROUP_STATUS', 'AD_GROUP_ENTITY_STATUS', 'AD_GROUP_BUDGET_TYPE', 'AD_GROUP_BUDGET_IN_LOCAL_CURRENCY', 'AD_GROUP_BID_MULTIPLIER', 'AD_GROUP_OPTIMIZATION',
  'AD_NAME', 'PIN_PROMOTION_NAME', 'AD_STATUS', 'PIN_PROMOTION_STATUS', 'PROMO_ID', 'PROMO_NAME', 'ORDER_LINE_ID', 'ORDER_LINE_NAME',
  'PRODUCT_GROUP_AD_IMAGE_TAG', 'PRODUCT_GROUP_AD_VIDEO_TAG', 'PRODUCT_GROUP_STATUS', 'PRODUCT_ITEM_NAME', 'PRODUCT_ITEM_PRODUCT_TYPE', 'PRODUCT_ITEM_IMAGE_URL', 'PRODUCT_ITEM_PRODUCT_URL',
  'PRODUCT_ITEM_PIN_URL', 'PRODUCT_ITEM_BRAND', 'PRODUCT_ITEM_DESCRIPTION', 'PRODUCT_ITEM_PRODUCT_CATEGORY', 'PRODUCT_ITEM_CURRENCY', 'PRODUCT_ITEM_PRICE', 'PRODUCT_ITEM_SALE_PRICE',
  'STANDARD_AD_FEED_ITEM_ID', 'VIDEO_LENGTH', 'TARGETING_TYPE', 'TARGETING_VALUE',
]);

const columnCache = new Map<string, ColumnInfo>();
export function columnInfo(name: string): ColumnInfo {
  let c = columnCache.get(name);
  if (!c) {
    const kind = ID_COLUMNS.has(name) ? 'id' : ATTR_COLUMNS.has(name) ? 'attr' : 'metric';
    c = {
      name,
      h: strHash(name),
      kind,
      conversion: CONVERSION_RE.test(name),
      rate: RATE_RE.test(name) && !MICRO_RE.test(name),
      dollar: DOLLAR_RE.test(name) && !MICRO_RE.test(name),
      micro: MICRO_RE.test(name),
      big: BIG_RE.test(name),
    };
    columnCache.set(name, c);
  }
  return c;
}

export function attributionFactor(at: Attribution): number {
  // Longer windows attribute more conversions; reporting by conversion time shifts some away.
  const f = (1 + at.click_window_days / 60) * (1 + at.engagement_window_days / 120) * (1 + at.view_window_days / 30);
  return at.conversion_report_time === 'TIME_OF_CONVERSION' ? f * 0.85 : f;
}

const TARGETING_VALUES: Record<string, string[]> = {
  APPTYPE: ['web', 'iphone', 'android', 'ipad'],
  GENDER: ['female', 'male', 'unknown'],
  AGE_BUCKET: ['18-24', '25-34', '35-44', '45-49', '50-54', '55-64', '65+'],
  LOCATION: ['US', 'CA', 'GB'],
  COUNTRY: ['US', 'CA', 'GB'],
  REGION: ['US-CA', 'US-NY', 'US-TX'],
  PLACEMENT: ['SEARCH', 'BROWSE'],
  KEYWORD: ['christmas decor ideas', 'summer outfits', 'kitchen remodel'],
  TARGETED_INTEREST: ['home decor', 'fashion', 'food and drinks'],
  PINNER_INTEREST: ['home decor', 'fashion', 'food and drinks'],
  AUDIENCE_INCLUDE: ['2542620905473', '2542620905474'],
  GEO: ['US', 'CA'],
  MEDIA_TYPE: ['IMAGE', 'VIDEO'],
  AGE_BUCKET_AND_GENDER: ['25-34|female', '25-34|male', '35-44|female'],
};

export function targetingValues(type: string): string[] {
  return TARGETING_VALUES[type] ?? ['value_1', 'value_2'];
}

export class Analytics {
  readonly restatements: Restatement[] = [];
  private restateByDay = new Map<string, Restatement[]>();

  constructor(private readonly data: SandboxData) {}

  restate(r: Restatement): void {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r.date) || !(typeof r.factor === 'number' && r.factor >= 0)) throw new Error('restatement needs date (YYYY-MM-DD) and a non-negative factor');
    this.restatements.push(r);
    this.restateByDay.clear();
    for (const x of this.restatements) {
      const l = this.restateByDay.get(x.date) ?? [];
      l.push(x);
      this.restateByDay.set(x.date, l);
    }
  }

  // ---------- row contexts ----------

  adContext(kind: AdKind, a: number, idx: number): RowContext {
    const d = this.data;
    const level: Level = kind === 'campaign' ? 'CAMPAIGN' : kind === 'ad_group' ? 'AD_GROUP' : 'AD';
    const status = d.baseStatus(kind, a, idx);
    const num = Number(d.entityId(kind, a, idx));
    return {
      level,
      num,
      a,
      campaign: d.campaignIdxOf(kind, a, idx),
      adGroup: kind === 'campaign' ? undefined : kind === 'ad_group' ? idx : d.adGroupIdxOf(a, idx),
      ad: kind === 'ad' ? idx : undefined,
      firstDay: d.firstActiveDay(kind, a, idx),
      delivers: status !== 'DRAFT' && status !== 'DELETED_DRAFT',
      numericIds: hash(d.seed, 4242, num) % 2 === 0,
    };
  }

  accountContext(a: number): RowContext {
    const ad = this.data.adAccount(a);
    return { level: 'AD_ACCOUNT', num: Number(ad.id), a, firstDay: Math.floor((ad.created_time as number) / 86_400), delivers: true, numericIds: false };
  }

  keywordContext(a: number, level: 0 | 1 | 2, parent: number, k: number): RowContext {
    const kw = this.data.keyword(a, level, parent, k);
    const num = Number(kw.id);
    return {
      level: 'KEYWORD',
      num,
      a,
      campaign: level === 1 ? parent : level === 2 ? this.data.parentIdx('ad_group', a, parent) : undefined,
      adGroup: level === 2 ? parent : undefined,
      keyword: { level, parent, k, id: kw.id as string },
      firstDay: level === 2 ? this.data.firstActiveDay('ad_group', a, parent) : this.accountContext(a).firstDay,
      delivers: !kw.archived,
      numericIds: hash(this.data.seed, 4242, num) % 2 === 0,
    };
  }

  productGroupContext(a: number, pgId: string): RowContext {
    const num = Number(pgId) + a; // a product group's numbers differ per ad account promoting it
    return { level: 'PRODUCT_GROUP', num, a, productGroup: pgId, firstDay: this.accountContext(a).firstDay, delivers: true, numericIds: false };
  }

  productItemContext(a: number, pgId: string, i: number): RowContext {
    const item = String(Number(pgId) * 10 + i);
    return { level: 'PRODUCT_ITEM', num: Number(item) + a, a, productGroup: pgId, productItem: item, firstDay: this.accountContext(a).firstDay, delivers: true, numericIds: false };
  }

  // ---------- values ----------

  /** Whether the entity has a row on `day` (Pinterest omits days without delivery). */
  hasRow(ctx: RowContext, day: number, today: number): boolean {
    if (!ctx.delivers || day < ctx.firstDay || day > today) return false;
    if (ctx.level === 'AD_ACCOUNT' || ctx.level === 'ADVERTISER') return true;
    return hash(this.data.seed, 777, ctx.num, day) % 10 !== 0;
  }

  private restateFactor(ctx: RowContext, day: number, col: ColumnInfo, ids: string[]): number {
    if (this.restatements.length === 0) return 1;
    const list = this.restateByDay.get(dayStr(day));
    if (!list) return 1;
    let f = 1;
    for (const r of list) {
      if (r.columns ? !r.columns.includes(col.name) : !col.conversion) continue;
      if (r.ids && !r.ids.some((id) => ids.includes(id))) continue;
      f *= r.factor;
    }
    return f;
  }

  /** The metric value of one column for one entity-day (extra = targeting salt). */
  metric(ctx: RowContext, day: number, col: ColumnInfo, at: Attribution, rowH: number, ids: string[]): number {
    const h = fin(mix(rowH, col.h));
    let v: number;
    if (col.rate) v = (h % 10_000) / 10_000;
    else if (col.dollar) v = (h % 500_000) / 100;
    else if (col.micro) v = (h % 500_000) * 10_000;
    else if (col.big) v = 100 + (h % 50_000);
    else v = h % 500;
    if (col.conversion) v = roundFor(col, v * attributionFactor(at));
    if (this.restatements.length) {
      // Restating multiplies the value as it was reported before.
      const f = this.restateFactor(ctx, day, col, ids);
      if (f !== 1) v = roundFor(col, v * f);
    }
    return v;
  }

  /** Ids of the row's entity and ancestors (strings), for restatement matching and id columns. */
  ids(ctx: RowContext): Record<string, string> {
    const d = this.data;
    const out: Record<string, string> = { AD_ACCOUNT_ID: d.adAccountId(ctx.a), ADVERTISER_ID: d.adAccountId(ctx.a) };
    if (ctx.campaign !== undefined) out.CAMPAIGN_ID = d.entityId('campaign', ctx.a, ctx.campaign);
    if (ctx.adGroup !== undefined) out.AD_GROUP_ID = d.entityId('ad_group', ctx.a, ctx.adGroup);
    if (ctx.ad !== undefined) {
      out.AD_ID = out.PIN_PROMOTION_ID = d.entityId('ad', ctx.a, ctx.ad);
      out.PIN_ID = d.ad(ctx.a, ctx.ad).pin_id as string;
    }
    if (ctx.keyword) out.KEYWORD_ID = ctx.keyword.id;
    if (ctx.productGroup) out.PRODUCT_GROUP_ID = ctx.productGroup;
    if (ctx.productItem) out.PRODUCT_ITEM_ID = ctx.productItem;
    return out;
  }

  /** Attribute columns do not vary by day: computed once per entity. */
  private attrs(ctx: RowContext, names: string[]): [string, unknown][] {
    if (names.length === 0) return [];
    const d = this.data;
    const camp = ctx.campaign !== undefined ? d.campaign(ctx.a, ctx.campaign) : undefined;
    const group = ctx.adGroup !== undefined ? d.adGroup(ctx.a, ctx.adGroup) : undefined;
    const ad = ctx.ad !== undefined ? d.ad(ctx.a, ctx.ad) : undefined;
    const out: [string, unknown][] = [];
    for (const n of names) {
      const v = this.attr(ctx, n, camp, group, ad);
      if (v !== undefined) out.push([n, v]);
    }
    return out;
  }

  private attr(ctx: RowContext, name: string, camp: Doc | undefined, group: Doc | undefined, ad: Doc | undefined): unknown {
    switch (name) {
      case 'CAMPAIGN_NAME': return camp?.name;
      case 'CAMPAIGN_STATUS': case 'CAMPAIGN_ENTITY_STATUS': return camp?.status;
      case 'CAMPAIGN_OBJECTIVE_TYPE': return camp?.objective_type;
      case 'CAMPAIGN_LIFETIME_SPEND_CAP': return camp ? (camp.lifetime_spend_cap ?? 0) : undefined;
      case 'CAMPAIGN_DAILY_SPEND_CAP': return camp ? (camp.daily_spend_cap ?? 0) : undefined;
      case 'CAMPAIGN_BUDGET_OPTIMIZATION': return camp?.is_campaign_budget_optimization;
      case 'IS_PREMIERE_CAMPAIGN': return camp ? false : undefined;
      case 'AD_GROUP_NAME': return group?.name;
      case 'AD_GROUP_STATUS': case 'AD_GROUP_ENTITY_STATUS': return group?.status;
      case 'AD_GROUP_BUDGET_TYPE': return group?.budget_type;
      case 'AD_GROUP_BUDGET_IN_LOCAL_CURRENCY': return group ? (group.budget_in_micro_currency as number) / 1_000_000 : undefined;
      case 'AD_NAME': case 'PIN_PROMOTION_NAME': return ad?.name;
      case 'AD_STATUS': case 'PIN_PROMOTION_STATUS': return ad?.status;
      case 'PRODUCT_ITEM_NAME': return ctx.productItem ? `Product ${ctx.productItem}` : undefined;
      case 'PRODUCT_ITEM_PRICE': return ctx.productItem ? 10 + (Number(ctx.productItem) % 90) : undefined;
      default: return undefined; // "If a column has no value, it may not be returned."
    }
  }

  /**
   * Rows for one entity over [start, end] (day numbers) at the given granularity: requested columns
   * only, the level's id columns always, DATE unless TOTAL. `wire` renders id columns the way the
   * API does (numbers for some entities); otherwise ids are strings (what a connector should store).
   */
  entityRows(ctx: RowContext, start: number, end: number, today: number, columns: string[], gran: Granularity, at: Attribution, idColumns: string[], wire: boolean, targeting?: { type: string; value: string }): Record<string, unknown>[] {
    const ids = this.ids(ctx);
    const idList = Object.values(ids);
    const cols = columns.map(columnInfo);
    const attrs = this.attrs(ctx, cols.filter((c) => c.kind === 'attr' && c.name !== 'TARGETING_TYPE' && c.name !== 'TARGETING_VALUE').map((c) => c.name));
    const attrMap = new Map(attrs);
    const metricCols = cols.filter((c) => c.kind === 'metric');
    const rows: Record<string, unknown>[] = [];
    const numeric = wire && ctx.numericIds;
    const salt = targeting ? strHash(`${targeting.type}=${targeting.value}`) : 0;
    let bucket: { key: number; row: Record<string, unknown>; n: number } | null = null;
    const flush = () => {
      if (!bucket) return;
      for (const c of cols) if (c.kind === 'metric' && c.rate && bucket.n > 1) bucket.row[c.name] = Math.round(((bucket.row[c.name] as number) / bucket.n) * 10_000) / 10_000;
      rows.push(bucket.row);
      bucket = null;
    };
    for (let day = start; day <= end; day++) {
      if (!this.hasRow(ctx, day, today)) continue;
      const rowH = salt ? hash(this.data.seed, ctx.num, day, salt) : hash(this.data.seed, ctx.num, day);
      const key = gran === 'TOTAL' ? start : gran === 'WEEK' ? weekStart(day) : gran === 'MONTH' ? monthStart(day) : day;
      if (bucket && bucket.key !== key) flush();
      if (!bucket) {
        const row: Record<string, unknown> = {};
        for (const idc of idColumns) row[idc] = renderId(idc, ids[idc], numeric);
        if (targeting) {
          row.TARGETING_TYPE = targeting.type;
          row.TARGETING_VALUE = targeting.value;
        }
        if (gran !== 'TOTAL') row.DATE = dayStr(key);
        bucket = { key, row, n: 0 };
      }
      bucket.n++;
      const row = bucket.row;
      if (bucket.n === 1) {
        // Keep the requested column order: ids and attributes first where requested, then metrics.
        for (const c of cols) {
          if (c.kind === 'id') {
            if (ids[c.name] !== undefined) row[c.name] = renderId(c.name, ids[c.name], numeric);
          } else if (c.kind === 'attr') {
            if (attrMap.has(c.name)) row[c.name] = attrMap.get(c.name);
          } else row[c.name] = this.metric(ctx, day, c, at, rowH, idList);
        }
      } else {
        for (const c of metricCols) row[c.name] = Math.round(((row[c.name] as number) + this.metric(ctx, day, c, at, rowH, idList)) * 100) / 100;
      }
      if (gran === 'DAY' || gran === 'HOUR') flush();
    }
    flush();
    return rows;
  }

  /**
   * DAY rows rendered straight to JSON text (the wire form, ids as the API renders them): the hot
   * path of large analytics responses and report files, with no per-row objects.
   */
  dayRowsJson(ctx: RowContext, start: number, end: number, today: number, columns: string[], at: Attribution, idColumns: string[], out: string[], targeting?: { type: string; value: string }): number {
    const ids = this.ids(ctx);
    const idList = Object.values(ids);
    const numeric = ctx.numericIds;
    const cols = columns.map(columnInfo);
    const attrs = new Map(this.attrs(ctx, cols.filter((c) => c.kind === 'attr' && c.name !== 'TARGETING_TYPE' && c.name !== 'TARGETING_VALUE').map((c) => c.name)));
    let head = '{';
    const seen = new Set<string>();
    for (const idc of idColumns) {
      head += `${head.length > 1 ? ',' : ''}"${idc}":${idJson(idc, ids[idc], numeric)}`;
      seen.add(idc);
    }
    if (targeting) head += `,"TARGETING_TYPE":${JSON.stringify(targeting.type)},"TARGETING_VALUE":${JSON.stringify(targeting.value)}`;
    // Static part after DATE: requested ids and attributes (values do not vary by day).
    let fixed = '';
    const metricCols: ColumnInfo[] = [];
    const metricKeys: string[] = [];
    for (const c of cols) {
      if (seen.has(c.name)) continue;
      seen.add(c.name);
      if (c.kind === 'id') {
        if (ids[c.name] !== undefined) fixed += `,"${c.name}":${idJson(c.name, ids[c.name], numeric)}`;
      } else if (c.kind === 'attr') {
        if (attrs.has(c.name)) fixed += `,"${c.name}":${JSON.stringify(attrs.get(c.name))}`;
      } else {
        metricCols.push(c);
        metricKeys.push(`,"${c.name}":`);
      }
    }
    const salt = targeting ? strHash(`${targeting.type}=${targeting.value}`) : 0;
    let n = 0;
    for (let day = start; day <= end; day++) {
      if (!this.hasRow(ctx, day, today)) continue;
      const rowH = salt ? hash(this.data.seed, ctx.num, day, salt) : hash(this.data.seed, ctx.num, day);
      let row = `${head}${head.length > 1 ? ',' : ''}"DATE":"${dayStr(day)}"${fixed}`;
      for (let i = 0; i < metricCols.length; i++) row += metricKeys[i] + String(this.metric(ctx, day, metricCols[i], at, rowH, idList));
      out.push(row + '}');
      n++;
    }
    return n;
  }

  // ---------- organic ----------

  userMetric(scope: number, day: number, metric: string): number {
    const h = hash(this.data.seed, 31337, scope, day, strHash(metric));
    if (metric.endsWith('_RATE')) return Math.round((h % 10_000) / 100) / 10_000;
    if (metric === 'IMPRESSION') return 1000 + (h % 200_000);
    return h % 5000;
  }
}

function roundFor(col: ColumnInfo, x: number): number {
  return col.rate || col.dollar ? Math.round(x * 100) / 100 : Math.round(x);
}

function renderId(col: string, id: string | undefined, numeric: boolean): unknown {
  if (id === undefined) return undefined;
  // AD_ACCOUNT_ID / ADVERTISER_ID are strings in the API's rows; other ids are sometimes numbers,
  // 18-digit pin ids included (a bigint here, so that it stays exact until wireJson writes it).
  if (!numeric || col === 'AD_ACCOUNT_ID' || col === 'ADVERTISER_ID') return id;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : BigInt(id);
}

/** An id's JSON text as the API renders it (a number literal with every digit, or a string). */
function idJson(col: string, id: string | undefined, numeric: boolean): string {
  const v = renderId(col, id, numeric);
  return typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
}

/** JSON text of wire rows: bigint ids become number literals with all their digits (as Pinterest sends them). */
export function wireJson(value: unknown): string {
  let big = false;
  const s = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v !== 'bigint') return v;
    big = true;
    return `\u0000${v.toString()}`;
  });
  return big ? s.replace(/"\\u0000(\d+)"/g, '$1') : s;
}
