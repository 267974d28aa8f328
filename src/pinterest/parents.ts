import type { KeyRange } from '../connector/source.js';
import type { PinterestClient, RefusalKind } from './client-types.js';
import type { PinterestConfig } from './config.js';
import { canReadAnalytics, type RoleNotices } from './roles.js';
import type { AdAccountRef, BoardRef, EntityRef, Parents, SectionRef } from './streams/strategy.js';

/**
 * Where an ad account falls in the 32-bit shard key space: FNV-1a over the id's UTF-8 bytes, then
 * murmur3's fmix32 finalizer. Plain FNV-1a barely moves the high bits for ids that differ only in
 * their last digits (Pinterest ids are sequential), which would put every account in one shard.
 */
export function accountHash(id: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(id, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function inRange(h: number, range: KeyRange): boolean {
  return h >= range.begin && h <= range.end;
}

/** Organic (user-level) streams belong to the shard whose range contains 0. */
export function ownsUserLevel(range: KeyRange): boolean {
  return range.begin <= 0 && 0 <= range.end;
}

/** Digit-string ids sort numerically (shorter first), anything else lexicographically. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length && /^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function idOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

type Raw = Record<string, unknown>;

// Parent listings for one binding pass (the interface promises per-pass caching: a fresh instance
// per pass sees entities created since the last one). Lists are fetched once and shared by every
// caller of this instance, including concurrent ones.
export class PassParents implements Parents {
  private readonly cache = new Map<string, Promise<unknown>>();
  /** Roles of the listed ad accounts, for the notices of refused listings. */
  private readonly roles = new Map<string, string[]>();

  constructor(
    private readonly client: PinterestClient,
    private readonly config: PinterestConfig,
    private readonly range: KeyRange,
    private readonly stream: string | undefined,
    private readonly notices: RoleNotices,
  ) {}

  ownsUserLevel(): boolean {
    return ownsUserLevel(this.range);
  }

  /** Whether this shard owns the account (account_ids filter and key range). */
  ownsAccount(id: string): boolean {
    const only = this.config.account_ids;
    if (only && only.length > 0 && !only.includes(id)) return false;
    return inRange(accountHash(id), this.range);
  }

  private memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  private async listAll(path: string, category: 'org_read' | 'ads_read', query: Raw = {}, signal?: AbortSignal, skippable: RefusalKind[] = []): Promise<Raw[]> {
    const out: Raw[] = [];
    for await (const page of this.client.paginate<Raw>({ path, category, query: query as never, stream: this.stream, skippable }, null, signal)) out.push(...page.items);
    return out;
  }

  adAccounts(signal?: AbortSignal): Promise<AdAccountRef[]> {
    return this.memo('ad_accounts', async () => {
      const all = await this.listAll('/ad_accounts', 'ads_read', {}, signal);
      const refs: AdAccountRef[] = [];
      const seen = new Set<string>();
      for (const a of all) {
        const id = idOf(a.id);
        if (!id || seen.has(id) || !this.ownsAccount(id)) continue;
        seen.add(id);
        const ref: AdAccountRef = { id };
        if (typeof a.currency === 'string') ref.currency = a.currency;
        if (Array.isArray(a.permissions)) this.roles.set(id, (ref.roles = a.permissions.filter((r): r is string => typeof r === 'string')));
        refs.push(ref);
      }
      return refs.sort((x, y) => compareIds(x.id, y.id));
    });
  }

  async analyticsAccounts(signal?: AbortSignal): Promise<AdAccountRef[]> {
    const out: AdAccountRef[] = [];
    for (const a of await this.adAccounts(signal)) {
      if (canReadAnalytics(a.roles)) out.push(a);
      else this.notices.skipped(a.id, a.roles, this.stream ?? '', 'analytics');
    }
    return out;
  }

  refusedListing(accountId: string): void {
    this.notices.skipped(accountId, this.roles.get(accountId), this.stream ?? '', 'listing');
  }

  refusedAnalytics(account: AdAccountRef): void {
    this.notices.skipped(account.id, account.roles, this.stream ?? '', 'analytics');
  }

  boards(signal?: AbortSignal): Promise<BoardRef[]> {
    return this.memo('boards', async () => {
      if (!this.ownsUserLevel()) return [];
      const ids = new Set<string>();
      for (const b of await this.listAll('/boards', 'org_read', {}, signal)) {
        const id = idOf(b.id);
        if (id) ids.add(id);
      }
      return [...ids].sort(compareIds).map((id) => ({ id }));
    });
  }

  sections(board: BoardRef, signal?: AbortSignal): Promise<SectionRef[]> {
    return this.memo(`sections:${board.id}`, async () => {
      const ids = new Set<string>();
      for (const s of await this.listAll(`/boards/${board.id}/sections`, 'org_read', {}, signal, ['gone'])) {
        const id = idOf(s.id);
        if (id) ids.add(id);
      }
      return [...ids].sort(compareIds).map((id) => ({ id, board_id: board.id }));
    });
  }

  entities(kind: 'campaigns' | 'ad_groups' | 'ads', account: AdAccountRef, signal?: AbortSignal): Promise<EntityRef[]> {
    return this.memo(`${kind}:${account.id}`, async () => {
      const rows = await this.listAll(`/ad_accounts/${account.id}/${kind}`, 'ads_read', { entity_statuses: [...this.config.entity_statuses] }, signal, ['role']);
      const byId = new Map<string, EntityRef>();
      for (const r of rows) {
        const id = idOf(r.id);
        if (!id) continue;
        const ref: EntityRef = { id, ad_account_id: account.id };
        if (typeof r.status === 'string') ref.status = r.status;
        const campaign = idOf(r.campaign_id);
        if (campaign) ref.campaign_id = campaign;
        const adGroup = idOf(r.ad_group_id);
        if (adGroup) ref.ad_group_id = adGroup;
        byId.set(id, ref);
      }
      return [...byId.values()].sort((x, y) => compareIds(x.id, y.id));
    });
  }
}

export function createParents(client: PinterestClient, config: PinterestConfig, range: KeyRange, stream: string | undefined, notices: RoleNotices): PassParents {
  return new PassParents(client, config, range, stream, notices);
}
