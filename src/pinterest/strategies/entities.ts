import type { QueryValue } from '../client-types.js';
import { PinterestApiError } from '../client.js';
import { compareIds, idOf, type PassParents } from '../parents.js';
import type { AdAccountRef, StrategyEnv, StrategyFn } from '../streams/strategy.js';
import type { Strategy } from '../streams/types.js';
import { PageAhead } from './page-ahead.js';

type Doc = Record<string, unknown>;

// Entity streams are walked as an ordered sequence of "units" (one paginated listing each: a
// top-level list, one board's pins, one ad account's campaigns …). A unit's position is a tuple of
// ids that sorts in walk order; the binding state remembers the unit in progress and the bookmark
// of its next page, so a restarted session skips finished units and resumes mid-listing:
//   { pass: { pos: string[], bookmark?: string, done?: true } }
// (`done`: that unit is finished; state patches are RFC 7396 merge patches, where null deletes, so
// "no next page" is spelled `done: true`.) A finished pass checkpoints `{pass: null}`, so the next
// pass starts from the beginning.

interface PassState {
  pos: string[];
  bookmark?: string | null;
  done?: boolean;
  // incremental_list: running cursor of the unit in progress
  t?: number | null;
  ids?: string[] | null;
}

interface Unit {
  pos: string[];
  path: string;
  query?: Record<string, QueryValue>;
  paginated?: boolean;
  /** Fields added to each document when the API leaves them out (parent ids). */
  extra?: Doc;
  /** Account whose incremental cursor this unit advances. */
  account?: string;
  /** Units to read instead when Pinterest refuses this one with 400/403 (a beta filter). */
  fallback?: () => AsyncIterable<Unit>;
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
function before(prefix: readonly string[], resume: PassState | undefined): boolean {
  return !!resume && comparePos(prefix, resume.pos.slice(0, prefix.length)) < 0;
}

function passState(env: StrategyEnv): PassState | undefined {
  const p = env.ctx.state.pass as PassState | null | undefined;
  return p && Array.isArray(p.pos) ? p : undefined;
}

/**
 * Ids as strings (top-level `id`, `*_id`, `*_ids`), configured fields dropped, parent ids added.
 * Shapes the freshly parsed API object in place: the hot path makes no copy per document.
 */
export function normalize(item: unknown, drop: readonly string[], extra?: Doc): Doc {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return { value: item };
  const doc = item as Doc;
  for (const k in doc) {
    const v = doc[k];
    if (typeof v === 'number' || typeof v === 'bigint') {
      if (k === 'id' || k.endsWith('_id')) doc[k] = String(v);
    } else if (Array.isArray(v) && k.endsWith('_ids')) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === 'number' || typeof v[i] === 'bigint') v[i] = String(v[i]);
    }
  }
  for (const k of drop) if (k in doc) delete doc[k];
  if (extra) for (const k in extra) if (doc[k] === undefined || doc[k] === null) doc[k] = extra[k];
  return doc;
}

function dropList(env: StrategyEnv): string[] {
  const d = env.def.options?.drop;
  return Array.isArray(d) ? d.filter((x): x is string => typeof x === 'string') : [];
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = vars[k];
    if (v === undefined) throw new Error(`endpoint ${template}: no value for {${k}}`);
    return encodeURIComponent(v);
  });
}

function parentsOf(env: StrategyEnv): PassParents {
  return env.parents as PassParents;
}

function ownsAccount(env: StrategyEnv, id: string): boolean {
  const p = env.parents as Partial<PassParents>;
  return typeof p.ownsAccount === 'function' ? p.ownsAccount(id) : true;
}

interface PagePatch {
  /** Extra fields of `pass` to checkpoint with this page. */
  pass?: Doc;
  /** Extra top-level state to checkpoint with this page. */
  top?: Doc;
}

interface PageHandler {
  /** Emits a page's documents; returns extra state to checkpoint with this page. */
  onPage(unit: Unit, items: unknown[], last: boolean, resumed: PassState | undefined): Promise<PagePatch | void>;
}

const isGone = (err: unknown): boolean => err instanceof PinterestApiError && err.status === 404;

interface Planned {
  unit: Unit;
  resumed?: PassState;
  pages: PageAhead;
}

const noop = () => {};

function aheadOf(env: StrategyEnv): number {
  return env.config.advanced.parallel_requests;
}

/** Pages of one listing held ahead of the consumer (bounded process-wide by PageAhead's permits). */
const PAGES_AHEAD = 3;

