import type { CustomReport, PinterestConfig } from '../config.js';
import { TARGETING_ANALYTICS } from '../columns.js';
import type { AccountChildDef, BoardChildDef, IncrementalListDef, KeywordsDef, ListDef, ReportDef, SingleDef, StreamDef, SyncAnalyticsDef } from './types.js';

const FULL = ['full_refresh'] as const;
const INC = ['incremental'] as const;
const INC_OR_FULL = ['incremental', 'full_refresh'] as const;

type Row<D extends StreamDef> = D extends StreamDef ? Omit<D, 'syncModes' | 'key'> & Partial<Pick<D, 'syncModes' | 'key'>> : never;

/** Entities are keyed by id and full-refreshed unless the row says otherwise. */
const entity = <D extends StreamDef>(d: Row<D>): D => ({ key: ['/id'], syncModes: [...FULL], ...d }) as unknown as D;

// Report streams of SPEC §4 (Airbyte's names): level → grouping keys of its rows.
const REPORTS: Array<[name: string, level: string, key: string[]]> = [
  ['campaign_analytics_report', 'CAMPAIGN', ['/CAMPAIGN_ID', '/DATE']],
  ['advertiser_report', 'ADVERTISER', ['/ADVERTISER_ID', '/DATE']],
  ['ad_group_report', 'AD_GROUP', ['/AD_GROUP_ID', '/DATE']],
  ['pin_promotion_report', 'PIN_PROMOTION', ['/PIN_PROMOTION_ID', '/DATE']],
  // Product groups and items belong to catalogs, not ad accounts: several advertisers report on the
  // same ones, so the advertiser is part of the key (else one account's rows replace another's).
  ['product_group_report', 'PRODUCT_GROUP', ['/PRODUCT_GROUP_ID', '/ADVERTISER_ID', '/DATE']],
  ['product_item_report', 'PRODUCT_ITEM', ['/PRODUCT_ITEM_ID', '/ADVERTISER_ID', '/DATE']],
  ['keyword_report', 'KEYWORD', ['/KEYWORD_ID', '/DATE']],
  ['advertiser_targeting_report', 'ADVERTISER_TARGETING', ['/ADVERTISER_ID', '/DATE', '/TARGETING_TYPE', '/TARGETING_VALUE']],
  ['campaign_targeting_report', 'CAMPAIGN_TARGETING', ['/CAMPAIGN_ID', '/DATE', '/TARGETING_TYPE', '/TARGETING_VALUE']],
  ['ad_group_targeting_report', 'AD_GROUP_TARGETING', ['/AD_GROUP_ID', '/DATE', '/TARGETING_TYPE', '/TARGETING_VALUE']],
  ['pin_promotion_targeting_report', 'PIN_PROMOTION_TARGETING', ['/PIN_PROMOTION_ID', '/DATE', '/TARGETING_TYPE', '/TARGETING_VALUE']],
  ['product_group_targeting_report', 'PRODUCT_GROUP_TARGETING', ['/PRODUCT_GROUP_ID', '/ADVERTISER_ID', '/DATE', '/TARGETING_TYPE', '/TARGETING_VALUE']],
];

