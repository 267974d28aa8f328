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
