import got, { type Response } from 'got';
import { setMaxListeners } from 'node:events';
import type { Readable } from 'node:stream';
import { StopSession, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { TokenSource, type TokenResponse } from './auth.js';
import type { ApiRequest, ClientStats, Page, PinterestClient, QueryValue, RateCategory } from './client-types.js';
import type { PinterestConfig } from './config.js';
import { blockCategory, budgetsFrom, categoryBlockedForMs, limiterFor, type RateBudgets } from './rate-limits.js';
import { parseExactIds } from './exact-ids.js';
import { abortError, backoffMs, isTransientNetworkError, sleep } from './retry.js';

export interface ClientOptions {
  log?: Logger;
  /** Called when Pinterest hands back a new refresh token (the old one no longer works). */
  onRefreshToken?: (token: string) => void | Promise<void>;
}

/** A Pinterest answer the connector cannot retry its way out of (4xx other than 401/429). */
export class PinterestApiError extends UserError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | undefined,
    readonly apiMessage: string | undefined,
    readonly method: string,
    readonly path: string,
    readonly stream: string | undefined,
  ) {
    super(message, { status, code, path, ...(stream ? { stream } : {}) });
    this.name = 'PinterestApiError';
  }
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

interface ErrorBody {
  code?: number;
  message?: string;
}

function errorBody(text: string): ErrorBody {
  try {
    const b = JSON.parse(text) as unknown;
    if (b && typeof b === 'object') {
      const o = b as Record<string, unknown>;
      return {
        code: typeof o.code === 'number' ? o.code : undefined,
        message: typeof o.message === 'string' ? o.message : typeof o.error_description === 'string' ? o.error_description : typeof o.error === 'string' ? o.error : undefined,
      };
    }
  } catch {
    /* not JSON */
  }
  return {};
}

const MAX_REAUTH = 5;

const RETRY_AFTER_IN_MESSAGE = /retry after (\d+(?:\.\d+)?) seconds?/i;

/** How long Pinterest asked us to wait, in ms, or undefined when it did not say. */
export function requestedWaitMs(res: Pick<Response, 'headers'>, body: ErrorBody, now = Date.now()): number | undefined {
  const reset = res.headers['x-ratelimit-reset'];
  if (typeof reset === 'string' && reset.trim() !== '' && Number.isFinite(Number(reset))) {
    const n = Number(reset);
    // Either seconds until the window resets or an epoch timestamp (seconds).
    return n > 1e9 ? Math.max(0, n * 1000 - now) : n * 1000;
  }
  const ra = res.headers['retry-after'];
  if (typeof ra === 'string' && ra.trim() !== '') {
    if (Number.isFinite(Number(ra))) return Number(ra) * 1000;
    const t = Date.parse(ra);
    if (!Number.isNaN(t)) return Math.max(0, t - now);
  }
  const m = body.message ? RETRY_AFTER_IN_MESSAGE.exec(body.message) : null;
  return m ? Number(m[1]) * 1000 : undefined;
}

function isRateLimited(status: number, body: ErrorBody): boolean {
  if (status === 429 || body.code === 8 || body.code === 2726) return true;
  return status === 400 && !!body.message && RETRY_AFTER_IN_MESSAGE.test(body.message);
}

function isTransientStatus(status: number, body: ErrorBody): boolean {
  return status >= 500 || status === 408 || (status === 400 && body.code === 12);
}

function describe(status: number, body: ErrorBody): string {
  const parts = [`HTTP ${status}`];
  if (body.code !== undefined) parts.push(`code ${body.code}`);
  return body.message ? `${parts.join(', ')}: ${body.message.replace(/\.+$/, '')}` : parts.join(', ');
}

