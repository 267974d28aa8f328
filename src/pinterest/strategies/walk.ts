import type { PassProgress } from '../../connector/binding-state.js';
import type { Doc, PassEvent } from '../../connector/pass-events.js';
import type { QueryValue, RefusalKind } from '../client-types.js';
import { compareIds } from '../parents.js';
import type { AdAccountRef, StrategyEnv } from '../streams/strategy.js';
import { PageAhead } from './page-ahead.js';
import { isBookmarkRefused, isFilterRefused, isGone, isPaginationCap, isRoleRefused } from './refusals.js';

// Entity streams are walked as an ordered sequence of units (one paginated listing each: a
// top-level list, one board's pins, one ad account's campaigns …). A unit's position is a tuple of
// ids that sorts in walk order. Each page read is a `page` event carrying the next bookmark, each
// unit read to its end a `unit_done`: the driver records them, so a restarted pass skips finished
// units unlisted and resumes the unit in progress at its next page.

export interface Unit {
  pos: string[];
  path: string;
  query?: Record<string, QueryValue>;
  paginated?: boolean;
  /** Fields added to each document when the API leaves them out (parent ids). */
  extra?: Doc;
  /** Ad account whose cursor this unit advances (incremental lists). */
  account?: string;
  /** Units to read instead when Pinterest refuses this one's (beta) filter. */
  fallback?: () => Iterable<Unit> | AsyncIterable<Unit>;
}

export interface PageHandler {
  /** A page's documents, and any cursor the page completes. */
  onPage(unit: Unit, items: unknown[], last: boolean, resumed: PassProgress | undefined): Iterable<PassEvent>;
  /** The running cursor recorded with a page of the unit in progress. */
  running?(): { updatedTime: number; ids: string[] } | undefined;
}

export function comparePos(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareIds(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** True when every unit under `prefix` comes before the resume position (so it can be skipped unlisted). */
export function before(prefix: readonly string[], resume: PassProgress | undefined): boolean {
  return !!resume && comparePos(prefix, resume.unit.slice(0, prefix.length)) < 0;
}

const noop = () => {};

/** Pages of one listing held ahead of the consumer (bounded process-wide by PageAhead's permits). */
const PAGES_AHEAD = 3;

interface Planned {
  unit: Unit;
  resumed?: PassProgress;
  pages: PageAhead;
}

// Units are consumed strictly in order (so progress stays ordered), but the pages of the next few
// units are already in flight while the current one is emitted: child listings are mostly one or a
// few pages each, and a sequential walk would be bound by latency instead of by the rate limit.
async function* planned(env: StrategyEnv, units: Iterable<Unit> | AsyncIterable<Unit>, resume: PassProgress | undefined): AsyncIterable<Planned> {
  const ahead = env.config.advanced.parallel_requests;
  const queue: Planned[] = [];
  const src = Symbol.asyncIterator in units ? units[Symbol.asyncIterator]() : units[Symbol.iterator]();
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && queue.length < ahead) {
        const r = await src.next();
        if (r.done) {
          exhausted = true;
          break;
        }
        const unit = r.value;
        let start: string | null = null;
        let resumed: PassProgress | undefined;
        if (resume) {
          const c = comparePos(unit.pos, resume.unit);
          if (c < 0) continue;
          if (c === 0) {
            if (resume.unitDone || resume.nextPage === undefined) continue;
            start = resume.nextPage;
            resumed = resume;
          }
        }
        const pages = new PageAhead(unitPages(env, unit, start)[Symbol.asyncIterator](), PAGES_AHEAD);
        // The first page of a queued unit is requested right away (the queue length bounds them);
        // later pages only as permits allow.
        pages.fill(true);
        queue.push({ unit, resumed, pages });
      }
      const p = queue.shift();
      if (!p) return;
      for (const q of queue) q.pages.fill();
      try {
        yield p;
      } finally {
        p.pages.close();
      }
    }
  } finally {
    for (const q of queue) q.pages.close();
  }
}

