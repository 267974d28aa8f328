import type { Readable } from 'node:stream';
import type { Logger } from '../log.js';
import { TokenSource, type CredentialUpdate, type TokenResponse } from './auth.js';
import type { ApiRequest, ClientStats, Page, PinterestClient, QueryValue, RateCategory } from './client-types.js';
import type { PinterestConfig } from './config.js';
import { budgetsFrom, type RateBudgets } from './rate-limits.js';
import { parseExactIds } from './exact-ids.js';
import { send, type Outgoing, type SendContext } from './send.js';
import { JsonBodyError, streamArrayElements } from './json-stream.js';
import { abortError, backoffMs, isTransientNetworkError, sleep } from './retry.js';

export { PinterestApiError, Refused, requestedWaitMs } from './send.js';
export type { RefusalKind } from './request-policy.js';

export interface ClientOptions {
  log?: Logger;
  /** Called when Pinterest hands back a new refresh token (the old one no longer works). */
  onRefreshToken?: (token: string) => void | Promise<void>;
  /**
   * Called after every refresh with the credentials to persist (refresh token, access token and its
   * expiry), so the next session can start without refreshing. Awaited before the token is used.
   */
  onCredentials?: (update: CredentialUpdate) => void | Promise<void>;
}

interface Knobs {
  pageSize: number;
  maxRetries: number;
  retryBaseMs: number;
  maxRateLimitWaitMs: number;
  timeoutMs: number;
  budgets: RateBudgets;
}

function knobsFrom(config: PinterestConfig): Knobs {
  const a = config.advanced;
  return {
    pageSize: Math.min(250, Math.max(1, a.page_size)),
    maxRetries: a.max_retries,
    retryBaseMs: a.retry_base_ms,
    maxRateLimitWaitMs: a.max_rate_limit_wait_seconds * 1000,
    timeoutMs: a.request_timeout_seconds * 1000,
    budgets: budgetsFrom(a),
  };
}

