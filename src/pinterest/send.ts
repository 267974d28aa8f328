import got, { type Response } from 'got';
import { setMaxListeners } from 'node:events';
import type { Readable } from 'node:stream';
import { StopSession, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Rejection } from './auth.js';
import type { ClientStats, RateCategory } from './client-types.js';
import { blockCategory, categoryBlockedForMs, limiterFor, type RateBudgets } from './rate-limits.js';
import { decide, RETRY_AFTER_IN_MESSAGE, type Outcome, type PolicyRule, type RefusalKind, type RequestKind } from './request-policy.js';
import { abortError, backoffMs, isTransientNetworkError, sleep } from './retry.js';

// The one request path: every HTTP request the connector makes goes through `send()`, which asks
// the policy table (request-policy.ts) what each answer means and acts on it.

/** A Pinterest answer the connector cannot retry its way out of. */
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

/**
 * A refusal the request opted into skipping (`ApiRequest.skippable`): the caller skips its unit
 * (a parent, a filter, a bookmark…) with a warning. Still a PinterestApiError when not caught.
 */
export class Refused extends PinterestApiError {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    status: number,
    code: number | undefined,
    apiMessage: string | undefined,
    method: string,
    path: string,
    stream: string | undefined,
    /** What the table says about it, for the caller's warning. */
    readonly hint: string,
  ) {
    super(message, status, code, apiMessage, method, path, stream);
    this.name = 'Refused';
  }
}

export interface SendKnobs {
  maxRetries: number;
  retryBaseMs: number;
  maxRateLimitWaitMs: number;
  timeoutMs: number;
}

/** The Bearer-token side of a data call (TokenSource). */
export interface BearerAuth {
  token(signal?: AbortSignal): Promise<string>;
  accepted(token: string | undefined): void;
  rejected(token: string, r: Rejection, signal?: AbortSignal): Promise<void>;
}

export interface SendContext {
  knobs: SendKnobs;
  log?: Logger;
  /** Request accounting, updated in place (every attempt counts). */
  stats?: ClientStats;
  /** Client-side pacing: whose budget (the API base URL) and the budgets. */
  limits?: { scope: string; budgets: RateBudgets };
  auth?: BearerAuth;
}

export interface Outgoing {
  kind: RequestKind;
  method: 'GET' | 'POST';
  url: string;
  /** For messages and logs: the path without query string (never a signature or a secret). */
  path: string;
  searchParams?: URLSearchParams;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /** Pinterest rate-limit category: paced by the client's limiter, paused by a 429. */
  category?: RateCategory;
  stream?: string;
  /** Accounting: `byOperation` key and `byStream` key (defaults: none counted / stream). */
  operation?: string;
  countStream?: string;
  skippable?: readonly RefusalKind[];
  resumedBookmark?: boolean;
}

interface ErrorBody {
  code?: number;
  message?: string;
}