/** Walks units in order from the saved position, one progress event per page. */
export async function* walk(env: StrategyEnv, units: (resume: PassProgress | undefined) => Iterable<Unit> | AsyncIterable<Unit>, handler: PageHandler): AsyncGenerator<PassEvent, void, undefined> {
  const { ctx } = env;
  const resume = ctx.state.pass;
  const done = (unit: Unit): PassEvent => ({ type: 'unit_done', unit: unit.pos });
  for await (const { unit, pages: ahead, resumed: resumedAt } of planned(env, units(resume), resume)) {
    let resumed = resumedAt;
    let pages = 0;
    try {
      for (;;) {
        const r = await ahead.next();
        if (r.done) break;
        const page = r.value;
        pages++;
        yield* handler.onPage(unit, page.items, page.bookmark === null, resumed);
        resumed = undefined;
        if (page.bookmark === null) {
          yield done(unit);
        } else {
          const running = handler.running?.();
          yield running ? { type: 'page', unit: unit.pos, nextPage: page.bookmark, running } : { type: 'page', unit: unit.pos, nextPage: page.bookmark };
        }
      }
    } catch (err) {
      // A parent deleted between listing it and reading its children: nothing left to capture.
      if (unit.pos.length > 0 && isGone(err)) {
        ctx.log.warn({ stream: env.def.name, path: unit.path }, 'parent entity no longer exists; skipping it');
        yield* handler.onPage(unit, [], true, resumed);
        yield done(unit);
        continue;
      }
      // Pinterest pages no listing past its cap (100,000 pins a board): keep what was read, go on.
      if (isPaginationCap(err) && (pages > 0 || resumed)) {
        ctx.log.warn(
          { eventType: 'connectorStatus', stream: env.def.name, path: unit.path, pages },
          `${env.def.name}: ${unit.path} lists more items than Pinterest lets a client page through; every item up to its cap was captured, the rest cannot be read through the API`,
        );
        yield { type: 'partial', reason: `${unit.path} was capped by Pinterest's pagination limit` };
        yield done(unit);
        continue;
      }
      // A shared ad account whose role can't list this: skip the account's unit, not the stream.
      if (isRoleRefused(err) && unit.account) {
        env.parents.refusedListing(unit.account);
        yield { type: 'partial', reason: `ad account ${unit.account} refused the listing` };
        yield done(unit);
        continue;
      }
      if (!(isFilterRefused(err) && unit.fallback && pages === 0)) throw err;
      ctx.log.info({ stream: env.def.name, path: unit.path, reason: (err as Error).message }, 'filter refused; reading this batch one parent at a time');
      for await (const sub of unit.fallback()) {
        for await (const page of unitPages(env, sub, null)) yield* handler.onPage(sub, page.items, false, undefined);
      }
      yield* handler.onPage(unit, [], true, undefined);
      yield done(unit);
    }
  }
}

async function* unitPages(env: StrategyEnv, unit: Unit, start: string | null): AsyncIterable<{ items: unknown[]; bookmark: string | null }> {
  // The refusals this unit handles (see walk): its parent gone, a shared account's role, the pagination
  // cap, a refused beta filter, a resumed bookmark no longer accepted.
  const skippable: RefusalKind[] = ['pagination_cap', 'bookmark_refused'];
  if (unit.pos.length > 0) skippable.push('gone');
  if (unit.account) skippable.push('role');
  if (unit.fallback) skippable.push('filter_refused');
  if (env.def.strategy === 'list' && env.def.emptyWithoutCatalog) skippable.push('no_catalog');
  const req = { path: unit.path, query: unit.query, category: env.def.category, stream: env.def.name, skippable };
  if (unit.paginated === false) {
    const res = await env.client.request<unknown>(req, env.ctx.signal);
    const items = Array.isArray(res) ? res : Array.isArray((res as Doc | undefined)?.items) ? ((res as Doc).items as unknown[]) : [];
    yield { items, bookmark: null };
    return;
  }
  if (start === null) {
    yield* env.client.paginate<unknown>(req, null, env.ctx.signal);
    return;
  }
  // A saved bookmark Pinterest no longer accepts restarts that listing.
  const it = env.client.paginate<unknown>(req, start, env.ctx.signal)[Symbol.asyncIterator]();
  let first: IteratorResult<{ items: unknown[]; bookmark: string | null }>;
  try {
    first = await it.next();
  } catch (err) {
    if (!isBookmarkRefused(err)) throw err;
    env.ctx.log.warn({ stream: env.def.name, path: req.path }, 'saved pagination bookmark was refused; re-reading this listing from the start');
    yield* env.client.paginate<unknown>(req, null, env.ctx.signal);
    return;
  }
  if (first.done) return;
  yield first.value;
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

/** The units of every ad account this shard owns, from the resume position on. */
export async function* accountUnits(
  env: StrategyEnv,
  resume: PassProgress | undefined,
  perAccount: (a: AdAccountRef) => Iterable<Unit> | AsyncIterable<Unit>,
  /** Parent listings the units of an account need, started for the next accounts ahead of time. */
  prefetch?: (a: AdAccountRef) => Promise<unknown>,
): AsyncIterable<Unit> {
  const accounts = (await env.parents.adAccounts(env.ctx.signal)).filter((a) => !before([a.id], resume));
  const ahead = env.config.advanced.parallel_requests;
  for (const [i, account] of accounts.entries()) {
    if (prefetch) for (const a of accounts.slice(i, i + 1 + ahead)) prefetch(a).catch(noop);
    yield* perAccount(account);
  }
}
