// Pinterest bookmark pagination over lazily generated collections. Bookmarks are opaque
// (base64url) and bound to the listing they came from; a tampered or foreign one is a 400.
import { hash, strHash } from './hash.js';
import { badRequest } from './errors.js';
import type { Collection, Doc } from './data.js';

export interface Page {
  items: Doc[];
  bookmark: string | null;
}

export function encodeBookmark(seed: number, scope: string, pos: number): string {
  const sig = hash(seed, strHash(scope), pos).toString(36);
  return Buffer.from(`${pos}:${sig}`).toString('base64url');
}

export function decodeBookmark(seed: number, scope: string, bookmark: string): number {
  const raw = Buffer.from(bookmark, 'base64url').toString('utf8');
  const m = /^(\d+):([0-9a-z]+)$/.exec(raw);
  if (!m || hash(seed, strHash(scope), Number(m[1])).toString(36) !== m[2]) throw badRequest('Invalid bookmark.');
  return Number(m[1]);
}

/** One page of `col` starting at the bookmark; `scope` ties bookmarks to this listing. */
export function page(seed: number, scope: string, col: Collection, pageSize: number, bookmark: string | undefined): Page {
  let i = bookmark ? decodeBookmark(seed, scope, bookmark) : 0;
  const items: Doc[] = [];
  for (; i < col.size && items.length < pageSize; i++) {
    const d = col.at(i);
    if (d) items.push(d);
  }
  // Only hand out a bookmark when another item really follows (Pinterest ends with null).
  for (; i < col.size; i++) {
    if (col.at(i)) return { items, bookmark: encodeBookmark(seed, scope, i) };
  }
  return { items, bookmark: null };
}