export const STREAMS: StreamDef[] = [
  // Organic
  entity<SingleDef>({ name: 'user_account', strategy: 'single', endpoint: '/user_account', key: ['/username'], category: 'org_read', schema: 'user_account', interval: 'PT24H', scope: 'user_account' }),
  { name: 'user_account_analytics', strategy: 'user_analytics', endpoint: '/user_account/analytics', key: ['/date'], category: 'org_analytics', schema: 'user_account_analytics', interval: 'PT6H', syncModes: [...INC], scope: 'user_account' },
  entity<ListDef>({ name: 'boards', strategy: 'list', endpoint: '/boards', sharding: 'user', category: 'org_read', schema: 'boards', interval: 'PT24H', scope: 'boards' }),
  entity<BoardChildDef>({ name: 'board_sections', strategy: 'board_children', per: 'board', endpoint: '/boards/{board_id}/sections', category: 'org_read', schema: 'board_sections', interval: 'PT24H', scope: 'boards' }),
  entity<BoardChildDef>({ name: 'board_pins', strategy: 'board_children', per: 'board', endpoint: '/boards/{board_id}/pins', category: 'org_read', schema: 'board_pins', interval: 'PT24H', scope: 'boards' }),
  entity<BoardChildDef>({ name: 'board_section_pins', strategy: 'board_children', per: 'section', endpoint: '/boards/{board_id}/sections/{section_id}/pins', category: 'org_read', schema: 'board_section_pins', interval: 'PT24H', scope: 'boards' }),
  { name: 'pin_analytics', strategy: 'pin_analytics', endpoint: '/pins/analytics', batch: 100, key: ['/PIN_ID', '/DATE'], category: 'org_analytics', schema: 'pin_analytics', interval: 'PT24H', syncModes: [...INC], scope: 'pin_analytics' },

  // Ads entities
  entity<ListDef>({ name: 'ad_accounts', strategy: 'list', endpoint: '/ad_accounts', sharding: 'ad_account', category: 'ads_read', schema: 'ad_accounts', interval: 'PT24H', scope: 'ads' }),
  entity<IncrementalListDef>({ name: 'campaigns', strategy: 'incremental_list', endpoint: '/ad_accounts/{ad_account_id}/campaigns', category: 'ads_read', schema: 'campaigns', interval: 'PT1H', syncModes: [...INC_OR_FULL], scope: 'ads' }),
  entity<IncrementalListDef>({ name: 'ad_groups', strategy: 'incremental_list', endpoint: '/ad_accounts/{ad_account_id}/ad_groups', category: 'ads_read', schema: 'ad_groups', interval: 'PT1H', syncModes: [...INC_OR_FULL], scope: 'ads' }),
  entity<IncrementalListDef>({ name: 'ads', strategy: 'incremental_list', endpoint: '/ad_accounts/{ad_account_id}/ads', category: 'ads_read', schema: 'ads', interval: 'PT1H', syncModes: [...INC_OR_FULL], scope: 'ads' }),
  entity<AccountChildDef>({ name: 'audiences', strategy: 'account_children', endpoint: '/ad_accounts/{ad_account_id}/audiences', paginated: true, variants: [{ ownership_type: 'OWNED' }, { ownership_type: 'RECEIVED' }], category: 'ads_read', schema: 'audiences', interval: 'PT24H', scope: 'ads' }),
  entity<AccountChildDef>({ name: 'customer_lists', strategy: 'account_children', endpoint: '/ad_accounts/{ad_account_id}/customer_lists', paginated: true, category: 'ads_read', schema: 'customer_lists', interval: 'PT24H', scope: 'ads' }),
  entity<AccountChildDef>({ name: 'conversion_tags', strategy: 'account_children', endpoint: '/ad_accounts/{ad_account_id}/conversion_tags', paginated: false, category: 'ads_read', schema: 'conversion_tags', interval: 'PT24H', scope: 'ads' }),
  entity<KeywordsDef>({ name: 'keywords', strategy: 'keywords', endpoint: '/ad_accounts/{ad_account_id}/keywords', adGroupBatch: 250, category: 'ads_read', schema: 'keywords', interval: 'PT24H', scope: 'ads' }),

  // Catalogs
  entity<ListDef>({ name: 'catalogs', strategy: 'list', endpoint: '/catalogs', sharding: 'user', category: 'catalogs_read', schema: 'catalogs', interval: 'PT24H', scope: 'catalogs' }),
  entity<ListDef>({ name: 'catalogs_feeds', strategy: 'list', endpoint: '/catalogs/feeds', sharding: 'user', drop: ['credentials'], category: 'catalogs_read', schema: 'catalogs_feeds', interval: 'PT24H', scope: 'catalogs' }),
  entity<ListDef>({ name: 'catalogs_product_groups', strategy: 'list', endpoint: '/catalogs/product_groups', sharding: 'user', emptyWithoutCatalog: true, category: 'catalogs_read', schema: 'catalogs_product_groups', interval: 'PT24H', scope: 'catalogs' }),

  // Sync ads analytics
  { name: 'ad_account_analytics', strategy: 'sync_analytics', endpoint: '/ad_accounts/{ad_account_id}/analytics', idColumn: 'AD_ACCOUNT_ID', history: { level: 'ADVERTISER', reportIdColumn: 'ADVERTISER_ID' }, key: ['/AD_ACCOUNT_ID', '/DATE'], category: 'ads_analytics', schema: 'ad_account_analytics', interval: 'PT6H', syncModes: [...INC], scope: 'ads' },
  { name: 'campaign_analytics', strategy: 'sync_analytics', endpoint: '/ad_accounts/{ad_account_id}/campaigns/analytics', idColumn: 'CAMPAIGN_ID', ids: { of: 'campaigns', param: 'campaign_ids', batch: 250 }, history: { level: 'CAMPAIGN', reportIdColumn: 'CAMPAIGN_ID' }, key: ['/CAMPAIGN_ID', '/DATE'], category: 'ads_analytics', schema: 'campaign_analytics', interval: 'PT6H', syncModes: [...INC], scope: 'ads' },
  { name: 'ad_group_analytics', strategy: 'sync_analytics', endpoint: '/ad_accounts/{ad_account_id}/ad_groups/analytics', idColumn: 'AD_GROUP_ID', ids: { of: 'ad_groups', param: 'ad_group_ids', batch: 250 }, history: { level: 'AD_GROUP', reportIdColumn: 'AD_GROUP_ID' }, key: ['/AD_GROUP_ID', '/DATE'], category: 'ads_analytics', schema: 'ad_group_analytics', interval: 'PT6H', syncModes: [...INC], scope: 'ads' },
  { name: 'ad_analytics', strategy: 'sync_analytics', endpoint: '/ad_accounts/{ad_account_id}/ads/analytics', idColumn: 'AD_ID', ids: { of: 'ads', param: 'ad_ids', batch: 250 }, history: { level: 'PIN_PROMOTION', reportIdColumn: 'PIN_PROMOTION_ID' }, key: ['/AD_ID', '/DATE'], category: 'ads_analytics', schema: 'ad_analytics', interval: 'PT6H', syncModes: [...INC], scope: 'ads' },

  // Sync targeting analytics: the same levels broken down by every targeting type each endpoint offers
  ...(
    [
      ['ad_account', 'AD_ACCOUNT_ID', '', undefined],
      ['campaign', 'CAMPAIGN_ID', '/campaigns', { of: 'campaigns', param: 'campaign_ids', batch: 250 }],
      ['ad_group', 'AD_GROUP_ID', '/ad_groups', { of: 'ad_groups', param: 'ad_group_ids', batch: 250 }],
      ['ad', 'AD_ID', '/ads', { of: 'ads', param: 'ad_ids', batch: 250 }],
    ] as const
  ).map(
    ([level, idColumn, path, ids]): SyncAnalyticsDef => ({
      name: `${level}_targeting_analytics`,
      strategy: 'sync_analytics',
      endpoint: `/ad_accounts/{ad_account_id}${path}/targeting_analytics`,
      idColumn,
      ...(ids ? { ids } : {}),
      targeting: TARGETING_ANALYTICS[level],
      key: [`/${idColumn}`, '/DATE', '/TARGETING_TYPE', '/TARGETING_VALUE'],
      category: 'ads_analytics',
      schema: `${level}_targeting_analytics`,
      interval: 'PT24H',
      syncModes: [...INC],
      scope: 'ads',
    }),
  ),

  // Async reports
  ...REPORTS.map(([name, level, key]): ReportDef => ({
    name,
    strategy: 'async_report',
    level,
    granularity: 'DAY',
    key,
    category: 'ads_analytics',
    schema: level.endsWith('_TARGETING') ? 'targeting_report' : 'report',
    interval: 'PT24H',
    syncModes: [...INC],
    scope: 'ads',
  })),
];

