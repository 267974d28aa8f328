import type { RateCategory } from '../client-types.js';
import type { SyncMode } from '../../connector/source.js';

// Streams are data: each row of the table below is interpreted by one fetch strategy.
export type Strategy =
  | 'single' // one object (GET /user_account)
  | 'list' // a paginated top-level list
  | 'child_list' // a paginated list per parent entity (boards → sections, ad accounts → audiences …)
  | 'incremental_list' // per-ad-account list with a client-side updated_time cursor
  | 'user_analytics' // GET /user_account/analytics daily_metrics
  | 'pin_analytics' // GET /pins/analytics, ≤100 pins per call
  | 'sync_analytics' // GET /ad_accounts/{id}/…/analytics, ids batched ≤250
  | 'async_report'; // POST/GET /ad_accounts/{id}/reports, download

// Who must be reachable for a stream (Validate makes one cheap call per family).
export type ScopeFamily = 'user_account' | 'boards' | 'ads' | 'catalogs' | 'pin_analytics';

export interface StreamDef {
  name: string;
  strategy: Strategy;
  /** Path template below the API base; `{ad_account_id}`, `{board_id}`, `{section_id}` are substituted. */
  endpoint: string;
  /** Parent stream whose entities fan this stream out (ad_accounts, boards, board_sections, …). */
  parent?: string;
  key: string[];
  /** Cursor field for incremental strategies (updated_time, DATE, date). */
  cursor?: string;
  category: RateCategory;
  /** File below resources/schemas/ (without .json). */
  schema: string;
  interval: string;
  syncModes: SyncMode[];
  scope: ScopeFamily;
  /** Strategy-specific knobs (id param name, report level, extra query, …). */
  options?: Record<string, unknown>;
}
