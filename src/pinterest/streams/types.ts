import type { SyncMode } from '../../connector/source.js';
import type { QueryValue, RateCategory } from '../client-types.js';
import type { CustomReport } from '../config.js';

// Streams are data: each row of the table (table.ts) is one of these shapes, and the strategy its
// `strategy` names interprets it. Every field is read by that strategy; nothing is parsed from strings.

/** Which cheap call Validate makes to prove a stream is reachable. */
export type ScopeFamily = 'user_account' | 'boards' | 'ads' | 'catalogs' | 'pin_analytics';

interface StreamBase {
  name: string;
  /** JSON pointers of the collection key. */
  key: string[];
  category: RateCategory;
  /** File below resources/schemas/ (without .json). */
  schema: string;
  /** Default polling interval (ISO-8601). */
  interval: string;
  /** Supported modes; the first is the default. */
  syncModes: SyncMode[];
  scope: ScopeFamily;
}

/** GET one object (user_account). */
export interface SingleDef extends StreamBase {
  strategy: 'single';
  endpoint: string;
}

/** A paginated top-level listing. */
export interface ListDef extends StreamBase {
  strategy: 'list';
  endpoint: string;
  /**
   * Which shard emits it: `user` (the shard owning key 0: organic and catalogs data), or
   * `ad_account` (each shard emits the ad accounts it owns).
   */
  sharding: 'user' | 'ad_account';
  /** Fields never captured (feed credentials). */
  drop?: string[];
  /** Pinterest answers 409 when the user has no catalog: the listing is then empty. */
  emptyWithoutCatalog?: boolean;
}

/** One listing per board (`{board_id}`) or per board section (`{board_id}`, `{section_id}`). */
export interface BoardChildDef extends StreamBase {
  strategy: 'board_children';
  endpoint: string;
  per: 'board' | 'section';
}

/** One listing per ad account (`{ad_account_id}`), once per query variant. */
export interface AccountChildDef extends StreamBase {
  strategy: 'account_children';
  endpoint: string;
  /** One listing per variant (audiences: owned and received). */
  variants?: Array<Record<string, QueryValue>>;
  /** conversion_tags answers one unpaginated list. */
  paginated: boolean;
}

/**
 * Keywords of an ad account, whatever their parent: the account's own listing, one per campaign,
 * and ad groups `adGroupBatch` at a time (a beta filter; one ad group at a time when refused).
 */
export interface KeywordsDef extends StreamBase {
  strategy: 'keywords';
  endpoint: string;
  adGroupBatch: number;
}

/** Per-ad-account listing with a client-side `updated_time` cursor. */
export interface IncrementalListDef extends StreamBase {
  strategy: 'incremental_list';
  endpoint: string;
}

/** GET /user_account/analytics daily metrics. */
export interface UserAnalyticsDef extends StreamBase {
  strategy: 'user_analytics';
  endpoint: string;
}

/** GET /pins/analytics for every pin on the user's boards, `batch` pins per call. */
export interface PinAnalyticsDef extends StreamBase {
  strategy: 'pin_analytics';
  endpoint: string;
  batch: number;
}

export type AdEntityKind = 'campaigns' | 'ad_groups' | 'ads';

/** GET /ad_accounts/{id}[/campaigns|/ad_groups|/ads]/analytics, DAY rows. */
export interface SyncAnalyticsDef extends StreamBase {
  strategy: 'sync_analytics';
  endpoint: string;
  /** Column naming the row's entity (AD_ACCOUNT_ID, CAMPAIGN_ID, …). */
  idColumn: string;
  /** Entity-level endpoints: which entities' ids to send, under which parameter, how many per call. */
  ids?: { of: AdEntityKind; param: 'campaign_ids' | 'ad_group_ids' | 'ad_ids'; batch: number };
  /** Targeting breakdowns (…/targeting_analytics): the endpoint's targeting types, how many per call. */
  targeting?: { types: readonly string[]; perCall: number };
  /**
   * Stitched history: days older than the sync API's floor (89 days back) come from DAY reports of
   * this level, whose `reportIdColumn` names the row's entity when `idColumn` is absent.
   */
  history?: { level: 'ADVERTISER' | 'CAMPAIGN' | 'AD_GROUP' | 'PIN_PROMOTION'; reportIdColumn: string };
}

export type ReportGranularity = 'TOTAL' | 'DAY' | 'HOUR' | 'WEEK' | 'MONTH';

/** POST/GET /ad_accounts/{id}/reports: async report jobs, files streamed row by row. */
export interface ReportDef extends StreamBase {
  strategy: 'async_report';
  level: string;
  granularity: ReportGranularity;
  /** A user-defined report (custom_reports[]): its columns, filters and attribution. */
  custom?: CustomReport;
  /** Columns to request instead of every column of the level (stitched history: those the sync API has too). */
  columns?: readonly string[];
}

export type StreamDef =
  | SingleDef
  | ListDef
  | BoardChildDef
  | AccountChildDef
  | KeywordsDef
  | IncrementalListDef
  | UserAnalyticsDef
  | PinAnalyticsDef
  | SyncAnalyticsDef
  | ReportDef;

export type Strategy = StreamDef['strategy'];
export type DefOf<S extends Strategy> = Extract<StreamDef, { strategy: S }>;

/** The API path a stream reads (reports: the report endpoint), for docs and the stream table. */
export function endpointOf(def: StreamDef): string {
  return def.strategy === 'async_report' ? '/ad_accounts/{ad_account_id}/reports' : def.endpoint;
}
