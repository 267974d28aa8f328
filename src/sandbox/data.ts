// Deterministic, lazily generated Pinterest entities. Entity N of account A is a pure function of
// (seed, A, N) plus the few mutations made through the control API, so a large shape never
// materialises its pins or ads. Ids encode their indices, so lookups by id are arithmetic.
import { hash, pick, strHash } from './hash.js';
import { isoDateTime, isoDateTimeMicros, isoDateTimeZ } from './dates.js';
import type { SandboxShape } from './scale.js';
import { Realism, SHARED_ROLE_CYCLE } from './realism.js';

export const ENTITY_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT'] as const;
export type EntityStatus = (typeof ENTITY_STATUSES)[number];
const STATUS_CYCLE: EntityStatus[] = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT', 'ACTIVE', 'ACTIVE', 'PAUSED'];

export type AdKind = 'campaign' | 'ad_group' | 'ad';
export const DELETABLE_ENTITIES = ['boards', 'pins', 'sections', 'audiences', 'customer_lists', 'conversion_tags', 'keywords', 'catalogs', 'feeds', 'product_groups'] as const;
export type DeletableEntity = (typeof DELETABLE_ENTITIES)[number];
export type Doc = Record<string, unknown>;

const EPOCH_S = Date.UTC(2023, 0, 1) / 1000; // entities are created during 2023
const YEAR_S = 365 * 86_400;
const B = 1_000_000_000;
const ACCOUNT_BASE = 549_755_800_000;
const KIND_BASE: Record<AdKind, number> = { campaign: 626e12, ad_group: 2680e12, ad: 687e12 };
const KIND_CODE: Record<AdKind, number> = { campaign: 1, ad_group: 2, ad: 3 };
const AUDIENCE_BASE = 2_542_000_000_000;
const CUSTOMER_LIST_BASE = 2_543_000_000_000;
const TAG_BASE = 2_614_000_000_000;
const KEYWORD_BASE = 2886e12;
const BOARD_BASE = 1_010_000_000_000;
const SECTION_BASE = 5_010_000_000_000;
// Pin ids are 18 digits like Pinterest's (above 2^53: exact only as strings): a fixed prefix and the
// 12-digit pin number b × 10^6 + p.
const PIN_PREFIX = '813744';
const CATALOG_BASE = 3_100_000_000_000;
const FEED_BASE = 3_200_000_000_000;
const PG_BASE = 3_300_000_000_000;

