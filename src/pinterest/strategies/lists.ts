import type { PassEvent } from '../../connector/pass-events.js';
import { idOf } from '../parents.js';
import type { StrategyFn } from '../streams/strategy.js';
import type { AccountChildDef, BoardChildDef, KeywordsDef, ListDef, SingleDef } from '../streams/types.js';
import { fill, normalize } from './normalize.js';
import { isGone, isNoCatalog, isRoleRefused } from './refusals.js';
import { accountUnits, before, walk, type PageHandler, type Unit } from './walk.js';

// Full-refresh entity streams: one object, a top-level list, a list per board or section, a list
// per ad account, and keywords (a list per account, per campaign and per batch of ad groups).

const noop = () => {};

/** Emits every item of a page (each id once per pass when `dedupe` is given). */
function emitAll(drop: readonly string[] = [], dedupe?: Set<string>, keep: (doc: Record<string, unknown>) => boolean = () => true): PageHandler {
  return {
    *onPage(unit, items): Iterable<PassEvent> {
      for (const item of items) {
        const doc = normalize(item, drop, unit.extra);
        if (!keep(doc)) continue;
        if (dedupe) {
          const id = idOf(doc.id);
          if (id !== undefined) {
            if (dedupe.has(id)) continue;
            dedupe.add(id);
          }
        }
        yield { type: 'document', doc };
      }
    },
  };
}

export const single: StrategyFn<SingleDef> = async function* (env) {
  if (!env.parents.ownsUserLevel()) return;
  const doc = await env.client.request<unknown>({ path: env.def.endpoint, category: env.def.category, stream: env.def.name }, env.ctx.signal);
  yield { type: 'document', doc: normalize(doc) };
};

export const list: StrategyFn<ListDef> = async function* (env) {
  const { def } = env;
  if (def.sharding === 'user' && !env.parents.ownsUserLevel()) return;
  // ad_accounts: each shard emits the accounts it owns (account_ids and key range).
  const keep = def.sharding === 'ad_account' ? (doc: Record<string, unknown>) => { const id = idOf(doc.id); return id === undefined || env.parents.ownsAccount(id); } : undefined;
  try {
    yield* walk(
      env,
      function* () {
        yield { pos: [], path: def.endpoint };
      },
      emitAll(def.drop, undefined, keep),
    );
  } catch (err) {
    if (!(def.emptyWithoutCatalog && isNoCatalog(err))) throw err;
    env.ctx.log.info({ stream: def.name }, 'no catalog for this user; nothing to capture');
  }
};

export const boardChildren: StrategyFn<BoardChildDef> = async function* (env) {
  if (!env.parents.ownsUserLevel()) return;
  const { def, parents, ctx } = env;
  const ahead = env.config.advanced.parallel_requests;
  yield* walk(
    env,
    async function* (resume): AsyncIterable<Unit> {
      const boards = (await parents.boards(ctx.signal)).filter((b) => !before([b.id], resume));
      for (const [i, board] of boards.entries()) {
        if (def.per === 'board') {
          yield { pos: [board.id], path: fill(def.endpoint, { board_id: board.id }), extra: { board_id: board.id } };
          continue;
        }
        // Section listings of the next boards are fetched ahead too (memoized by Parents).
        for (const b of boards.slice(i + 1, i + 1 + ahead)) parents.sections(b, ctx.signal).catch(noop);
        let sections;
        try {
          sections = await parents.sections(board, ctx.signal);
        } catch (err) {
          if (!isGone(err)) throw err;
          continue;
        }
        for (const s of sections) {
          yield { pos: [board.id, s.id], path: fill(def.endpoint, { board_id: board.id, section_id: s.id }), extra: { board_id: board.id, board_section_id: s.id } };
        }
      }
    },
    emitAll(),
  );
};

export const accountChildren: StrategyFn<AccountChildDef> = async function* (env) {
  const { def } = env;
  const variants = def.variants?.length ? def.variants : [{}];
  yield* walk(
    env,
    (resume) =>
      accountUnits(env, resume, function* (account) {
        const path = fill(def.endpoint, { ad_account_id: account.id });
        for (let i = 0; i < variants.length; i++) {
          yield { pos: variants.length > 1 ? [account.id, String(i)] : [account.id], account: account.id, path, query: variants[i], paginated: def.paginated, extra: { ad_account_id: account.id } };
        }
      }),
    emitAll(),
  );
};

export const keywords: StrategyFn<KeywordsDef> = async function* (env) {
  const { def, parents, ctx } = env;
  // A keyword can be listed under more than one filter; emit each once per pass.
  yield* walk(
    env,
    (resume) =>
      accountUnits(
        env,
        resume,
        async function* (account): AsyncIterable<Unit> {
          const path = fill(def.endpoint, { ad_account_id: account.id });
          const extra = { ad_account_id: account.id };
          const u = { account: account.id, path, extra };
          // 1. keywords whose parent is the ad account itself (the unfiltered list)
          yield { ...u, pos: [account.id, '0'] };
          // The account's campaigns and ad groups; a role that can't list them skips the account.
          let campaigns, groups;
          try {
            [campaigns, groups] = await Promise.all([parents.entities('campaigns', account, ctx.signal), parents.entities('ad_groups', account, ctx.signal)]);
          } catch (err) {
            if (!isRoleRefused(err)) throw err;
            parents.refusedListing(account.id);
            return;
          }
          // 2. campaign-level keywords, one listing per campaign
          if (!before([account.id, '1', '~'], resume)) {
            for (const c of campaigns) yield { ...u, pos: [account.id, '1', c.id], query: { campaign_id: c.id } };
          }
          // 3. ad-group keywords, ad_group_ids batched; `ad_group_ids` is a beta filter, so an app
          //    refused it reads the batch one `ad_group_id` at a time instead.
          const groupIds = groups.map((g) => g.id);
          for (let i = 0; i < groupIds.length; i += def.adGroupBatch) {
            const ids = groupIds.slice(i, i + def.adGroupBatch);
            yield {
              ...u,
              pos: [account.id, '2', ids[0]],
              query: { ad_group_ids: ids },
              fallback: function* () {
                for (const id of ids) yield { ...u, pos: [account.id, '2', id], query: { ad_group_id: id } };
              },
            };
          }
        },
        (account) => Promise.all([parents.entities('campaigns', account, ctx.signal), parents.entities('ad_groups', account, ctx.signal)]).catch(() => undefined),
      ),
    emitAll([], new Set()),
  );
};