// Units are consumed strictly in order (so checkpoints stay ordered), but the pages of the next few
// units are already in flight while the current one is emitted: child listings are mostly one or a
// few pages each, and a sequential walk would be bound by latency instead of by the rate limit.
async function* planned(env: StrategyEnv, units: AsyncIterable<Unit>, resume: PassState | undefined): AsyncIterable<Planned> {
  const ahead = aheadOf(env);
  const queue: Planned[] = [];
  const src = units[Symbol.asyncIterator]();
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
        let resumed: PassState | undefined;
        if (resume) {
          const c = comparePos(unit.pos, resume.pos);
          if (c < 0) continue;
          if (c === 0) {
            if (resume.done || typeof resume.bookmark !== 'string') continue;
            start = resume.bookmark;
            resumed = resume;
          }
        }
        const pages = new PageAhead(unitPages(env, unit, start)[Symbol.asyncIterator](), PAGES_AHEAD);
        // The first page of a queued unit is requested right away (no permit needed for one page
        // per queued unit: the queue length bounds it); later pages only as permits allow.
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

/** Walks units in order, resuming after the saved position, checkpointing after every page. */
async function walk(env: StrategyEnv, units: (resume: PassState | undefined) => AsyncIterable<Unit>, handler: PageHandler): Promise<void> {
  const { ctx } = env;
  const resume = passState(env);
  const checkpoint = (unit: Unit, bookmark: string | null, patch: PagePatch | void) =>
    ctx.checkpoint({ ...(patch?.top ?? {}), pass: { pos: unit.pos, bookmark, done: bookmark === null ? true : null, ...(patch?.pass ?? {}) } });
  for await (const { unit, pages: ahead, resumed: resumedAt } of planned(env, units(resume), resume)) {
    let resumed = resumedAt;
    let pages = 0;
    try {
      for (;;) {
        const r = await ahead.next();
        if (r.done) break;
        const page = r.value;
        pages++;
        const patch = await handler.onPage(unit, page.items, page.bookmark === null, resumed);
        resumed = undefined;
        await checkpoint(unit, page.bookmark, patch);
      }
    } catch (err) {
      // A parent deleted between listing it and reading its children: nothing left to capture.
      if (unit.pos.length > 0 && isGone(err)) {
        ctx.log.warn({ stream: env.def.name, path: unit.path }, 'parent entity no longer exists; skipping it');
        await checkpoint(unit, null, await handler.onPage(unit, [], true, resumed));
        continue;
      }
      const refused = err instanceof PinterestApiError && (err.status === 400 || err.status === 403);
      if (!(refused && unit.fallback && pages === 0)) throw err;
      ctx.log.info({ stream: env.def.name, path: unit.path, reason: err.message }, 'filter refused; reading this batch one parent at a time');
      for await (const sub of unit.fallback()) {
        for await (const page of unitPages(env, sub, null)) await handler.onPage(sub, page.items, false, undefined);
      }
      await checkpoint(unit, null, await handler.onPage(unit, [], true, undefined));
    }
  }
  await ctx.checkpoint({ pass: null });
}

async function* unitPages(env: StrategyEnv, unit: Unit, start: string | null): AsyncIterable<{ items: unknown[]; bookmark: string | null }> {
  const req = { path: unit.path, query: unit.query, category: env.def.category, stream: env.def.name };
  if (unit.paginated === false) {
    const res = await env.client.request<unknown>(req, env.ctx.signal);
    const items = Array.isArray(res) ? res : Array.isArray((res as Doc | undefined)?.items) ? ((res as Doc).items as unknown[]) : [];
    yield { items, bookmark: null };
    return;
  }
  yield* pagesFrom(env, req, start);
}

/** Pages of a listing; a saved bookmark Pinterest no longer accepts restarts that listing. */
async function* pagesFrom(env: StrategyEnv, req: Parameters<StrategyEnv['client']['paginate']>[0], start: string | null) {
  if (start === null) {
    yield* env.client.paginate<unknown>(req, null, env.ctx.signal);
    return;
  }
  const it = env.client.paginate<unknown>(req, start, env.ctx.signal)[Symbol.asyncIterator]();
  let first: IteratorResult<{ items: unknown[]; bookmark: string | null }>;
  try {
    first = await it.next();
  } catch (err) {
    if (!(err instanceof PinterestApiError) || err.status !== 400) throw err;
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

/** Plain emitting handler (full-refresh entity streams). */
function emitAll(env: StrategyEnv, dedupe?: Set<string>): PageHandler {
  const drop = dropList(env);
  return {
    async onPage(unit, items) {
      for (const item of items) {
        const doc = normalize(item, drop, unit.extra);
        if (dedupe) {
          const id = idOf(doc.id);
          if (id !== undefined) {
            if (dedupe.has(id)) continue;
            dedupe.add(id);
          }
        }
        await env.ctx.emit(doc);
      }
    },
  };
}

// --- single --------------------------------------------------------------------------------

const single: StrategyFn = async (env) => {
  if (!env.parents.ownsUserLevel()) return;
  const doc = await env.client.request<unknown>({ path: env.def.endpoint, category: env.def.category, stream: env.def.name }, env.ctx.signal);
  await env.ctx.emit(normalize(doc, dropList(env)));
  await env.ctx.checkpoint({ pass: null });
};

// --- list ----------------------------------------------------------------------------------

const list: StrategyFn = async (env) => {
  const accountScoped = env.def.scope === 'ads';
  if (!accountScoped && !env.parents.ownsUserLevel()) return;
  const drop = dropList(env);
  const base = emitAll(env);
  const handler: PageHandler = accountScoped
    ? {
        // ad_accounts: each shard emits the accounts it owns (account_ids and key range).
        async onPage(_unit, items) {
          for (const item of items) {
            const doc = normalize(item, drop);
            const id = idOf(doc.id);
            if (id !== undefined && !ownsAccount(env, id)) continue;
            await env.ctx.emit(doc);
          }
        },
      }
    : base;
  try {
    await walk(
      env,
      async function* () {
        yield { pos: [], path: env.def.endpoint };
      },
      handler,
    );
  } catch (err) {
    // catalogs_product_groups: 409 "Can't access this feature without an existing catalog".
    if (env.def.options?.emptyOn409 && err instanceof PinterestApiError && err.status === 409) {
      env.ctx.log.info({ stream: env.def.name }, 'no catalog for this user; nothing to capture');
      await env.ctx.checkpoint({ pass: null });
      return;
    }
    throw err;
  }
};

// --- child_list ----------------------------------------------------------------------------

async function* accountUnits(
  env: StrategyEnv,
  resume: PassState | undefined,
  perAccount: (a: AdAccountRef) => AsyncIterable<Unit>,
  /** Parent listings the units of an account need, started for the next accounts ahead of time. */
  prefetch?: (a: AdAccountRef) => Promise<unknown>,
): AsyncIterable<Unit> {
  const accounts = (await env.parents.adAccounts(env.ctx.signal)).filter((a) => !before([a.id], resume));
  const ahead = aheadOf(env);
  for (const [i, account] of accounts.entries()) {
    if (prefetch) for (const a of accounts.slice(i, i + 1 + ahead)) prefetch(a).catch(noop);
    yield* perAccount(account);
  }
}

function variantsOf(env: StrategyEnv): Array<Record<string, QueryValue>> {
  const v = env.def.options?.variants;
  return Array.isArray(v) && v.length > 0 ? (v as Array<Record<string, QueryValue>>) : [{}];
}

const keywordsUnits = (env: StrategyEnv, resume: PassState | undefined) =>
  accountUnits(env, resume, async function* (account) {
    const path = fill(env.def.endpoint, { ad_account_id: account.id });
    const extra = { ad_account_id: account.id };
    // 1. keywords whose parent is the ad account itself (the unfiltered list)
    yield { pos: [account.id, '0'], path, extra };
    // 2. campaign-level keywords, one listing per campaign
    if (!before([account.id, '1', '~'], resume)) {
      for (const c of await env.parents.entities('campaigns', account, env.ctx.signal)) {
        yield { pos: [account.id, '1', c.id], path, query: { campaign_id: c.id }, extra };
      }
    }
    // 3. ad-group keywords, ad_group_ids batched (≤250 per call); `ad_group_ids` is a beta filter,
    //    so an app refused it reads the batch one `ad_group_id` at a time instead.
    const batch = Math.min(250, Number(env.def.options?.batch ?? 250));
    const groups = (await env.parents.entities('ad_groups', account, env.ctx.signal)).map((g) => g.id);
    for (let i = 0; i < groups.length; i += batch) {
      const ids = groups.slice(i, i + batch);
      yield {
        pos: [account.id, '2', ids[0]],
        path,
        query: { ad_group_ids: ids },
        extra,
        fallback: async function* () {
          for (const id of ids) yield { pos: [account.id, '2', id], path, query: { ad_group_id: id }, extra };
        },
      };
    }
  }, (account) => Promise.all([env.parents.entities('campaigns', account, env.ctx.signal), env.parents.entities('ad_groups', account, env.ctx.signal)]));

async function* boardUnits(env: StrategyEnv, resume: PassState | undefined): AsyncIterable<Unit> {
  const sectioned = env.def.endpoint.includes('{section_id}');
  const boards = (await env.parents.boards(env.ctx.signal)).filter((b) => !before([b.id], resume));
  const ahead = aheadOf(env);
  for (const [i, board] of boards.entries()) {
    // Section listings of the next boards are fetched ahead too (memoized by Parents).
    if (sectioned) for (const b of boards.slice(i + 1, i + 1 + ahead)) env.parents.sections(b, env.ctx.signal).catch(noop);
    if (!sectioned) {
      yield { pos: [board.id], path: fill(env.def.endpoint, { board_id: board.id }), extra: { board_id: board.id } };
      continue;
    }
    let sections;
    try {
      sections = await env.parents.sections(board, env.ctx.signal);
    } catch (err) {
      if (!isGone(err)) throw err;
      continue;
    }
    for (const s of sections) {
      yield { pos: [board.id, s.id], path: fill(env.def.endpoint, { board_id: board.id, section_id: s.id }), extra: { board_id: board.id, board_section_id: s.id } };
    }
  }
}

const childList: StrategyFn = async (env) => {
  const parent = env.def.parent;
  if (parent === 'boards' || parent === 'board_sections') {
    if (!env.parents.ownsUserLevel()) return;
    await walk(env, (resume) => boardUnits(env, resume), emitAll(env));
    return;
  }
  if (parent !== 'ad_accounts') throw new Error(`stream ${env.def.name}: child_list has no parent listing for ${parent}`);
  const paginated = env.def.options?.paginated !== false;
  if (env.def.options?.batchParam === 'ad_group_ids') {
    // A keyword can be listed under more than one filter; emit each once per pass.
    await walk(env, (resume) => keywordsUnits(env, resume), emitAll(env, new Set()));
    return;
  }
  const variants = variantsOf(env);
  await walk(
    env,
    (resume) =>
      accountUnits(env, resume, async function* (account) {
        const path = fill(env.def.endpoint, { ad_account_id: account.id });
        for (let i = 0; i < variants.length; i++) {
          yield { pos: variants.length > 1 ? [account.id, String(i)] : [account.id], path, query: variants[i], paginated, extra: { ad_account_id: account.id } };
        }
      }),
    emitAll(env),
  );
};

// --- incremental_list ----------------------------------------------------------------------

interface Cursor {
  t: number;
  ids: string[];
}

function updatedTime(doc: Doc, field: string): number | undefined {
  const v = doc[field];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

const incrementalList: StrategyFn = async (env) => {
  const field = env.def.cursor ?? 'updated_time';
  const incremental = env.ctx.binding.resource.syncMode === 'incremental';
  const cursors = (env.ctx.state.cursors ?? {}) as Record<string, Cursor | undefined>;
  const drop = dropList(env);
  // Running maximum of the account being listed. The account's cursor only advances once its whole
  // listing has been read (Pinterest does not order it by updated_time), in the same checkpoint as
  // its last page; until then the running maximum rides along in `pass` for a resumed session.
  let runT: number | null = null;
  let runIds: string[] = [];
  let current: string | undefined;

  const handler: PageHandler = {
    async onPage(unit, items, last, resumed) {
      const account = unit.account!;
      if (current !== account) {
        current = account;
        runT = resumed?.t ?? null;
        runIds = resumed?.ids ? [...resumed.ids] : [];
      }
      const cur = incremental ? cursors[account] : undefined;
      for (const item of items) {
        const doc = normalize(item, drop);
        const t = updatedTime(doc, field);
        const id = idOf(doc.id) ?? '';
        if (t !== undefined) {
          if (runT === null || t > runT) {
            runT = t;
            runIds = [id];
          } else if (t === runT && !runIds.includes(id)) runIds.push(id);
        }
        // Unchanged since the cursor: an earlier updated_time, or the cursor's own second and seen then.
        if (cur && t !== undefined && (t < cur.t || (t === cur.t && cur.ids.includes(id)))) continue;
        await env.ctx.emit(doc);
      }
      if (!last) return { pass: { t: runT, ids: runIds } };
      current = undefined;
      const prev = cursors[account];
      if (runT === null || (prev && prev.t > runT)) return { pass: { t: null, ids: null } };
      const next: Cursor = prev && prev.t === runT ? { t: runT, ids: [...new Set([...prev.ids, ...runIds])] } : { t: runT, ids: runIds };
      cursors[account] = next;
      return { pass: { t: null, ids: null }, top: { cursors: { [account]: next } } };
    },
  };

  await walk(
    env,
    (resume) =>
      accountUnits(env, resume, async function* (account) {
        yield {
          pos: [account.id],
          account: account.id,
          path: fill(env.def.endpoint, { ad_account_id: account.id }),
          query: { entity_statuses: [...env.config.entity_statuses] },
        };
      }),
    handler,
  );
};

// single, list, child_list, incremental_list
export const ENTITY_STRATEGIES: Partial<Record<Strategy, StrategyFn>> = {
  single,
  list,
  child_list: childList,
  incremental_list: incrementalList,
};
