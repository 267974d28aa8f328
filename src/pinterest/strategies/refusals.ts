import { PinterestApiError } from '../client.js';

// How strategies recognise the answers they skip or work around instead of failing. The client's
// request policy decides what an answer means; these only name the outcomes strategies handle.

/** The parent was deleted between listing it and reading its children. */
export const isGone = (err: unknown): boolean => err instanceof PinterestApiError && err.status === 404;

/** A beta filter (keywords `ad_group_ids`) the app may not use. */
export const isFilterRefused = (err: unknown): boolean => err instanceof PinterestApiError && (err.status === 400 || err.status === 403);

/** A saved bookmark Pinterest no longer accepts. */
export const isBookmarkRefused = (err: unknown): boolean => err instanceof PinterestApiError && err.status === 400;

/** "Can't access this feature without an existing catalog". */
export const isNoCatalog = (err: unknown): boolean => err instanceof PinterestApiError && err.status === 409;

/** 401 code 7 "Not authorized to access board or Pin": a permission, not an expired token. */
export const isNotAuthorized = (err: unknown): boolean => err instanceof PinterestApiError && err.status === 401 && err.code === 7;

/** Pinterest pages no listing past its cap ("Pagination beyond 100.000 pins are not allowed"). */
export const isPaginationCap = (err: unknown): boolean =>
  err instanceof PinterestApiError && err.status === 400 && /pagination beyond/i.test(err.apiMessage ?? err.message);

/** 403 code 29: the token's role on a shared ad account can't read analytics or reports. */
export const isRoleRefused = (err: unknown): boolean => err instanceof PinterestApiError && err.status === 403 && err.code === 29;

/** 414: the request URL is longer than Pinterest's front ends take. */
export const isUrlTooLong = (err: unknown): boolean => err instanceof PinterestApiError && err.status === 414;
