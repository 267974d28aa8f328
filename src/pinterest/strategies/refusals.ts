import { Refused, type RefusalKind } from '../client.js';

// The answers strategies skip or work around instead of failing. What an answer means is decided
// in one place, the request policy table (request-policy.ts): a request opts into the refusal kinds
// it handles (`skippable`), and the client then throws `Refused` with that kind.

export const refusal = (err: unknown, kind: RefusalKind): boolean => err instanceof Refused && err.kind === kind;

/** The parent was deleted between listing it and reading its children. */
export const isGone = (err: unknown): boolean => refusal(err, 'gone');
/** A beta filter (keywords `ad_group_ids`) the app may not use. */
export const isFilterRefused = (err: unknown): boolean => refusal(err, 'filter_refused');
/** A saved bookmark Pinterest no longer accepts. */
export const isBookmarkRefused = (err: unknown): boolean => refusal(err, 'bookmark_refused');
/** "Can't access this feature without an existing catalog". */
export const isNoCatalog = (err: unknown): boolean => refusal(err, 'no_catalog');
/** 401 code 7 "Not authorized to access board or Pin": a permission, not an expired token. */
export const isNotAuthorized = (err: unknown): boolean => refusal(err, 'not_authorized');
/** Pinterest pages no listing past its cap ("Pagination beyond 100.000 pins are not allowed"). */
export const isPaginationCap = (err: unknown): boolean => refusal(err, 'pagination_cap');
/** 403 code 29: the token's role on a shared ad account can't read this. */
export const isRoleRefused = (err: unknown): boolean => refusal(err, 'role');
/** 414: the request URL is longer than Pinterest's front ends take. */
export const isUrlTooLong = (err: unknown): boolean => refusal(err, 'url_too_long');
/** Any other refusal of a beta endpoint (GET /pins/analytics). */
export const isEndpointRefused = (err: unknown): boolean => refusal(err, 'endpoint_refused');
