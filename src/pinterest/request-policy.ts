// What the connector does with every answer (or non-answer) to an HTTP request: the one table to
// change. `send()` (src/pinterest/send.ts) classifies each attempt with `decide()` and acts on the
// first matching row, for Pinterest API calls, report downloads, the OAuth token exchange and the
// configUpdate publication alike.

/** Which kind of request an attempt belongs to. */
export type RequestKind =
  | 'api' // a Pinterest API call with a Bearer token
  | 'download' // a report file at a pre-signed URL (no Authorization header)
  | 'token' // POST /oauth/token with Basic client auth
  | 'publish'; // POST to the config-encryption service (configUpdate)

/**
 * Answers a caller may opt into skipping (`ApiRequest.skippable`): the client throws `Refused`
 * carrying the kind and the caller skips its unit with a warning. Not opted in → `fail`.
 */
export type RefusalKind =
  | 'gone' // 404: the parent (board, ad account, catalog…) was deleted
  | 'no_catalog' // 409 on catalogs endpoints: the user has no catalog
  | 'role' // 403 code 29: the token's role on a shared ad account cannot read analytics/reports
  | 'not_authorized' // 401 code 7: a board or pin the user may not read
  | 'filter_refused' // 400/403 on a beta filter (e.g. keywords `ad_group_ids`)
  | 'bookmark_refused' // 400 on a bookmark resumed from a checkpoint
  | 'url_too_long' // 414
  | 'pagination_cap' // 400 "Pagination beyond 100.000 pins are not allowed": a listing Pinterest stops paging
  | 'endpoint_refused'; // any other 4xx on a beta endpoint (e.g. /pins/analytics)

export const REFUSAL_KINDS: readonly RefusalKind[] = ['gone', 'no_catalog', 'role', 'not_authorized', 'filter_refused', 'bookmark_refused', 'url_too_long', 'pagination_cap', 'endpoint_refused'];

export type PolicyAction =
  | 'retry' // transient: back off and try again, counted, at most advanced.max_retries times
  | 'rate_limit' // wait as long as Pinterest asks, then again (too long → StopSession)
  | 'refresh' // renew the access token, then again (once per access token)
  | 'skip' // throw Refused: the caller skips its unit with a warning (only when opted in)
  | 'fail'; // throw a UserError / PinterestApiError naming the stream, the request and the answer

/** One attempt's outcome, as the table sees it. */
export interface Outcome {
  kind: RequestKind;
  /** HTTP status; undefined when no answer came (network failure). */
  status?: number;
  /** Pinterest's error `code`. */
  code?: number;
  /** Pinterest's error `message` (or OAuth `error_description` / `error`). */
  message?: string;
  /** The request carried a `bookmark` resumed from a checkpoint. */
  resumedBookmark?: boolean;
  /** Refusal kinds the request opted into. */
  skippable?: readonly RefusalKind[];
  /** No HTTP answer: 'transient' (reset, timeout…), 'unresolvable' (DNS) or 'other'. */
  network?: 'transient' | 'unresolvable' | 'other';
  /** A 2xx answer whose body was cut off or not what the request expects. */
  badBody?: boolean;
}

export interface PolicyRule {
  /** Short name, for tests and logs. */
  name: string;
  /** HTTP status(es) this row matches; a 3-char string like '5xx' or '4xx' matches a class. */
  status?: number | readonly number[] | '4xx' | '5xx';
  /** Pinterest error code(s); 'none' matches an answer without a code. */
  code?: number | 'none' | readonly (number | 'none')[];
  /** Request kinds it applies to (all when absent). */
  kinds?: readonly RequestKind[];
  /** Extra condition, described in `name`/`hint`. */
  when?: (o: Outcome) => boolean;
  action: PolicyAction;
  /** For `skip` rows: the refusal kind the request must have opted into (else the row does not match). */
  refusal?: RefusalKind;
  /** The config field the user should look at (named in fail messages). */
  field?: string;
  /** What to do about it, appended to fail/skip messages. */
  hint: string;
}

/** "Retry after N seconds" in a message (Pinterest's analytics rate limits say so in words). */
export const RETRY_AFTER_IN_MESSAGE = /retry after (\d+(?:\.\d+)?) seconds?/i;

const onBeta = 'This endpoint is in beta or not enabled for this app; the unit is skipped.';