const WORDS = ['spring', 'summer', 'autumn', 'winter', 'holiday', 'garden', 'kitchen', 'travel', 'fitness', 'fashion', 'decor', 'wedding', 'recipes', 'diy', 'beauty', 'outdoor'];
const OBJECTIVES = ['AWARENESS', 'CONSIDERATION', 'WEB_CONVERSION', 'CATALOG_SALES', 'VIDEO_COMPLETION'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD'];
const COUNTRIES = ['US', 'DE', 'GB', 'CA', 'AU'];
const CREATIVE_TYPES = ['REGULAR', 'REGULAR', 'REGULAR', 'VIDEO', 'CAROUSEL', 'SHOPPING', 'IDEA'];
const COLORS = ['#e60023', '#f1d2a4', '#4a6c8c', '#2b2b2b', '#9bbf7f', '#ffffff'];

/** A listable collection: `size` raw positions, `at(i)` the document there or null when filtered out. */
export interface Collection {
  size: number;
  at(i: number): Doc | null;
}

export interface AddedEntity {
  idx: number;
  parentIdx: number; // campaign idx for ad groups, ad group idx for ads, -1 for campaigns
}

export class SandboxData {
  readonly username: string;
  readonly userId: string;
  // Id bases of the organic and catalog entities; a business profile (ns > 0) gets its own ranges.
  private readonly boardBase: number;
  private readonly sectionBase: number;
  private readonly pinPrefix: string;
  private readonly catalogBase: number;
  private readonly feedBase: number;
  private readonly pgBase: number;
  /** entity id → field overrides set through the control API (mutations). */
  private readonly overrides = new Map<string, Doc>();
  /** Ids deleted through the control API (organic, audience, keyword and catalog objects): listings skip them. */
  private readonly deleted = new Set<string>();
  /** kind → account index → entities added through the control API. */
  private readonly added: Record<AdKind, Map<number, AddedEntity[]>> = { campaign: new Map(), ad_group: new Map(), ad: new Map() };

  /**
   * `ns` 0 is the token user; ns > 0 the business profile owning shared ad account ns − 1, whose
   * boards, pins and catalogs are distinct (own seed and id ranges) so a test can tell them apart.
   */
  constructor(
    readonly seed: number,
    readonly shape: SandboxShape,
    readonly realism: Realism = new Realism(),
    readonly ns = 0,
  ) {
    this.username = ns ? `sandbox_business_${seed}_${ns}` : `sandbox_user_${seed}`;
    this.userId = String(1_000_000_000_000 + ((ns ? hash(seed, 99, ns) : hash(seed, 99)) % 1_000_000_000));
    this.boardBase = BOARD_BASE + ns * 10_000_000_000;
    this.sectionBase = SECTION_BASE + ns * 100_000_000_000;
    this.pinPrefix = ns ? String(Number(PIN_PREFIX) + ns) : PIN_PREFIX;
    this.catalogBase = CATALOG_BASE + ns * 1_000_000_000;
    this.feedBase = FEED_BASE + ns * 10_000_000_000;
    this.pgBase = PG_BASE + ns * 100_000_000_000;
  }

  /** The business profile behind namespace ns (same shape, different seed and id ranges). */
  static profile(seed: number, shape: SandboxShape, ns: number): SandboxData {
    return new SandboxData(profileSeed(seed, ns), { ...shape, boards: Math.max(1, Math.ceil(shape.boards / 2)) }, new Realism(), ns);
  }

  private h(...v: number[]): number {
    return hash(this.seed, ...v);
  }

  // ---------- ad accounts ----------

  adAccountId(a: number): string {
    return String(ACCOUNT_BASE + a);
  }

  adAccountIndex(id: string): number | null {
    const a = Number(id) - ACCOUNT_BASE;
    return Number.isInteger(a) && a >= 0 && a < this.shape.adAccounts ? a : null;
  }

  adAccountIds(): string[] {
    return Array.from({ length: this.shape.adAccounts }, (_, a) => this.adAccountId(a));
  }

  adAccount(a: number): Doc {
    const created = EPOCH_S - YEAR_S + (this.h(10, a) % YEAR_S);
    return {
      id: this.adAccountId(a),
      name: `Sandbox Ad Account ${a + 1}`,
      // A shared account belongs to the business profile of namespace a + 1.
      owner: this.isSharedAdAccount(a) ? profileOwner(this.seed, a + 1) : { id: this.userId, username: this.username },
      country: pick(COUNTRIES, this.h(11, a)),
      currency: pick(CURRENCIES, this.h(11, a)),
      permissions: this.adAccountRoles(a),
      created_time: created,
      updated_time: created + (this.h(12, a) % YEAR_S),
    };
  }

  /** Ad accounts; `includeShared` false leaves out those other users shared with this one. */
  adAccounts(includeShared = true): Collection {
    return { size: this.shape.adAccounts, at: (i) => (includeShared || !this.isSharedAdAccount(i) ? this.adAccount(i) : null) };
  }

  /** The token user's Business Access roles on account `a` (OWNER unless shared). */
  adAccountRoles(a: number): string[] {
    const explicit = this.realism.adAccountRoles[this.adAccountId(a)];
    if (explicit) return [...explicit];
    const first = this.shape.adAccounts - this.realism.sharedAdAccounts;
    return a >= first ? [...SHARED_ROLE_CYCLE[(a - first) % SHARED_ROLE_CYCLE.length]] : ['OWNER'];
  }

  isSharedAdAccount(a: number): boolean {
    return !this.adAccountRoles(a).includes('OWNER');
  }

  hasRole(a: number, roles: readonly string[]): boolean {
    return this.adAccountRoles(a).some((r) => roles.includes(r));
  }

  // ---------- campaigns / ad groups / ads ----------

  baseCount(kind: AdKind): number {
    const s = this.shape;
    const c = s.campaignsPerAccount;
    if (kind === 'campaign') return c;
    if (kind === 'ad_group') return c * s.adGroupsPerCampaign;
    return c * s.adGroupsPerCampaign * s.adsPerAdGroup;
  }

  count(kind: AdKind, a: number): number {
    return this.baseCount(kind) + (this.added[kind].get(a)?.length ?? 0);
  }

  entityId(kind: AdKind, a: number, idx: number): string {
    return String(KIND_BASE[kind] + a * B + idx);
  }

  /** Decodes an entity id into (account index, entity index); null when no such entity exists. */
  decode(kind: AdKind, id: string): { a: number; idx: number } | null {
    if (!/^\d+$/.test(id)) return null;
    const r = Number(id) - KIND_BASE[kind];
    if (!Number.isSafeInteger(r) || r < 0) return null;
    const a = Math.floor(r / B);
    const idx = r % B;
    if (a >= this.shape.adAccounts || idx >= this.count(kind, a)) return null;
    return { a, idx };
  }

  parentIdx(kind: 'ad_group' | 'ad', a: number, idx: number): number {
    const base = this.baseCount(kind);
    if (idx < base) return Math.floor(idx / (kind === 'ad_group' ? this.shape.adGroupsPerCampaign : this.shape.adsPerAdGroup));
    return this.added[kind].get(a)![idx - base].parentIdx;
  }

  campaignIdxOf(kind: AdKind, a: number, idx: number): number {
    if (kind === 'campaign') return idx;
    if (kind === 'ad_group') return this.parentIdx('ad_group', a, idx);
    return this.parentIdx('ad_group', a, this.parentIdx('ad', a, idx));
  }

  adGroupIdxOf(a: number, adIdx: number): number {
    return this.parentIdx('ad', a, adIdx);
  }

  /** The status an entity was generated with (analytics follow this; mutations do not change history). */
  baseStatus(kind: AdKind, a: number, idx: number): EntityStatus {
    return STATUS_CYCLE[(idx + KIND_CODE[kind] * (a + 1)) % STATUS_CYCLE.length];
  }

  status(kind: AdKind, a: number, idx: number): EntityStatus {
    const o = this.overrides.get(this.entityId(kind, a, idx));
    return (o?.status as EntityStatus | undefined) ?? this.baseStatus(kind, a, idx);
  }

  createdTime(kind: AdKind, a: number, idx: number): number {
    return EPOCH_S + (this.h(20, KIND_CODE[kind], a, idx) % YEAR_S);
  }

  /** Unix day from which the entity can have analytics rows. */
  firstActiveDay(kind: AdKind, a: number, idx: number): number {
    return Math.floor(this.createdTime(kind, a, idx) / 86_400);
  }

  campaign(a: number, idx: number): Doc {
    const id = this.entityId('campaign', a, idx);
    const created = this.createdTime('campaign', a, idx);
    const status = this.baseStatus('campaign', a, idx);
    const h = this.h(21, a, idx);
    const doc: Doc = {
      id,
      ad_account_id: this.adAccountId(a),
      name: `${pick(WORDS, h)} campaign ${idx + 1}`,
      status,
      lifetime_spend_cap: h % 3 === 0 ? 5_000_000_000 : null,
      daily_spend_cap: h % 3 === 1 ? 25_000_000 : null,
      order_line_id: null,
      tracking_urls: null,
      start_time: created + 86_400,
      end_time: h % 4 === 0 ? created + 120 * 86_400 : null,
      summary_status: summaryStatus(status, h),
      is_campaign_budget_optimization: h % 5 === 0,
      is_flexible_daily_budgets: h % 7 === 0,
      is_performance_plus: false,
      is_automated_campaign: false,
      objective_type: pick(OBJECTIVES, h >>> 3),
      created_time: created,
      updated_time: created + (this.h(22, 1, a, idx) % (200 * 86_400)),
      type: 'campaign',
    };
    return this.applyOverrides(doc);
  }

  adGroup(a: number, idx: number): Doc {
    const id = this.entityId('ad_group', a, idx);
    const created = this.createdTime('ad_group', a, idx);
    const status = this.baseStatus('ad_group', a, idx);
    const c = this.parentIdx('ad_group', a, idx);
    const h = this.h(23, a, idx);
    const doc: Doc = {
      id,
      ad_account_id: this.adAccountId(a),
      campaign_id: this.entityId('campaign', a, c),
      name: `${pick(WORDS, h)} ad group ${idx + 1}`,
      status,
      budget_in_micro_currency: 10_000_000 + (h % 90) * 1_000_000,
      bid_in_micro_currency: h % 2 ? 1_500_000 : null,
      optimization_goal_metadata: {},
      budget_type: h % 3 === 0 ? 'LIFETIME' : 'DAILY',
      start_time: created + 86_400,
      end_time: null,
      targeting_spec: { AGE_BUCKET: ['25-34', '35-44'], GENDER: ['female', 'male'], LOCATION: ['US'], APPTYPE: ['web', 'iphone'] },
      lifetime_frequency_cap: -1,
      tracking_urls: null,
      auto_targeting_enabled: h % 2 === 0,
      placement_group: 'ALL',
      pacing_delivery_type: 'STANDARD',
      conversion_learning_mode_type: null,
      summary_status: summaryStatus(status, h),
      feed_profile_id: '0',
      billable_event: h % 4 === 0 ? 'IMPRESSION' : 'CLICKTHROUGH',
      bid_strategy_type: h % 2 ? 'MAX_BID' : 'AUTOMATIC_BID',
      targeting_template_ids: [],
      is_creative_optimization: false,
      promotion_id: null,
      promotion_application_level: null,
      bid_multiplier: null,
      created_time: created,
      updated_time: created + (this.h(22, 2, a, idx) % (200 * 86_400)),
      type: 'adgroup',
    };
    return this.applyOverrides(doc);
  }

  ad(a: number, idx: number): Doc {
    const id = this.entityId('ad', a, idx);
    const created = this.createdTime('ad', a, idx);
    const status = this.baseStatus('ad', a, idx);
    const g = this.parentIdx('ad', a, idx);
    const c = this.parentIdx('ad_group', a, g);
    const h = this.h(24, a, idx);
    const board = (a * 7 + idx) % Math.max(1, this.shape.boards);
    const pin = (idx * 13) % Math.max(1, this.shape.pinsPerBoard);
    const doc: Doc = {
      id,
      ad_group_id: this.entityId('ad_group', a, g),
      ad_account_id: this.adAccountId(a),
      campaign_id: this.entityId('campaign', a, c),
      pin_id: this.pinId(board, pin),
      name: `ad ${idx + 1}`,
      status,
      creative_type: pick(['REGULAR', 'VIDEO', 'CAROUSEL'], h),
      destination_url: `https://shop.example.com/p/${idx}`,
      android_deep_link: null,
      ios_deep_link: null,
      carousel_android_deep_links: null,
      carousel_destination_urls: null,
      carousel_ios_deep_links: null,
      click_tracking_url: null,
      view_tracking_url: null,
      tracking_urls: null,
      is_pin_deleted: false,
      is_removable: false,
      lead_form_id: null,
      grid_click_type: 'CLOSEUP',
      customizable_cta_type: null,
      disclosure_type: null,
      disclosure_url: null,
      quiz_pin_data: null,
      collection_items_destination_url_template: null,
      review_status: h % 11 === 0 ? 'REJECTED' : 'APPROVED',
      rejected_reasons: h % 11 === 0 ? ['LOW_QUALITY'] : [],
      rejection_labels: h % 11 === 0 ? ['Low quality'] : [],
      summary_status: adSummaryStatus(status, h),
      created_time: created,
      updated_time: created + (this.h(22, 3, a, idx) % (200 * 86_400)),
      type: 'pinpromotion',
    };
    return this.applyOverrides(doc);
  }

  entity(kind: AdKind, a: number, idx: number): Doc {
    return kind === 'campaign' ? this.campaign(a, idx) : kind === 'ad_group' ? this.adGroup(a, idx) : this.ad(a, idx);
  }

  private applyOverrides(doc: Doc): Doc {
    const o = this.overrides.get(doc.id as string);
    return o ? { ...doc, ...o } : doc;
  }

  /**
   * Lists campaigns / ad groups / ads of account `a` with the real API's filters.
   * `ids` maps a filter kind to the set of entity indices allowed.
   */
  adEntities(kind: AdKind, a: number, statuses: ReadonlySet<string>, filter?: { kind: AdKind; idx: Set<number> }, order: 'ASCENDING' | 'DESCENDING' = 'ASCENDING'): Collection {
    const n = this.count(kind, a);
    return {
      size: n,
      at: (i) => {
        const idx = order === 'DESCENDING' ? n - 1 - i : i;
        if (!statuses.has(this.status(kind, a, idx))) return null;
        if (filter) {
          const own = filter.kind === kind ? idx : filter.kind === 'campaign' ? this.campaignIdxOf(kind, a, idx) : this.adGroupIdxOf(a, idx);
          if (!filter.idx.has(own)) return null;
        }
        return this.entity(kind, a, idx);
      },
    };
  }

  /** All entities of a kind in account `a` (every status), e.g. for tests computing expectations. */
  allEntities(kind: AdKind, a: number): Doc[] {
    return Array.from({ length: this.count(kind, a) }, (_, i) => this.entity(kind, a, i));
  }

  // ---------- mutations (control API) ----------

  /** Sets fields on an existing entity; returns false when the id is unknown. */
  mutate(kind: AdKind, id: string, fields: Doc): boolean {
    if (!this.decode(kind, id)) return false;
    const cur = this.overrides.get(id) ?? {};
    this.overrides.set(id, { ...cur, ...fields });
    return true;
  }

  /** Adds an entity to account `a` (under `parentIdx` for ad groups/ads); returns its id. */
  add(kind: AdKind, a: number, parentIdx: number, fields: Doc): string {
    const list = this.added[kind].get(a) ?? [];
    this.added[kind].set(a, list);
    const idx = this.count(kind, a);
    list.push({ idx, parentIdx: kind === 'campaign' ? -1 : parentIdx });
    const id = this.entityId(kind, a, idx);
    if (Object.keys(fields).length) this.overrides.set(id, fields);
    return id;
  }

  // ---------- deletions (control API) ----------

  isDeleted(id: string): boolean {
    return this.deleted.size > 0 && this.deleted.has(id);
  }

  /** Deletes existing objects of one kind; throws (deleting nothing) when an id is not one. */
  delete(entity: DeletableEntity, ids: string[]): string[] {
    for (const id of ids) if (!this.exists(entity, String(id))) throw new Error(`${id} is not one of the ${entity}`);
    for (const id of ids) this.deleted.add(String(id));
    return ids.map(String);
  }

  private exists(entity: DeletableEntity, id: string): boolean {
    if (!/^\d+$/.test(id)) return false;
    const n = Number(id);
    const perAccount = (base: number, count: number) => {
      const r = n - base;
      return r >= 0 && Math.floor(r / 1_000_000) < this.shape.adAccounts && r % 1_000_000 < count;
    };
    switch (entity) {
      case 'boards':
        return this.boardIndex(id) !== null;
      case 'pins':
        return this.pinIndex(id) !== null;
      case 'sections': {
        const b = Math.floor((n - this.sectionBase) / 1000);
        return b >= 0 && b < this.shape.boards && this.sectionIndex(b, id) !== null;
      }
      case 'audiences':
        return perAccount(AUDIENCE_BASE, this.shape.audiencesPerAccount);
      case 'customer_lists':
        return perAccount(CUSTOMER_LIST_BASE, this.shape.customerListsPerAccount);
      case 'conversion_tags':
        return perAccount(TAG_BASE, this.shape.conversionTagsPerAccount);
      case 'keywords': {
        const r = n - KEYWORD_BASE;
        if (r < 0 || Math.floor(r / B) >= this.shape.adAccounts) return false;
        const rest = r % B;
        const level = Math.floor(rest / 300_000_000) as 0 | 1 | 2;
        const parent = Math.floor((rest % 300_000_000) / 100);
        const max = level === 0 ? 1 : this.count(level === 1 ? 'campaign' : 'ad_group', Math.floor(r / B));
        return level <= 2 && parent < max && rest % 100 < this.keywordCount(level, parent);
      }
      case 'catalogs':
        return this.catalogIndex(id) !== null;
      case 'feeds':
        return this.feedIndex(id) !== null;
      case 'product_groups': {
        const r = n - this.pgBase;
        if (r < 0) return false;
        const kf = Math.floor(r / 1000);
        return r % 1000 < this.shape.productGroupsPerFeed && kf % 1000 < this.shape.feedsPerCatalog && Math.floor(kf / 1000) < this.shape.catalogs;
      }
    }
  }

  // ---------- audiences, customer lists, conversion tags, keywords ----------

  audience(a: number, i: number): Doc {
    const h = this.h(30, a, i);
    const received = this.isReceivedAudience(i);
    const created = EPOCH_S + (h % YEAR_S);
    const type = pick(['CUSTOMER_LIST', 'VISITOR', 'ENGAGEMENT', 'ACTALIKE'], h);
    return {
      id: String(AUDIENCE_BASE + a * 1_000_000 + i),
      ad_account_id: this.adAccountId(a),
      name: `${pick(WORDS, h >>> 4)} audience ${i + 1}`,
      audience_type: type,
      description: received ? 'Shared with this ad account' : null,
      rule: type === 'VISITOR' ? { visitor_source_id: '2542620905473', retention_days: 180, event: 'pagevisit' } : {},
      size: h % 6 === 0 ? null : 100_000 + (h % 5_000_000),
      status: h % 6 === 0 ? 'TOO_SMALL' : 'READY',
      type: 'audience',
      created_by_company_name: received ? 'Partner Company Inc.' : null,
      created_timestamp: created,
      updated_timestamp: created + (h % (90 * 86_400)),
    };
  }

  isReceivedAudience(i: number): boolean {
    return (i + 1) % this.shape.receivedAudienceEvery === 0;
  }

  audiences(a: number, ownership: 'OWNED' | 'RECEIVED', order?: string): Collection {
    const n = this.shape.audiencesPerAccount;
    return {
      size: n,
      at: (i) => {
        const idx = order === 'DESCENDING' ? n - 1 - i : i;
        if (this.isReceivedAudience(idx) !== (ownership === 'RECEIVED')) return null;
        const doc = this.audience(a, idx);
        return this.isDeleted(doc.id as string) ? null : doc;
      },
    };
  }

  customerList(a: number, i: number): Doc {
    const h = this.h(31, a, i);
    const created = EPOCH_S + (h % YEAR_S);
    return {
      id: String(CUSTOMER_LIST_BASE + a * 1_000_000 + i),
      ad_account_id: this.adAccountId(a),
      created_time: created,
      updated_time: created + (h % (60 * 86_400)),
      name: `customer list ${i + 1}`,
      num_batches: 1 + (h % 5),
      num_removed_user_records: h % 100,
      num_uploaded_user_records: 1000 + (h % 100_000),
      status: pick(['READY', 'READY', 'PROCESSING', 'TOO_SMALL'], h >>> 5),
      type: 'customerlist',
      exceptions: {},
    };
  }

  customerLists(a: number, order?: string): Collection {
    const n = this.shape.customerListsPerAccount;
    return {
      size: n,
      at: (i) => {
        const doc = this.customerList(a, order === 'DESCENDING' ? n - 1 - i : i);
        return this.isDeleted(doc.id as string) ? null : doc;
      },
    };
  }

  conversionTag(a: number, i: number): Doc {
    const h = this.h(32, a, i);
    const id = String(TAG_BASE + a * 1_000_000 + i);
    return {
      ad_account_id: this.adAccountId(a),
      code_snippet: `<!-- Pinterest Tag --><script>pintrk('load', '${id}');pintrk('page');</script>`,
      enhanced_match_status: pick(['VALIDATION_COMPLETE', 'NOT_VALIDATED', 'UNKNOWN'], h),
      id,
      last_fired_time_ms: h % 4 === 0 ? null : (EPOCH_S + (h % YEAR_S)) * 1000,
      name: `Pinterest tag ${i + 1}`,
      status: i % 5 === 4 ? 'ARCHIVED' : 'ACTIVE',
      version: '3',
      configs: { aem_enabled: h % 2 === 0, md_frequency: 1, aem_fnln_enabled: false, aem_ph_enabled: false, aem_ge_enabled: false, aem_db_enabled: false, aem_loc_enabled: false },
    };
  }

  conversionTags(a: number, filterDeleted: boolean): Doc[] {
    const out: Doc[] = [];
    for (let i = 0; i < this.shape.conversionTagsPerAccount; i++) {
      const t = this.conversionTag(a, i);
      if ((!filterDeleted || t.status !== 'ARCHIVED') && !this.isDeleted(t.id as string)) out.push(t);
    }
    return out;
  }

  /** level 0 = ad account, 1 = campaign, 2 = ad group. */
  keyword(a: number, level: 0 | 1 | 2, parentIdx: number, k: number): Doc {
    const h = this.h(33, a, level, parentIdx, k);
    const parentId = level === 0 ? this.adAccountId(a) : this.entityId(level === 1 ? 'campaign' : 'ad_group', a, parentIdx);
    const match = pick(['BROAD', 'PHRASE', 'EXACT', 'EXACT_NEGATIVE', 'PHRASE_NEGATIVE'], h);
    return {
      archived: h % 9 === 0,
      id: String(KEYWORD_BASE + a * B + level * 300_000_000 + parentIdx * 100 + k),
      parent_id: parentId,
      parent_type: level === 0 ? 'advertiser' : level === 1 ? 'campaign' : 'ad_group',
      type: 'keyword',
      bid: null,
      match_type: match,
      value: `${pick(WORDS, h >>> 3)} ${pick(WORDS, h >>> 7)} ideas ${k + 1}`,
    };
  }

  keywordCount(level: 0 | 1 | 2, parentIdx: number): number {
    if (level === 0) return this.shape.accountKeywords;
    if (level === 1) return parentIdx % 2 === 0 ? this.shape.campaignKeywords : 0;
    return this.shape.adGroupKeywords;
  }

  /** Keywords under the given parents (in order); `matchTypes` filters. */
  keywords(a: number, level: 0 | 1 | 2, parents: number[], matchTypes?: Set<string>): Collection {
    const per = level === 0 ? this.shape.accountKeywords : level === 1 ? this.shape.campaignKeywords : this.shape.adGroupKeywords;
    return {
      size: parents.length * per,
      at: (i) => {
        const p = parents[Math.floor(i / per)];
        const k = i % per;
        if (k >= this.keywordCount(level, p)) return null;
        const kw = this.keyword(a, level, p, k);
        if (this.isDeleted(kw.id as string)) return null;
        return matchTypes && !matchTypes.has(kw.match_type as string) ? null : kw;
      },
    };
  }

  // ---------- organic: user, boards, sections, pins ----------

  userAccount(): Doc {
    return {
      account_type: 'BUSINESS',
      id: this.userId,
      profile_image: `https://i.pinimg.com/600x600_R/sandbox/${this.userId}.jpg`,
      website_url: 'https://shop.example.com',
      username: this.username,
      about: 'Pinterest API sandbox account',
      business_name: 'Sandbox Shop',
      board_count: this.shape.boards,
      pin_count: this.totalPins(),
      follower_count: 1000 + (this.h(40) % 100_000),
      following_count: 10 + (this.h(41) % 1000),
      monthly_views: 100_000 + (this.h(42) % 10_000_000),
    };
  }

  boardId(b: number): string {
    return String(this.boardBase + b);
  }

  boardIndex(id: string): number | null {
    const b = Number(id) - this.boardBase;
    return /^\d+$/.test(id) && Number.isInteger(b) && b >= 0 && b < this.shape.boards && !this.isDeleted(id) ? b : null;
  }

  /** Pins on board b: the shape's pinsPerBoard, or hugeBoardPins on the last board. */
  pinCount(b: number): number {
    return this.realism.hugeBoardPins > 0 && b === this.shape.boards - 1 ? this.realism.hugeBoardPins : this.shape.pinsPerBoard;
  }

  totalPins(): number {
    let n = this.shape.boards * this.shape.pinsPerBoard;
    if (this.realism.hugeBoardPins > 0 && this.shape.boards > 0) n += this.realism.hugeBoardPins - this.shape.pinsPerBoard;
    return n;
  }

  /** Boards 1..groupBoards are group boards (board 0 stays a plain one). */
  isGroupBoard(b: number): boolean {
    return b >= 1 && b <= this.realism.groupBoards;
  }

  /** On a group board every third pin (p % 3 == 1) was saved by a collaborator. */
  isOwnedPin(b: number, p: number): boolean {
    return !this.isGroupBoard(b) || p % 3 !== 1;
  }

  boardPrivacy(b: number): string {
    const h = this.h(50, b) % 10;
    return h < 7 ? 'PUBLIC' : h < 9 ? 'SECRET' : 'PROTECTED';
  }

  board(b: number): Doc {
    const h = this.h(51, b);
    const created = EPOCH_S - YEAR_S + (h % YEAR_S);
    return {
      id: this.boardId(b),
      created_at: isoDateTime(created),
      board_pins_modified_at: this.realism.fractionalTimestamps ? isoDateTimeMicros(created + (h % YEAR_S), this.h(56, b) % 1000) : isoDateTime(created + (h % YEAR_S)),
      name: `${pick(WORDS, h)} ideas ${b + 1}`,
      description: h % 3 === 0 ? null : `Everything ${pick(WORDS, h)}`,
      collaborator_count: this.isGroupBoard(b) ? 1 + (h % 3) : h % 3,
      pin_count: this.pinCount(b),
      follower_count: h % 5000,
      media: { image_cover_url: `https://i.pinimg.com/400x300/sandbox/board${b}.jpg`, pin_thumbnail_urls: [`https://i.pinimg.com/150x150/sandbox/board${b}-1.jpg`] },
      owner: { username: this.username },
      privacy: this.boardPrivacy(b),
      is_ads_only: false,
    };
  }

  boards(privacy?: string): Collection {
    return {
      size: this.shape.boards,
      at: (b) => {
        if (this.isDeleted(this.boardId(b))) return null;
        const p = this.boardPrivacy(b);
        if (privacy && privacy !== 'ALL') {
          if (privacy === 'PUBLIC_AND_SECRET' ? p === 'PROTECTED' : p !== privacy) return null;
        }
        return this.board(b);
      },
    };
  }

  sectionId(b: number, s: number): string {
    return String(this.sectionBase + b * 1000 + s);
  }

  sectionIndex(b: number, id: string): number | null {
    const s = Number(id) - this.sectionBase - b * 1000;
    return /^\d+$/.test(id) && Number.isInteger(s) && s >= 0 && s < this.shape.sectionsPerBoard && !this.isDeleted(id) ? s : null;
  }

  sections(b: number): Collection {
    return { size: this.shape.sectionsPerBoard, at: (s) => (this.isDeleted(this.sectionId(b, s)) ? null : { id: this.sectionId(b, s), name: `${pick(WORDS, this.h(52, b, s))} section ${s + 1}` }) };
  }

  pinId(b: number, p: number): string {
    return this.pinPrefix + String(b * 1_000_000 + p).padStart(12, '0');
  }

  /** The pin's number below its 18-digit id (a safe integer, for hashing). */
  pinNumber(id: string): number | null {
    return id.length === 18 && id.startsWith(this.pinPrefix) && /^\d+$/.test(id) ? Number(id.slice(this.pinPrefix.length)) : null;
  }

  pinIndex(id: string): { b: number; p: number } | null {
    const r = this.pinNumber(id);
    if (r === null) return null;
    const b = Math.floor(r / 1_000_000);
    const p = r % 1_000_000;
    return b < this.shape.boards && p < this.pinCount(b) && !this.isDeleted(id) ? { b, p } : null;
  }

  pinSection(p: number): number | null {
    const S = this.shape.sectionsPerBoard;
    const s = p % (S + 1);
    return s === S ? null : s;
  }

  pinCreatedSeconds(b: number, p: number): number {
    return EPOCH_S + (this.h(53, b, p) % (2 * YEAR_S));
  }

  pinCreativeType(b: number, p: number): string {
    return pick(CREATIVE_TYPES, this.h(54, b, p));
  }

  pin(b: number, p: number, withMetrics = false): Doc {
    const h = this.h(55, b, p);
    const id = this.pinId(b, p);
    const s = this.pinSection(p);
    const ct = this.pinCreativeType(b, p);
    const doc: Doc = {
      id,
      created_at: isoDateTime(this.pinCreatedSeconds(b, p)),
      link: `https://shop.example.com/idea/${id}`,
      title: `${pick(WORDS, h)} idea #${p + 1}`,
      description: `A ${pick(WORDS, h >>> 4)} pin from the sandbox`,
      dominant_color: pick(COLORS, h >>> 8),
      alt_text: h % 4 === 0 ? null : 'sandbox pin image',
      creative_type: ct,
      board_id: this.boardId(b),
      // A pin of a deleted section stays on the board, outside any section.
      board_section_id: s === null || this.isDeleted(this.sectionId(b, s)) ? null : this.sectionId(b, s),
      board_owner: { username: this.username },
      is_owner: this.isOwnedPin(b, p),
      is_standard: true,
      has_been_promoted: h % 10 === 0,
      parent_pin_id: null,
      media: ct === 'VIDEO' ? videoMedia(id, h) : imageMedia(id),
      pin_metrics: null,
    };
    if (withMetrics) {
      doc.pin_metrics = {
        '90d': { pin_click: h % 500, impression: 1000 + (h % 50_000), clickthrough: h % 300 },
        lifetime_metrics: { pin_click: h % 5000, impression: 10_000 + (h % 500_000), clickthrough: h % 3000, reaction: h % 80, comment: h % 20 },
      };
    }
    return doc;
  }

  boardPins(b: number, creativeTypes?: Set<string>, withMetrics = false): Collection {
    return {
      size: this.pinCount(b),
      at: (p) => (creativeTypes && !creativeTypes.has(this.pinCreativeType(b, p))) || this.isDeleted(this.pinId(b, p)) ? null : this.pin(b, p, withMetrics),
    };
  }

  sectionPins(b: number, s: number): Collection {
    const S = this.shape.sectionsPerBoard + 1;
    const P = this.pinCount(b);
    return { size: s < P ? Math.ceil((P - s) / S) : 0, at: (i) => (this.isDeleted(this.pinId(b, s + i * S)) ? null : this.pin(b, s + i * S)) };
  }

  // ---------- catalogs ----------

  catalogId(k: number): string {
    return String(this.catalogBase + k);
  }

  catalog(k: number): Doc {
    const created = EPOCH_S + (this.h(60, k) % YEAR_S);
    return {
      created_at: isoDateTimeZ(created),
      id: this.catalogId(k),
      updated_at: isoDateTimeZ(created + (this.h(61, k) % YEAR_S)),
      name: `Sandbox catalog ${k + 1}`,
      catalog_type: 'RETAIL',
    };
  }

  catalogs(): Collection {
    return { size: this.shape.catalogs, at: (k) => (this.isDeleted(this.catalogId(k)) ? null : this.catalog(k)) };
  }

  feedId(k: number, f: number): string {
    return String(this.feedBase + k * 1000 + f);
  }

  feed(k: number, f: number): Doc {
    const h = this.h(62, k, f);
    const created = EPOCH_S + (h % YEAR_S);
    return {
      created_at: isoDateTimeZ(created),
      id: this.feedId(k, f),
      updated_at: isoDateTimeZ(created + (h % (90 * 86_400))),
      name: `Product feed ${k + 1}.${f + 1}`,
      format: pick(['TSV', 'CSV', 'XML'], h),
      catalog_type: 'RETAIL',
      catalog_id: this.catalogId(k),
      credentials: { username: `feeduser${k}${f}`, password: `sandbox-feed-secret-${(h % 1_000_000).toString(36)}` },
      location: `https://shop.example.com/feeds/catalog${k}-${f}.tsv`,
      preferred_processing_schedule: { time: '02:00', timezone: 'America/New_York' },
      status: f % 4 === 3 ? 'INACTIVE' : 'ACTIVE',
      default_currency: 'USD',
      default_locale: 'en-US',
      default_country: 'US',
      default_availability: 'IN_STOCK',
    };
  }

  feeds(catalogFilter?: number): Collection {
    const F = this.shape.feedsPerCatalog;
    return {
      size: this.shape.catalogs * F,
      at: (i) => {
        const k = Math.floor(i / F);
        if (this.isDeleted(this.feedId(k, i % F)) || this.isDeleted(this.catalogId(k))) return null;
        return catalogFilter !== undefined && k !== catalogFilter ? null : this.feed(k, i % F);
      },
    };
  }

  catalogIndex(id: string): number | null {
    const k = Number(id) - this.catalogBase;
    return /^\d+$/.test(id) && Number.isInteger(k) && k >= 0 && k < this.shape.catalogs && !this.isDeleted(id) ? k : null;
  }

  feedIndex(id: string): { k: number; f: number } | null {
    const r = Number(id) - this.feedBase;
    if (!/^\d+$/.test(id) || !Number.isInteger(r) || r < 0) return null;
    const k = Math.floor(r / 1000);
    const f = r % 1000;
    return k < this.shape.catalogs && f < this.shape.feedsPerCatalog && !this.isDeleted(id) && !this.isDeleted(this.catalogId(k)) ? { k, f } : null;
  }

  productGroup(k: number, f: number, g: number): Doc {
    const h = this.h(63, k, f, g);
    const created = EPOCH_S + (h % YEAR_S);
    return {
      catalog_type: 'RETAIL',
      id: String(this.pgBase + (k * 1000 + f) * 1000 + g),
      name: `${pick(WORDS, h)} products ${g + 1}`,
      description: g % 2 ? null : 'Sandbox product group',
      filters: { any_of: [{ MIN_PRICE: { values: 10 + (h % 50), inclusion: true, negated: false } }] },
      type: g === 0 ? 'ALL_PRODUCTS' : 'MERCHANT_CREATED',
      status: 'ACTIVE',
      feed_id: this.feedId(k, f),
      country: 'US',
      locale: 'en-US',
      catalog_id: this.catalogId(k),
      is_featured: g === 1,
      created_at: created,
      updated_at: created + (h % (60 * 86_400)),
    };
  }

  productGroups(filter: { catalog?: number; feed?: { k: number; f: number }; ids?: Set<string> }): Collection {
    const F = this.shape.feedsPerCatalog;
    const G = this.shape.productGroupsPerFeed;
    return {
      size: this.shape.catalogs * F * G,
      at: (i) => {
        const g = i % G;
        const f = Math.floor(i / G) % F;
        const k = Math.floor(i / (G * F));
        if (filter.catalog !== undefined && filter.catalog !== k) return null;
        if (filter.feed && (filter.feed.k !== k || filter.feed.f !== f)) return null;
        // Deleting a catalog or feed takes its product groups along.
        if (this.deleted.size && (this.isDeleted(this.catalogId(k)) || this.isDeleted(this.feedId(k, f)))) return null;
        const pg = this.productGroup(k, f, g);
        if (this.isDeleted(pg.id as string)) return null;
        return filter.ids && !filter.ids.has(pg.id as string) ? null : pg;
      },
    };
  }

  /** Product group ids (for PRODUCT_GROUP reports). */
  productGroupIds(): string[] {
    const out: string[] = [];
    const F = this.shape.feedsPerCatalog;
    const G = this.shape.productGroupsPerFeed;
    for (let k = 0; k < this.shape.catalogs; k++) for (let f = 0; f < F; f++) for (let g = 0; g < G; g++) out.push(String(this.pgBase + (k * 1000 + f) * 1000 + g));
    return out;
  }

  nameHash(s: string): number {
    return strHash(s);
  }
}

function profileSeed(seed: number, ns: number): number {
  return seed * 7919 + ns;
}

/** Owner (id, username) of business profile ns, as SandboxData.profile would name it. */
function profileOwner(seed: number, ns: number): { id: string; username: string } {
  const s = profileSeed(seed, ns);
  return { id: String(1_000_000_000_000 + (hash(s, 99, ns) % 1_000_000_000)), username: `sandbox_business_${s}_${ns}` };
}

function summaryStatus(status: EntityStatus, h: number): string {
  switch (status) {
    case 'ACTIVE':
      return h % 5 === 0 ? 'COMPLETED' : 'RUNNING';
    case 'PAUSED':
      return 'PAUSED';
    case 'ARCHIVED':
      return 'ARCHIVED';
    case 'DRAFT':
      return 'DRAFT';
    default:
      return 'DELETED_DRAFT';
  }
}

function adSummaryStatus(status: EntityStatus, h: number): string {
  if (status === 'ACTIVE') return h % 11 === 0 ? 'REJECTED' : 'APPROVED';
  return summaryStatus(status, h);
}

function imageMedia(id: string): Doc {
  const img = (w: number, hgt: number, tag: string) => ({ width: w, height: hgt, url: `https://i.pinimg.com/${tag}/sandbox/${id}.jpg` });
  return { media_type: 'image', images: { '150x150': img(150, 150, '150x150'), '400x300': img(400, 300, '400x300'), '600x': img(600, 900, '600x'), '1200x': img(1200, 1800, '1200x') } };
}

function videoMedia(id: string, h: number): Doc {
  return {
    media_type: 'video',
    cover_image_url: `https://i.pinimg.com/videos/thumbnails/originals/sandbox/${id}.jpg`,
    video_url: null,
    duration: 5000 + (h % 55_000),
    height: 1920,
    width: 1080,
  };
}
