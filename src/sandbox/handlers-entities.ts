// Entity endpoints (SPEC §4): user account, boards, sections, pins, ad accounts, campaigns,
// ad groups, ads, audiences, customer lists, conversion tags, keywords, catalogs, feeds, product groups.
import { ApiError, badRequest, notFound } from './errors.js';
import { decodeBookmark, page } from './paging.js';
import { adAccountWithRole, operationData } from './access.js';
import { ADS_ROLES, AUDIENCE_ROLES, CATALOG_ROLES, dottedThousands } from './realism.js';
import type { AdKind, SandboxData } from './data.js';
import type { Handler, HandlerContext } from './types.js';

const DEFAULT_STATUSES = new Set(['ACTIVE', 'PAUSED']);

/** Bookmarks are bound to the listing (operation + path, and whose data was read). */
function scopeOf(ctx: HandlerContext): string {
  const ba = ctx.core.realism.businessAccess && ctx.query.ad_account_id !== undefined ? `?ad_account_id=${String(ctx.query.ad_account_id)}` : '';
  return ctx.op.operationId + ctx.path + ba;
}

function pageOf(ctx: HandlerContext, col: Parameters<typeof page>[2]) {
  const q = ctx.query;
  return page(ctx.core.seed, scopeOf(ctx), col, (q.page_size as number | undefined) ?? 25, q.bookmark as string | undefined);
}

/** Ad-account listings need one of `roles` (campaigns etc.: Owner, Admin, Analyst, Campaign Manager). */
function account(_data: SandboxData, ctx: HandlerContext, roles: readonly string[] = ADS_ROLES): number {
  return adAccountWithRole(ctx, roles);
}

/**
 * Pinterest refuses to page a board past 100,000 pins ("Pagination beyond 100.000 pins are not
 * allowed", Airbyte #33282); `boardPinsCap` sets the cap (off by default).
 */
function checkBoardPinsCap(ctx: HandlerContext): void {
  const cap = ctx.core.realism.boardPinsCap;
  const bm = ctx.query.bookmark as string | undefined;
  if (cap === null || !bm) return;
  if (decodeBookmark(ctx.core.seed, scopeOf(ctx), bm) >= cap) throw badRequest(`Pagination beyond ${dottedThousands(cap)} pins are not allowed`);
}

function idxSet(data: SandboxData, kind: AdKind, a: number, ids: string[]): Set<number> {
  const out = new Set<number>();
  for (const id of ids) {
    const d = data.decode(kind, id);
    if (d && d.a === a) out.add(d.idx);
  }
  return out;
}

function adList(kind: AdKind): Handler {
  return (ctx) => {
    const data = ctx.core.data;
    const a = account(data, ctx);
    const q = ctx.query;
    const statuses = q.entity_statuses ? new Set(q.entity_statuses as string[]) : DEFAULT_STATUSES;
    const given = (['campaign_ids', 'ad_group_ids', 'ad_ids'] as const).filter((k) => q[k] !== undefined);
    if (given.length > 1) throw badRequest(`Provide only one of ${given.join(', ')}. Do not provide more than one.`);
    let filter: { kind: AdKind; idx: Set<number> } | undefined;
    if (given[0]) {
      const fk: AdKind = given[0] === 'campaign_ids' ? 'campaign' : given[0] === 'ad_group_ids' ? 'ad_group' : 'ad';
      filter = { kind: fk, idx: idxSet(data, fk, a, q[given[0]] as string[]) };
    }
    const order = (q.order as 'ASCENDING' | 'DESCENDING' | undefined) ?? 'ASCENDING';
    return pageOf(ctx, data.adEntities(kind, a, statuses, filter, order));
  };
}