class Client implements PinterestClient {
  private readonly base: string;
  private readonly k: Knobs;
  private readonly tokens: TokenSource;
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
    this.tokens = new TokenSource(config.credentials, (rt, signal) => this.refreshAccessToken(rt, signal), opts.onRefreshToken);
  }

  stats(): ClientStats {
    return structuredClone(this.counters);
  }

  get pageSize(): number {
    return this.k.pageSize;
  }

  private count(stream: string | undefined, op: string): void {
    this.counters.requests++;
    this.counters.byOperation[op] = (this.counters.byOperation[op] ?? 0) + 1;
    const s = stream ?? '(none)';
    this.counters.byStream[s] = (this.counters.byStream[s] ?? 0) + 1;
  }

  private where(method: string, path: string, stream?: string): string {
    return `${method} ${path}${stream ? ` (stream ${stream})` : ''}`;
  }

  /** Waits out a rate-limit answer (or throws StopSession when it would take too long). */
  private async rateLimitWait(category: RateCategory, waitMs: number | undefined, attempt: number, where: string, signal?: AbortSignal, stream?: string): Promise<void> {
    const ms = waitMs ?? backoffMs(attempt, this.k.retryBaseMs, 60_000);
    if (ms > this.k.maxRateLimitWaitMs) {
      throw new StopSession(
        `Pinterest's ${category} rate limit asks to wait ${Math.ceil(ms / 1000)} s on ${where}, longer than advanced.max_rate_limit_wait_seconds (${Math.round(this.k.maxRateLimitWaitMs / 1000)} s); stopping at the last checkpoint, the next session resumes there`,
        { category, waitSeconds: Math.ceil(ms / 1000), ...(stream ? { stream } : {}) },
      );
    }
    blockCategory(this.base, category, Date.now() + ms);
    this.counters.rateLimitWaits++;
    this.counters.rateLimitWaitMs += ms;
    if (ms >= 1000) {
      this.opts.log?.info(
        { eventType: 'connectorStatus', category, waitSeconds: Math.round(ms / 100) / 10, ...(stream ? { stream } : {}) },
        `Waiting ${Math.ceil(ms / 1000)} s for Pinterest's ${category} rate limit${stream ? ` (stream ${stream})` : ''}`,
      );
    }
    await sleep(ms, signal);
  }

  private async transientWait(attempt: number, where: string, reason: string, signal?: AbortSignal): Promise<void> {
    if (attempt >= this.k.maxRetries) {
      throw new Error(`${where} failed after ${attempt + 1} attempts: ${reason}`);
    }
    this.counters.retries++;
    const ms = backoffMs(attempt, this.k.retryBaseMs);
    this.opts.log?.debug({ attempt: attempt + 1, waitMs: ms, reason }, `retrying ${where}`);
    await sleep(ms, signal);
  }

  // Every request in flight listens on the pass's abort signal; dozens at once are expected.
  private readonly raised = new WeakSet<AbortSignal>();

  private async send(req: ApiRequest, token: string | undefined, signal?: AbortSignal): Promise<Response<string>> {
    if (signal && !this.raised.has(signal)) {
      setMaxListeners(0, signal);
      this.raised.add(signal);
    }
    const method = req.method ?? 'GET';
    const limiter = limiterFor(this.base, req.category, this.k.budgets);
    const blocked = categoryBlockedForMs(this.base, req.category);
    if (blocked > 0) await sleep(blocked, signal);
    return limiter.schedule(() => {
      if (signal?.aborted) throw abortError(signal);
      this.count(req.stream, operationOf(method, req.path));
      return got(`${this.base}${req.path}`, {
        method,
        searchParams: searchParamsOf(req.query),
        headers: token ? { authorization: `Bearer ${token}`, accept: 'application/json' } : { accept: 'application/json' },
        ...(req.body !== undefined ? { json: req.body } : {}),
        throwHttpErrors: false,
        retry: { limit: 0 },
        timeout: { request: this.k.timeoutMs },
        responseType: 'text',
        signal,
      });
    });
  }

  /** A request that got no HTTP answer: waits to retry a transient failure, throws anything else. */
  private async networkFailure(err: unknown, attempt: number, where: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortError(signal);
    if ((err as { code?: string }).code === 'ENOTFOUND') throw this.unresolvable();
    if (!isTransientNetworkError(err)) throw err;
    await this.transientWait(attempt, where, (err as Error).message, signal);
  }

  private unresolvable(): UserError {
    return new UserError(`advanced.api_base_url: the host ${new URL(this.base).hostname} cannot be resolved`, { field: 'advanced.api_base_url' });
  }

  /** `parse` replaces JSON.parse of a 2xx body (e.g. to split a large array lazily); throwing retries. */
  async request<T = unknown>(req: ApiRequest, signal?: AbortSignal, parse: (body: string) => T = JSON.parse): Promise<T> {
    const method = req.method ?? 'GET';
    const where = this.where(method, req.path, req.stream);
    let transient = 0;
    let limited = 0;
    // Access tokens this request saw rejected. A fresh token can expire too (short lifetimes, a
    // long request, a refresh racing it): renew for each new token, a few times at most.
    const rejected = new Set<string | undefined>();
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      const token = await this.tokens.token(signal);
      let res: Response<string>;
      try {
        res = await this.send(req, token, signal);
      } catch (err) {
        await this.networkFailure(err, transient++, where, signal);
        continue;
      }
      const status = res.statusCode;
      if (status >= 200 && status < 300) {
        if (status === 204 || res.body === '') return undefined as T;
        try {
          return (req.exactIds && parse === JSON.parse ? parseExactIds<T>(res.body) : parse(res.body)) as T;
        } catch {
          // A cut-off or garbled body: the same request again.
          await this.transientWait(transient++, where, `invalid JSON body (${res.body.length} bytes)`, signal);
          continue;
        }
      }
      const body = errorBody(res.body);
      if (status === 401 && body.code === 3) {
        // Authenticated, but the token lacks a scope this endpoint needs.
        throw new PinterestApiError(`Pinterest refused ${where}: ${describe(status, body)}. The token lacks a scope this stream needs; re-authorize with the required scopes.`, status, body.code, body.message, method, req.path, req.stream);
      }
      if (status === 401) {
        if (this.tokens.refreshable && !rejected.has(token) && rejected.size < MAX_REAUTH) {
          rejected.add(token);
          await this.tokens.renewAfterRejection(token, signal);
          continue;
        }
        const field = this.tokens.refreshable ? 'credentials.refresh_token' : 'credentials.access_token';
        throw new PinterestApiError(
          `Pinterest rejected the credentials (${field}) on ${where}: ${describe(status, body)}. Re-authenticate the capture.`,
          status, body.code, body.message, method, req.path, req.stream,
        );
      }
      if (isRateLimited(status, body)) {
        await this.rateLimitWait(req.category, requestedWaitMs(res, body), limited++, where, signal, req.stream);
        continue;
      }
      if (isTransientStatus(status, body)) {
        await this.transientWait(transient++, where, describe(status, body), signal);
        continue;
      }
      throw new PinterestApiError(`Pinterest refused ${where}: ${describe(status, body)}`, status, body.code, body.message, method, req.path, req.stream);
    }
  }

  async *paginate<T = unknown>(req: ApiRequest, startBookmark?: string | null, signal?: AbortSignal): AsyncIterable<Page<T>> {
    let bookmark = startBookmark ?? null;
    const seen = new Set<string>();
    for (;;) {
      const query = { ...req.query, page_size: this.k.pageSize, bookmark: bookmark ?? undefined };
      const res = await this.request<{ items?: T[]; bookmark?: string | null }>({ ...req, query }, signal);
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

  async download(url: string, signal?: AbortSignal): Promise<Readable> {
    const safe = url.split('?')[0];
    const where = `GET ${safe}`;
    for (let attempt = 0; ; ) {
      if (signal?.aborted) throw abortError(signal);
      this.count(undefined, 'GET (report download)');
      const stream = got.stream(url, { retry: { limit: 0 }, throwHttpErrors: false, timeout: { request: this.k.timeoutMs }, signal });
      try {
        const res = await new Promise<Response>((resolve, reject) => {
          stream.once('response', resolve);
          stream.once('error', reject);
        });
        if (res.statusCode >= 200 && res.statusCode < 300) return stream;
        stream.destroy();
        if (res.statusCode < 500) throw new UserError(`Downloading a Pinterest report failed: ${where}: HTTP ${res.statusCode}`);
        await this.transientWait(attempt++, where, `HTTP ${res.statusCode}`, signal);
      } catch (err) {
        stream.destroy();
        if (signal?.aborted) throw abortError(signal);
        if (!isTransientNetworkError(err)) throw err;
        await this.transientWait(attempt++, where, (err as Error).message, signal);
      }
    }
  }

  /** POST {base}/oauth/token with Basic client auth; retried like any request, never logged. */
  private async refreshAccessToken(refreshToken: string, signal?: AbortSignal): Promise<TokenResponse> {
    const creds = this.config.credentials;
    if (creds.auth_method !== 'oauth2.0') throw new Error('no OAuth credentials');
    const where = 'POST /oauth/token';
    const basic = Buffer.from(`${creds.client_id}:${creds.client_secret}`).toString('base64');
    const limiter = limiterFor(this.base, 'org_read', this.k.budgets);
    for (let transient = 0, limited = 0; ; ) {
      if (signal?.aborted) throw abortError(signal);
      let res: Response<string>;
      try {
        res = await limiter.schedule(() => {
          this.count('(oauth)', 'POST /oauth/token');
          return got.post(`${this.base}/oauth/token`, {
            form: { grant_type: 'refresh_token', refresh_token: refreshToken },
            headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
            throwHttpErrors: false,
            retry: { limit: 0 },
            timeout: { request: this.k.timeoutMs },
            responseType: 'text',
            signal,
          });
        });
      } catch (err) {
        await this.networkFailure(err, transient++, where, signal);
        continue;
      }
      const body = errorBody(res.body);
      if (res.statusCode >= 200 && res.statusCode < 300) {
        let parsed: Partial<TokenResponse> | undefined;
        try {
          parsed = JSON.parse(res.body) as Partial<TokenResponse>;
        } catch {
          parsed = undefined;
        }
        if (parsed && typeof parsed.access_token === 'string') {
          this.counters.tokenRefreshes++;
          return parsed as TokenResponse;
        }
        await this.transientWait(transient++, where, 'invalid token response', signal);
        continue;
      }
      if (isRateLimited(res.statusCode, body)) {
        await this.rateLimitWait('org_read', requestedWaitMs(res, body), limited++, where, signal);
        continue;
      }
      if (res.statusCode >= 500) {
        await this.transientWait(transient++, where, `HTTP ${res.statusCode}`, signal);
        continue;
      }
      // Basic auth failing (401) is the app's client id/secret; a refused grant (400) is the token.
      const clientProblem = res.statusCode === 401 || (/client/i.test(body.message ?? '') && !/refresh/i.test(body.message ?? ''));
      const field = clientProblem ? 'credentials.client_id / credentials.client_secret' : 'credentials.refresh_token';
      throw new UserError(
        clientProblem
          ? `Pinterest rejected the OAuth client (${field}) when refreshing the access token (HTTP ${res.statusCode}). Check the app's client id and secret.`
          : `Pinterest rejected the OAuth refresh token (${field}): it is revoked, expired or was already used (HTTP ${res.statusCode}${body.code !== undefined ? `, code ${body.code}` : ''}). Re-authenticate the capture to get a new one.`,
        { field, status: res.statusCode },
      );
    }
  }
}

/** The Pinterest client for one process/session: auth, rate limits, retries, pagination. */
export function createClient(config: PinterestConfig, opts: ClientOptions = {}): PinterestClient & { stats(): ClientStats } {
  return new Client(config, opts);
}
