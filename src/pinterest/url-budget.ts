import { searchParamsOf } from './client.js';
import type { QueryValue } from './client-types.js';

// Front ends in Pinterest's path answer 414 to request URLs past 8 KB; 175 analytics columns plus
// 250 repeated ids reach about 11 KB. Id lists are cut so every URL stays under this many bytes.
export const MAX_URL_BYTES = 8000;

/** Bytes of `base + path + ?query`, exactly as the client will send it. */
export function urlBytes(base: string, path: string, query: Record<string, QueryValue>): number {
  return Buffer.byteLength(`${base}${path}?${searchParamsOf(query).toString()}`);
}

/**
 * The most ids that fit one request next to `query`, at most `cap`: every id is assumed as long as
 * the longest of them, so any batch of that size fits.
 */
export function idsPerCall(base: string, path: string, query: Record<string, QueryValue>, param: string, ids: readonly string[], cap: number): number {
  if (ids.length === 0) return cap;
  const longest = ids.reduce((n, id) => Math.max(n, id.length), 0);
  const perId = Buffer.byteLength(`&${encodeURIComponent(param)}=`) + longest;
  const room = MAX_URL_BYTES - urlBytes(base, path, query);
  return Math.max(1, Math.min(cap, Math.floor(room / perId)));
}
