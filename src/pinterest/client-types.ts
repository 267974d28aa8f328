import type { Readable } from 'node:stream';
import type { RefusalKind } from './request-policy.js';

export type { RefusalKind } from './request-policy.js';

// Pinterest rate-limit categories (`x-ratelimit-category` in the OpenAPI) that a read-only capture uses.
export type RateCategory = 'org_read' | 'org_analytics' | 'ads_read' | 'ads_analytics' | 'catalogs_read';

export type QueryValue = string | number | boolean | string[] | undefined;

export interface ApiRequest {
  method?: 'GET' | 'POST';
  /** Path below the API base URL, e.g. `/ad_accounts/123/campaigns` (already substituted). */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown; // JSON body (POST)
  category: RateCategory;
  /** Stream name, for error messages and per-stream request accounting. */
  stream?: string;
  /**
   * Analytics rows: integer values of `*_ID` keys too large for a double (18-digit pin ids) are
   * parsed as exact strings instead of rounded numbers.
   */
  exactIds?: boolean;
  /**
   * Refusals this request's caller handles by skipping its unit (a deleted parent, a refused beta
   * filter…): the client throws `Refused` (with `kind`) instead of failing. See request-policy.ts.
   */
  skippable?: RefusalKind[];
  /** Set by `paginate` on the first page of a listing resumed from a checkpointed bookmark. */
  resumedBookmark?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Bookmark to request the *next* page, or null when this was the last page. */
  bookmark: string | null;
}

/** Request accounting for benchmarks and the capture summary (every HTTP attempt counts). */
export interface ClientStats {
  requests: number;
  retries: number; // transient failures retried (5xx, resets, timeouts, bad bodies)
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  tokenRefreshes: number;
  byStream: Record<string, number>;
  /** `METHOD /path/{id}/…` → attempts. */
  byOperation: Record<string, number>;
}

export interface PinterestClient {
  /** One JSON request, with auth, rate limiting and retries. */
  request<T = unknown>(req: ApiRequest, signal?: AbortSignal, parse?: (body: string) => T): Promise<T>;
  /** The elements of a JSON array answer, parsed as the body arrives; a cut-off body is re-read (each element once). */
  streamArray<T = unknown>(req: ApiRequest, signal?: AbortSignal): AsyncIterable<T>;
  /** Bookmark pagination at the configured page_size, starting from `startBookmark` when resuming. */
  paginate<T = unknown>(req: ApiRequest, startBookmark?: string | null, signal?: AbortSignal): AsyncIterable<Page<T>>;
  /** Plain GET of a pre-signed URL (async report file) with no Authorization header, streamed. */
  download(url: string, signal?: AbortSignal, opts?: { stream?: string }): Promise<Readable>;
  /** Request counters so far (optional so test doubles need not implement it). */
  stats?(): ClientStats;
}
