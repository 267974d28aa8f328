// The normalised endpoint configuration (SPEC §3) every Pinterest-layer module reads.
// `parseConfig` (ajv-validated, defaults applied) produces it from the raw endpoint config.

export type EntityStatus = 'ACTIVE' | 'PAUSED' | 'ARCHIVED' | 'DRAFT' | 'DELETED_DRAFT';
export const ALL_ENTITY_STATUSES: EntityStatus[] = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT'];

export type Credentials =
  | { auth_method: 'oauth2.0'; client_id: string; client_secret: string; refresh_token: string; access_token?: string }
  | { auth_method: 'access_token'; access_token: string };

export interface Attribution {
  click_window_days: number; // 0,1,7,14,30,60 — default 30
  engagement_window_days: number; // default 30
  view_window_days: number; // default 1
  conversion_report_time: 'TIME_OF_AD_ACTION' | 'TIME_OF_CONVERSION';
}

export interface CustomReport {
  name: string; // stream is custom_<name>
  level: string; // ADVERTISER, CAMPAIGN, … (async report levels)
  granularity: 'TOTAL' | 'DAY' | 'HOUR' | 'WEEK' | 'MONTH';
  columns: string[];
  start_date?: string;
  [extra: string]: unknown; // attribution overrides, status filters, targeting_types …
}

export interface PinterestConfig {
  start_date: string; // YYYY-MM-DD
  credentials: Credentials;
  account_ids?: string[];
  entity_statuses: EntityStatus[];
  attribution: Attribution;
  lookback_window_days: number;
  custom_reports: CustomReport[];
  advanced: {
    api_base_url: string; // no trailing slash, e.g. https://api.pinterest.com/v5
    page_size: number; // 1–250, default 250
    [extra: string]: unknown; // rate-limit budgets, max wait …
  };
}