export function entityHandlers(): Record<string, Handler> {
  return {
    'user_account/get': (ctx) => operationData(ctx).userAccount(),

    'boards/list': (ctx) => pageOf(ctx, operationData(ctx).boards(ctx.query.privacy as string | undefined)),

    'board_sections/list': (ctx) => {
      const data = operationData(ctx);
      const b = data.boardIndex(ctx.params.board_id);
      if (b === null) throw notFound('Board not found.', 40);
      return pageOf(ctx, data.sections(b));
    },

    'boards/list_pins': (ctx) => {
      const data = operationData(ctx);
      const b = data.boardIndex(ctx.params.board_id);
      if (b === null) throw notFound('Board not found.', 40);
      checkBoardPinsCap(ctx);
      const ct = ctx.query.creative_types as string[] | undefined;
      return pageOf(ctx, data.boardPins(b, ct ? new Set(ct) : undefined, ctx.query.pin_metrics === true));
    },

    'board_sections/list_pins': (ctx) => {
      const data = operationData(ctx);
      const b = data.boardIndex(ctx.params.board_id);
      const s = b === null ? null : data.sectionIndex(b, ctx.params.section_id);
      if (b === null || s === null) throw notFound('Board or section not found.', 404);
      return pageOf(ctx, data.sections(b).size ? data.sectionPins(b, s) : { size: 0, at: () => null });
    },

    // include_shared_accounts defaults to true: Business-Access-shared accounts are listed too.
    'ad_accounts/list': (ctx) => pageOf(ctx, ctx.core.data.adAccounts(ctx.query.include_shared_accounts !== false)),

    'campaigns/list': adList('campaign'),
    'ad_groups/list': adList('ad_group'),
    'ads/list': adList('ad'),

    'audiences/list': (ctx) => {
      const a = account(ctx.core.data, ctx, AUDIENCE_ROLES);
      const own = (ctx.query.ownership_type as 'OWNED' | 'RECEIVED' | undefined) ?? 'OWNED';
      return pageOf(ctx, ctx.core.data.audiences(a, own, ctx.query.order as string | undefined));
    },

    'customer_lists/list': (ctx) => {
      const a = account(ctx.core.data, ctx, AUDIENCE_ROLES);
      return pageOf(ctx, ctx.core.data.customerLists(a, ctx.query.order as string | undefined));
    },

    // Not paginated: `{items}` only.
    'conversion_tags/list': (ctx) => {
      const a = account(ctx.core.data, ctx);
      return { items: ctx.core.data.conversionTags(a, ctx.query.filter_deleted === true) };
    },

    'keywords/get': (ctx) => {
      const data = ctx.core.data;
      const a = account(data, ctx);
      const q = ctx.query;
      const page_size = q.page_size as number | undefined;
      if (page_size !== undefined && page_size > 250) throw badRequest(`${page_size} is greater than the maximum of 250 - 'page_size'`);
      const mt = q.match_types ? new Set(q.match_types as string[]) : undefined;
      if (q.ad_group_ids) {
        const parents: number[] = [];
        for (const id of q.ad_group_ids as string[]) {
          const d = data.decode('ad_group', id);
          if (d && d.a === a) parents.push(d.idx);
        }
        return pageOf(ctx, data.keywords(a, 2, parents, mt));
      }
      if (q.ad_group_id) {
        const d = data.decode('ad_group', q.ad_group_id as string);
        if (!d || d.a !== a) throw notFound('Ad group not found.');
        return pageOf(ctx, data.keywords(a, 2, [d.idx], mt));
      }
      if (q.campaign_id) {
        const d = data.decode('campaign', q.campaign_id as string);
        if (!d || d.a !== a) throw notFound('Campaign not found.');
        return pageOf(ctx, data.keywords(a, 1, [d.idx], mt));
      }
      // Without a filter Pinterest returns only keywords whose parent is the ad account itself.
      return pageOf(ctx, data.keywords(a, 0, [0], mt));
    },

    'catalogs/list': (ctx) => pageOf(ctx, operationData(ctx, CATALOG_ROLES).catalogs()),

    'feeds/list': (ctx) => {
      const data = operationData(ctx, CATALOG_ROLES);
      let k: number | undefined;
      if (ctx.query.catalog_id !== undefined) {
        const ki = data.catalogIndex(ctx.query.catalog_id as string);
        if (ki === null) throw notFound('Catalog not found.', 678);
        k = ki;
      }
      return pageOf(ctx, data.feeds(k));
    },

    'catalogs_product_groups/list': (ctx) => {
      const data = operationData(ctx, CATALOG_ROLES);
      if (data.shape.catalogs === 0) throw new ApiError(409, 4182, "Can't access this feature without an existing catalog.");
      const q = ctx.query;
      const filter: Parameters<SandboxData['productGroups']>[0] = {};
      if (q.catalog_id !== undefined) {
        const k = data.catalogIndex(q.catalog_id as string);
        if (k === null) throw notFound('Catalog not found.', 678);
        filter.catalog = k;
      }
      if (q.feed_id !== undefined) {
        const f = data.feedIndex(q.feed_id as string);
        if (!f) throw notFound('Feed not found.', 4161);
        filter.feed = f;
      }
      if (q.id) filter.ids = new Set((q.id as number[]).map(String));
      return pageOf(ctx, data.productGroups(filter));
    },
  };
}