export function errorBody(text: string | undefined): ErrorBody {
  if (!text) return {};
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

export function describeAnswer(status: number, body: ErrorBody): string {
  const parts = [`HTTP ${status}`];
  if (body.code !== undefined) parts.push(`code ${body.code}`);
  return body.message ? `${parts.join(', ')}: ${body.message.replace(/\.+$/, '')}` : parts.join(', ');
}

function networkKind(err: unknown): Outcome['network'] {
  if ((err as { code?: string }).code === 'ENOTFOUND') return 'unresolvable';
  return isTransientNetworkError(err) ? 'transient' : 'other';
}

// Every request in flight listens on the pass's abort signal; dozens at once are expected.
const raised = new WeakSet<AbortSignal>();

function count(ctx: SendContext, out: Outgoing): void {
  const s = ctx.stats;
  if (!s || !out.operation) return;
  s.requests++;
  s.byOperation[out.operation] = (s.byOperation[out.operation] ?? 0) + 1;
  const k = out.countStream ?? out.stream ?? '(none)';
  s.byStream[k] = (s.byStream[k] ?? 0) + 1;
}

type Attempt = { res: Response<string>; stream?: undefined } | { res: Response; stream: Readable } | { err: unknown };

async function attempt(ctx: SendContext, out: Outgoing, token: string | undefined, asStream: boolean, signal?: AbortSignal): Promise<Attempt> {
  const headers: Record<string, string> = { ...(asStream ? {} : { accept: 'application/json' }), ...out.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  const go = async (): Promise<Attempt> => {
    if (signal?.aborted) throw abortError(signal);
    count(ctx, out);
    const options = {
      method: out.method,
      headers,
      ...(out.searchParams && [...out.searchParams.keys()].length ? { searchParams: out.searchParams } : {}),
      ...(out.json !== undefined ? { json: out.json } : {}),
      ...(out.form !== undefined ? { form: out.form } : {}),
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: ctx.knobs.timeoutMs },
      signal,
    };
    try {
      if (!asStream) return { res: await got(out.url, { ...options, responseType: 'text' }) };
      const stream = got.stream(out.url, options);
      try {
        const res = await new Promise<Response>((resolve, reject) => {
          stream.once('response', resolve);
          stream.once('error', reject);
        });
        return { res, stream };
      } catch (err) {
        stream.destroy();
        return { err };
      }
    } catch (err) {
      return { err };
    }
  };
  if (!out.category || !ctx.limits) return go();
  const blocked = categoryBlockedForMs(ctx.limits.scope, out.category);
  if (blocked > 0) await sleep(blocked, signal);
  return limiterFor(ctx.limits.scope, out.category, ctx.limits.budgets).schedule(go);
}

/** The text of a small (error) body, at most 64 KiB; the rest is discarded. */
async function readSmall(stream: Readable): Promise<string> {
  let text = '';
  try {
    for await (const chunk of stream) {
      text += String(chunk);
      if (text.length > 65_536) break;
    }
  } catch {
    /* a cut-off error body: what arrived is enough */
  } finally {
    stream.destroy();
  }
  return text;
}

function where(out: Outgoing): string {
  return `${out.method} ${out.path}${out.stream ? ` (stream ${out.stream})` : ''}`;
}

function failure(out: Outgoing, rule: PolicyRule, status: number, body: ErrorBody): Error {
  const w = where(out);
  const answer = describeAnswer(status, body);
  switch (out.kind) {
    case 'token': {
      const field = rule.field ?? 'credentials';
      const fields = { field, status, ...(body.code !== undefined ? { code: body.code } : {}) };
      if (field === 'credentials.refresh_token') {
        return new UserError(`Pinterest rejected the OAuth refresh token (credentials.refresh_token): ${rule.hint.replace(/\.$/, '')} (${answer}).`, fields);
      }
      if (field.startsWith('credentials.client')) {
        return new UserError(`Pinterest rejected the OAuth client (credentials.client_id / credentials.client_secret) when refreshing the access token (${answer}). ${rule.hint}`, fields);
      }
      return new UserError(`Pinterest refused ${w} (${answer}). ${rule.hint}`, fields);
    }
    case 'download':
      return new UserError(`Downloading a Pinterest report failed: ${w}: HTTP ${status}. ${rule.hint}`, { status, ...(out.stream ? { stream: out.stream } : {}) });
    case 'publish':
      return new Error(`${w}: ${answer}`);
    default:
      return new PinterestApiError(`Pinterest refused ${w}: ${answer}. ${rule.hint}`, status, body.code, body.message, out.method, out.path, out.stream);
  }
}

export function send(ctx: SendContext, out: Outgoing, signal: AbortSignal | undefined, mode: 'stream'): Promise<Readable>;
export function send<T>(ctx: SendContext, out: Outgoing, signal: AbortSignal | undefined, mode: 'text', parse: (body: string) => T): Promise<T>;
/**
 * Sends `out` until the policy table says it is done: a 2xx answer (parsed by `parse`, whose
 * throwing counts as a garbled body; 204/empty → undefined), or a thrown Refused, UserError,
 * PinterestApiError or StopSession.
 */
export async function send<T>(ctx: SendContext, out: Outgoing, signal: AbortSignal | undefined, mode: 'text' | 'stream', parse?: (body: string) => T): Promise<T | Readable> {
  if (signal && !raised.has(signal)) {
    setMaxListeners(0, signal);
    raised.add(signal);
  }
  const w = where(out);
  let transient = 0;
  let limited = 0;
  let waitedMs = 0;
  for (;;) {
    if (signal?.aborted) throw abortError(signal);
    const token = out.kind === 'api' && ctx.auth ? await ctx.auth.token(signal) : undefined;
    const a = await attempt(ctx, out, token, mode === 'stream', signal);
    let outcome: Outcome;
    let body: ErrorBody = {};
    let res: Response | undefined;
    if ('err' in a) {
      if (signal?.aborted) throw abortError(signal);
      outcome = { kind: out.kind, network: networkKind(a.err) };
    } else {
      res = a.res;
      const status = a.res.statusCode;
      if (status >= 200 && status < 300) {
        ctx.auth?.accepted(token);
        if (a.stream) return a.stream;
        const text = (a.res).body;
        if (status === 204 || text === '') return undefined as T;
        try {
          return parse!(text);
        } catch {
          outcome = { kind: out.kind, status, badBody: true };
        }
      } else {
        // An error body is small: read it whole (streamed requests too) so the table sees its code.
        body = errorBody(a.stream ? await readSmall(a.stream) : (a.res).body);
        outcome = { kind: out.kind, status, code: body.code, message: body.message, skippable: out.skippable, resumedBookmark: out.resumedBookmark };
      }
    }
    const rule = decide(outcome);
    if (res && rule.action !== 'refresh') ctx.auth?.accepted(token);
    const status = outcome.status ?? 0;
    const reason = outcome.network ? ((a as { err: Error }).err.message ?? 'network error') : outcome.badBody ? `invalid body (${rule.name})` : describeAnswer(status, body);
    switch (rule.action) {
      case 'retry': {
        if (transient >= ctx.knobs.maxRetries) throw new Error(`${w} failed after ${transient + 1} attempts: ${reason}`);
        if (ctx.stats) ctx.stats.retries++;
        const ms = backoffMs(transient++, ctx.knobs.retryBaseMs);
        ctx.log?.debug({ attempt: transient, waitMs: ms, reason, rule: rule.name }, `retrying ${w}`);
        await sleep(ms, signal);
        continue;
      }
      case 'rate_limit': {
        const ms = (res && requestedWaitMs(res, body)) ?? backoffMs(limited, ctx.knobs.retryBaseMs, 60_000);
        limited++;
        const category = out.category ?? (out.kind === 'download' ? 'report download' : out.kind === 'token' ? 'oauth' : out.kind);
        // Bounded twice: one wait longer than the setting, or answers that keep asking for waits.
        if (ms > ctx.knobs.maxRateLimitWaitMs || waitedMs + ms > 3 * ctx.knobs.maxRateLimitWaitMs) {
          throw new StopSession(
            ms > ctx.knobs.maxRateLimitWaitMs
              ? `Pinterest's ${category} rate limit asks to wait ${Math.ceil(ms / 1000)} s on ${w}, longer than advanced.max_rate_limit_wait_seconds (${Math.round(ctx.knobs.maxRateLimitWaitMs / 1000)} s); stopping at the last checkpoint, the next session resumes there`
              : `Pinterest's ${category} rate limit kept refusing ${w} for ${Math.ceil(waitedMs / 1000)} s; stopping at the last checkpoint, the next session resumes there`,
            { category, waitSeconds: Math.ceil(ms / 1000), ...(out.stream ? { stream: out.stream } : {}) },
          );
        }
        waitedMs += ms;
        if (out.category && ctx.limits) blockCategory(ctx.limits.scope, out.category, Date.now() + ms);
        if (ctx.stats) {
          ctx.stats.rateLimitWaits++;
          ctx.stats.rateLimitWaitMs += ms;
        }
        if (ms >= 1000) {
          ctx.log?.info(
            { eventType: 'connectorStatus', category, waitSeconds: Math.round(ms / 100) / 10, ...(out.stream ? { stream: out.stream } : {}) },
            `Waiting ${Math.ceil(ms / 1000)} s for Pinterest's ${category} rate limit${out.stream ? ` (stream ${out.stream})` : ''}`,
          );
        }
        await sleep(ms, signal);
        continue;
      }
      case 'refresh': {
        if (!ctx.auth || token === undefined) throw failure(out, { ...rule, action: 'fail' }, status, body);
        await ctx.auth.rejected(token, { where: w, answer: describeAnswer(status, body) }, signal);
        continue;
      }
      case 'skip':
        throw new Refused(rule.refusal!, `Pinterest refused ${w}: ${describeAnswer(status, body)}. ${rule.hint}`, status, body.code, body.message, out.method, out.path, out.stream, rule.hint);
      case 'fail':
        if (outcome.network === 'unresolvable' && rule.field === 'advanced.api_base_url') {
          throw new UserError(`advanced.api_base_url: the host ${new URL(out.url).hostname} cannot be resolved`, { field: rule.field });
        }
        if (outcome.network) throw (a as { err: unknown }).err;
        throw failure(out, rule, status, body);
    }
  }
}