export const STREAMS_BY_NAME = new Map(STREAMS.map((s) => [s.name, s]));

// Row id columns per async report level (the grouping ids its rows carry).
const LEVEL_IDS: Record<string, string[]> = {
  ADVERTISER: ['ADVERTISER_ID'],
  CAMPAIGN: ['CAMPAIGN_ID'],
  AD_GROUP: ['AD_GROUP_ID'],
  PIN_PROMOTION: ['PIN_PROMOTION_ID'],
  KEYWORD: ['KEYWORD_ID'],
  PRODUCT_GROUP: ['PRODUCT_GROUP_ID', 'ADVERTISER_ID'],
  PRODUCT_ITEM: ['PRODUCT_ITEM_ID', 'ADVERTISER_ID'],
};

/**
 * Key of a report's rows: the level's ids, the period, targeting type/value. A TOTAL row's period
 * is its request window: START_DATE (the fixed block it totals; END_DATE grows while the block is
 * current and the document is replaced), so a date range longer than one report's maximum keeps a
 * document per block instead of the last window overwriting the others.
 */
export function reportKey(level: string, granularity: string): string[] {
  const targeting = level.endsWith('_TARGETING');
  const base = level.replace(/_TARGETING$/, '');
  const ids = LEVEL_IDS[base] ?? ['ADVERTISER_ID'];
  return [
    ...ids.map((c) => `/${c}`),
    granularity === 'TOTAL' ? '/START_DATE' : '/DATE',
    ...(targeting ? ['/TARGETING_TYPE', '/TARGETING_VALUE'] : []),
  ];
}

/** Stream definition for one `custom_reports[]` entry (stream `custom_<name>`). */
export function customReportDef(report: CustomReport): ReportDef {
  return {
    name: `custom_${report.name}`,
    strategy: 'async_report',
    level: report.level,
    granularity: report.granularity,
    custom: report,
    key: reportKey(report.level, report.granularity),
    category: 'ads_analytics',
    schema: `custom_${report.name}`,
    interval: 'PT24H',
    syncModes: ['incremental'],
    scope: 'ads',
  };
}

/** Every stream available for a config: the static table plus one per custom report. */
export function streamDefs(config: Pick<PinterestConfig, 'custom_reports'>): StreamDef[] {
  return [...STREAMS, ...config.custom_reports.map(customReportDef)];
}
