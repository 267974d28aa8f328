import type { PassContext } from '../../connector/source.js';
import type { PinterestClient } from '../client-types.js';
import type { PinterestConfig } from '../config.js';
import type { PassEvent } from '../../connector/pass-events.js';
import type { DefOf, StreamDef, Strategy } from './types.js';

// Parent entities that fan child streams out. Implementations list through the client and cache
// per session pass, honouring `account_ids` and the shard key range for ad accounts.
export interface AdAccountRef {
  id: string;
  currency?: string;
  /** The token user's Business Access roles on the account (`permissions`), when Pinterest lists them. */
  roles?: string[];
}
export interface BoardRef { id: string }
export interface SectionRef { id: string; board_id: string }
export interface EntityRef { id: string; ad_account_id: string; status?: string; campaign_id?: string; ad_group_id?: string }

export interface Parents {
  /** Ad accounts this shard owns (account_ids filter + hash of id within the shard range). */
  adAccounts(signal?: AbortSignal): Promise<AdAccountRef[]>;
  /** The shard's ad accounts whose analytics and reports the token's role may read (others are warned about once). */
  analyticsAccounts(signal?: AbortSignal): Promise<AdAccountRef[]>;
  /** An account Pinterest refused analytics of (403 code 29): skipped from here on, warned about once. */
  refusedAnalytics(account: AdAccountRef): void;
  /** An account whose listing Pinterest refused for the token's role (403 code 29): warned about once. */
  refusedListing(accountId: string): void;
  boards(signal?: AbortSignal): Promise<BoardRef[]>;
  sections(board: BoardRef, signal?: AbortSignal): Promise<SectionRef[]>;
  /** Campaigns / ad groups / ads of an account, every configured entity status. */
  entities(kind: 'campaigns' | 'ad_groups' | 'ads', account: AdAccountRef, signal?: AbortSignal): Promise<EntityRef[]>;
  /** Whether this shard captures user-level (organic) streams: its range contains 0. */
  ownsUserLevel(): boolean;
  /** Whether this shard owns the ad account (account_ids filter and key range). */
  ownsAccount(id: string): boolean;
}

export interface StrategyEnv<D extends StreamDef = StreamDef> {
  def: D;
  config: PinterestConfig;
  client: PinterestClient;
  parents: Parents;
  ctx: PassContext;
  /** Today's date (UTC, YYYY-MM-DD) as the session sees it (advanced.today pins it in tests). */
  today: string;
}

/** A strategy produces a pass: documents and progress events, never checkpoints. */
export type StrategyFn<D extends StreamDef = StreamDef> = (env: StrategyEnv<D>) => AsyncGenerator<PassEvent, void, undefined>;

export type StrategyTable = { [S in Strategy]: StrategyFn<DefOf<S>> };