/** Operation name for accounting: the path with id segments templated. */
export function operationOf(method: string, path: string): string {
  return `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
}

export function searchParamsOf(query: Record<string, QueryValue> | undefined): URLSearchParams {
  // Arrays go out as repeated keys (OpenAPI form+explode, the default for id lists and
  // entity_statuses); parameters declared `explode: false` are passed pre-joined by the caller.
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) sp.append(k, x);
    else sp.append(k, String(v));
  }
  return sp;
}

function tokenResponse(body: string): TokenResponse {
  const parsed = JSON.parse(body) as Partial<TokenResponse> | null;
  if (!parsed || typeof parsed.access_token !== 'string' || parsed.access_token === '') throw new Error('invalid token response');
  return parsed as TokenResponse;
}

const BUSINESS_ACCESS_CATEGORIES = new Set<RateCategory>(['org_read', 'org_analytics', 'catalogs_read']);

class Client implements PinterestClient {
  private readonly base: string;
  private readonly k: Knobs;
  private readonly tokens: TokenSource;
  private readonly ctx: SendContext;
  private readonly counters: ClientStats = {
    requests: 0,
    retries: 0,
    rateLimitWaits: 0,
    rateLimitWaitMs: 0,
    tokenRefreshes: 0,
    byStream: {},
    byOperation: {},
  };

  constructor(
    private readonly config: PinterestConfig,
    private readonly opts: ClientOptions,
  ) {
    this.base = config.advanced.api_base_url;
    this.k = knobsFrom(config);
    this.tokens = new TokenSource(
      config.credentials,
      (rt, signal) => this.refreshAccessToken(rt, signal),
      async (update, rotated) => {
        if (rotated) await opts.onRefreshToken?.(update.refresh_token);
        await opts.onCredentials?.(update);
      },
    );
    this.ctx = { knobs: this.k, log: opts.log, stats: this.counters, limits: { scope: this.base, budgets: this.k.budgets }, auth: this.tokens };
  }

  stats(): ClientStats {
    return structuredClone(this.counters);
  }

  get pageSize(): number {
    return this.k.pageSize;
  }

  /**
   * Business Access: with `business_account_id` set, every organic and catalog request (the
   * categories whose operations take `ad_account_id`) acts as the owner of that ad account.
   */
  private businessAccess(req: ApiRequest): ApiRequest['query'] {
    const id = this.config.business_account_id;
    if (!id || !BUSINESS_ACCESS_CATEGORIES.has(req.category)) return req.query;
    return { ...req.query, ad_account_id: id };
  }

  /** `parse` replaces JSON.parse of a 2xx body (e.g. to split a large array lazily); throwing retries. */
  async request<T = unknown>(req: ApiRequest, signal?: AbortSignal, parse: (body: string) => T = JSON.parse): Promise<T> {
    const method = req.method ?? 'GET';
    const p = req.exactIds && parse === JSON.parse ? (b: string) => parseExactIds<T>(b) : parse;
    return send(this.ctx, this.outgoing(req, method), signal, 'text', p);
  }

  private outgoing(req: ApiRequest, method: 'GET' | 'POST'): Outgoing {
    return {
      kind: 'api',
      method,
      url: `${this.base}${req.path}`,
      path: req.path,
      searchParams: searchParamsOf(this.businessAccess(req)),
      ...(req.body !== undefined ? { json: req.body } : {}),
      category: req.category,
      stream: req.stream,
      operation: operationOf(method, req.path),
      skippable: req.skippable,
      resumedBookmark: req.resumedBookmark,
    };
  }

  /**
   * The elements of a JSON array answer (sync analytics rows), parsed from the body as it arrives:
   * no body is held whole. A body cut off or garbled mid-way is requested again, and the elements
   * already yielded are skipped, so each element is yielded once.
   */
  async *streamArray<T = unknown>(req: ApiRequest, signal?: AbortSignal): AsyncIterable<T> {
    const method = req.method ?? 'GET';
    let yielded = 0;
    for (let attempt = 0; ; attempt++) {
      const body = await send(this.ctx, this.outgoing(req, method), signal, 'stream');
      let index = 0;
      try {
        for await (const row of streamArrayElements<T>(body as AsyncIterable<Buffer>, { path: 'root', exactIds: req.exactIds ?? false })) {
          if (index++ < yielded) continue;
          yielded++;
          yield row;
        }
        return;
      } catch (err) {
        body.destroy();
        if (signal?.aborted) throw abortError(signal);
        const cutOff = err instanceof JsonBodyError || isTransientNetworkError(err);
        if (!cutOff || attempt >= this.k.maxRetries) throw err;
        this.counters.retries++;
        const ms = backoffMs(attempt, this.k.retryBaseMs);
        this.opts.log?.debug({ attempt: attempt + 1, waitMs: ms, rows: yielded, reason: (err as Error).message }, `body cut off; requesting ${method} ${req.path} again`);
        await sleep(ms, signal);
      }
    }
  }

  async *paginate<T = unknown>(req: ApiRequest, startBookmark?: string | null, signal?: AbortSignal): AsyncIterable<Page<T>> {
    let bookmark = startBookmark ?? null;
    const seen = new Set<string>();
    for (let first = true; ; first = false) {
      const query = { ...req.query, page_size: this.k.pageSize, bookmark: bookmark ?? undefined };
      // Only the checkpointed bookmark a listing resumes from can be "refused as resumed".
      const resumedBookmark = first && bookmark !== null;
      const skippable = resumedBookmark ? req.skippable : req.skippable?.filter((k) => k !== 'bookmark_refused');
      const res = await this.request<{ items?: T[]; bookmark?: string | null }>({ ...req, query, resumedBookmark, ...(skippable ? { skippable } : {}) }, signal);
      const items = Array.isArray(res?.items) ? res.items : [];
      let next = typeof res?.bookmark === 'string' && res.bookmark !== '' ? res.bookmark : null;
      if (next !== null) {
        // A bookmark that comes back twice would loop forever.
        if (seen.has(next)) {
          this.opts.log?.warn({ path: req.path, stream: req.stream }, 'Pinterest repeated a pagination bookmark; ending this listing');
          next = null;
        } else seen.add(next);
      }
      yield { items, bookmark: next };
      if (next === null) return;
      bookmark = next;
    }
  }

  /** GET of a pre-signed URL: no Authorization header, no client-side pacing; the query (signature) is never shown. */
  async download(url: string, signal?: AbortSignal, opts: { stream?: string } = {}): Promise<Readable> {
    return send(
      this.ctx,
      { kind: 'download', method: 'GET', url, path: url.split('?')[0], stream: opts.stream, operation: 'GET (report download)' },
      signal,
      'stream',
    );
  }

  /** POST {base}/oauth/token with Basic client auth, through the same request path; never logged. */
  private async refreshAccessToken(refreshToken: string, signal?: AbortSignal): Promise<TokenResponse> {
    const creds = this.config.credentials;
    if (creds.auth_method !== 'oauth2.0') throw new Error('no OAuth credentials');
    const basic = Buffer.from(`${creds.client_id}:${creds.client_secret}`).toString('base64');
    const res = await send(
      this.ctx,
      {
        kind: 'token',
        method: 'POST',
        url: `${this.base}/oauth/token`,
        path: '/oauth/token',
        // continuous_refresh: apps created before 2025-09-25 must ask for the continuous (60-day,
        // renewable) refresh token; newer apps get it anyway.
        form: { grant_type: 'refresh_token', refresh_token: refreshToken, continuous_refresh: 'true' },
        headers: { authorization: `Basic ${basic}` },
        category: 'org_read',
        operation: 'POST /oauth/token',
        countStream: '(oauth)',
      },
      signal,
      'text',
      tokenResponse,
    );
    this.counters.tokenRefreshes++;
    return res;
  }
}

/** The Pinterest client for one process/session: auth, rate limits, retries, pagination. */
export function createClient(config: PinterestConfig, opts: ClientOptions = {}): PinterestClient & { stats(): ClientStats } {
  return new Client(config, opts);
}