export const POLICY: readonly PolicyRule[] = [
  // ── No HTTP answer ────────────────────────────────────────────────────────────────────────────
  { name: 'network: transient', when: (o) => o.network === 'transient', action: 'retry', hint: 'connection reset, refused or timed out; retried' },
  { name: 'network: unresolvable host', kinds: ['api', 'token'], when: (o) => o.network === 'unresolvable', action: 'fail', field: 'advanced.api_base_url', hint: 'Check advanced.api_base_url.' },
  { name: 'network: other', when: (o) => o.network !== undefined, action: 'fail', hint: 'The request could not be sent.' },
  { name: '2xx: truncated or garbled body', when: (o) => o.badBody === true, action: 'retry', hint: 'a cut-off or garbled body; the same request again' },

  // ── Rate limits (every Pinterest request) ─────────────────────────────────────────────────────
  { name: '429 rate limit', kinds: ['api', 'token', 'download'], status: 429, action: 'rate_limit', hint: 'waiting as Pinterest asks' },
  { name: 'code 8 / 2726 rate limit', kinds: ['api', 'token'], code: [8, 2726], action: 'rate_limit', hint: 'waiting as Pinterest asks' },
  // Code 30 is also "user not found" (404); elsewhere it is a rate limit.
  { name: 'code 30 rate limit', kinds: ['api', 'token'], code: 30, when: (o) => o.status !== 404, action: 'rate_limit', hint: 'waiting as Pinterest asks' },
  { name: '400 "retry after N seconds"', kinds: ['api', 'token'], status: 400, when: (o) => RETRY_AFTER_IN_MESSAGE.test(o.message ?? ''), action: 'rate_limit', hint: 'waiting as Pinterest asks' },

  // ── Transient answers ─────────────────────────────────────────────────────────────────────────
  { name: '400 code 12 (something went wrong)', kinds: ['api', 'token'], status: 400, code: 12, action: 'retry', hint: "Pinterest's own transient error; retried" },
  { name: '408 request timeout', status: 408, action: 'retry', hint: 'retried' },
  { name: '429 (not Pinterest)', kinds: ['publish'], status: 429, action: 'retry', hint: 'retried' },
  { name: '5xx', status: '5xx', action: 'retry', hint: 'retried' },

  // ── OAuth token endpoint ──────────────────────────────────────────────────────────────────────
  { name: 'token: 401 client authentication', kinds: ['token'], status: 401, action: 'fail', field: 'credentials.client_id / credentials.client_secret', hint: "Check the Pinterest app's client id and secret." },
  {
    name: 'token: refused client',
    kinds: ['token'],
    status: [400, 403],
    when: (o) => /client/i.test(o.message ?? '') && !/refresh|token/i.test(o.message ?? ''),
    action: 'fail',
    field: 'credentials.client_id / credentials.client_secret',
    hint: "Check the Pinterest app's client id and secret.",
  },
  {
    name: 'token: legacy refresh refused',
    kinds: ['token'],
    status: 400,
    when: (o) => /continuous_refresh|legacy refresh/i.test(o.message ?? ''),
    action: 'fail',
    field: 'credentials.refresh_token',
    hint: 'it is a legacy (365-day) refresh token, which Pinterest no longer accepts; re-authenticate the capture to get a continuous refresh token.',
  },
  {
    name: 'token: refused grant (invalid_grant)',
    kinds: ['token'],
    status: [400, 403],
    action: 'fail',
    field: 'credentials.refresh_token',
    hint: 'it is revoked, expired or was already used; re-authenticate the capture to get a new one.',
  },

  // ── 401 taxonomy (data calls) ─────────────────────────────────────────────────────────────────
  {
    name: '401 code 7 not authorized (opted in)',
    kinds: ['api'],
    status: 401,
    code: 7,
    refusal: 'not_authorized',
    action: 'skip',
    hint: 'The user may not read this board or Pin (e.g. a group board); it is skipped.',
  },
  {
    name: '401 code 7 not authorized',
    kinds: ['api'],
    status: 401,
    code: 7,
    action: 'fail',
    hint: 'The authorizing user may not read this board or Pin. Authorize with a user who can, or disable the stream.',
  },
  {
    name: '401 code 3 missing scope',
    kinds: ['api'],
    status: 401,
    code: 3,
    action: 'fail',
    field: 'credentials',
    hint: 'The token lacks a scope this stream needs; re-authorize with the required scopes.',
  },
  { name: '401 code 2 / no code: invalid token', kinds: ['api'], status: 401, code: [2, 'none'], action: 'refresh', hint: 'the access token expired or is invalid; renewing it' },
  { name: '401 other code', kinds: ['api'], status: 401, action: 'fail', field: 'credentials', hint: 'Pinterest refused the credentials; re-authenticate the capture.' },

  // ── Refusals a caller may skip (only when it opted in) ────────────────────────────────────────
  { name: '403 code 29 role (opted in)', kinds: ['api'], status: 403, code: 29, refusal: 'role', action: 'skip', hint: "The token's role on this shared ad account cannot read analytics or reports; the account is skipped." },
  { name: '404 gone (opted in)', kinds: ['api'], status: 404, refusal: 'gone', action: 'skip', hint: 'The parent was deleted since it was listed; it is skipped.' },
  { name: '409 no catalog (opted in)', kinds: ['api'], status: 409, refusal: 'no_catalog', action: 'skip', hint: 'The user has no catalog; nothing to capture.' },
  { name: '414 URL too long (opted in)', kinds: ['api'], status: 414, refusal: 'url_too_long', action: 'skip', hint: 'The request URL is too long; the caller splits it.' },
  {
    name: '400 pagination cap (opted in)',
    kinds: ['api'],
    status: 400,
    when: (o) => /pagination beyond/i.test(o.message ?? ''),
    refusal: 'pagination_cap',
    action: 'skip',
    hint: 'Pinterest pages no listing past its cap (100,000 pins a board); what was read is kept.',
  },
  { name: '400 resumed bookmark (opted in)', kinds: ['api'], status: 400, when: (o) => o.resumedBookmark === true, refusal: 'bookmark_refused', action: 'skip', hint: 'Pinterest no longer accepts the checkpointed bookmark; the listing restarts.' },
  { name: '400/403 beta filter (opted in)', kinds: ['api'], status: [400, 403], refusal: 'filter_refused', action: 'skip', hint: 'Pinterest refused the filter; the caller falls back.' },
  { name: '4xx beta endpoint (opted in)', kinds: ['api'], status: '4xx', refusal: 'endpoint_refused', action: 'skip', hint: onBeta },

  // ── Everything else fails, naming the request ─────────────────────────────────────────────────
  { name: '403 code 29 role', kinds: ['api'], status: 403, code: 29, action: 'fail', hint: "The token's role on this ad account cannot read it; ask for an Admin, Analyst or Campaign Manager role, or leave the account out of account_ids." },
  { name: '403 forbidden', kinds: ['api'], status: 403, action: 'fail', hint: 'Pinterest refused access; check the scopes and roles of the authorizing user.' },
  { name: '404 not found', kinds: ['api'], status: 404, action: 'fail', hint: 'Check that the account or ids configured still exist.' },
  { name: 'download refused', kinds: ['download'], status: '4xx', action: 'fail', hint: 'The pre-signed report URL expired or was refused; the next session requests the report again.' },
  { name: 'publish refused', kinds: ['publish'], status: '4xx', action: 'fail', hint: 'The config-encryption service refused the config.' },
  { name: '4xx', status: '4xx', action: 'fail', hint: 'Pinterest refused the request.' },
  { name: 'anything else', action: 'fail', hint: 'An unexpected answer.' },
];

function statusMatches(want: PolicyRule['status'], got: number | undefined): boolean {
  if (want === undefined) return true;
  if (got === undefined) return false;
  if (want === '4xx') return got >= 400 && got < 500;
  if (want === '5xx') return got >= 500 && got < 600;
  return typeof want === 'number' ? want === got : want.includes(got);
}

function codeMatches(want: PolicyRule['code'], got: number | undefined): boolean {
  if (want === undefined) return true;
  const list = (Array.isArray(want) ? want : [want]) as Array<number | 'none'>;
  return list.some((w) => (w === 'none' ? got === undefined : w === got));
}

/** The first row of `table` that matches the outcome (the table ends with a catch-all). */
export function decide(o: Outcome, table: readonly PolicyRule[] = POLICY): PolicyRule {
  for (const r of table) {
    if (r.kinds && !r.kinds.includes(o.kind)) continue;
    if (r.status !== undefined && !statusMatches(r.status, o.status)) continue;
    if (r.code !== undefined && !codeMatches(r.code, o.code)) continue;
    if (r.when && !r.when(o)) continue;
    if (r.refusal && !(o.skippable ?? []).includes(r.refusal)) continue;
    return r;
  }
  return POLICY[POLICY.length - 1];
}
