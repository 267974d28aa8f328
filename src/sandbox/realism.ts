// Switches for Pinterest behaviours that real accounts show but a plain test account does not:
// group boards, shared ad accounts with limited Business Access roles, huge boards and the
// board-pin pagination cap, URL length limits, report status-filter limits, Business Access
// reads of another profile's organic data, fractional board timestamps. All default off, so the
// sandbox behaves as before unless a test asks for one; `POST /_sandbox/control` flips them live.

export interface RealismOptions {
  /** Boards 1..N are group boards: every third pin on them (p % 3 == 1) was saved by a collaborator (`is_owner: false`). */
  groupBoards?: number;
  /** The last board holds this many pins (≤ 999999) instead of the shape's pinsPerBoard. */
  hugeBoardPins?: number;
  /** `GET /boards/{id}/pins` refuses pages starting at or past this many pins (Pinterest: 100000). */
  boardPinsCap?: number | null;
  /** The last N ad accounts are owned by other business profiles and shared with the token user (roles cycle SHARED_ROLE_CYCLE). */
  sharedAdAccounts?: number;
  /** Explicit Business Access roles per ad account id (an account without OWNER is shared). */
  adAccountRoles?: Record<string, string[]>;
  /** Organic and catalog endpoints honour `ad_account_id`: the owner of that account is the "operation user_account". */
  businessAccess?: boolean;
  /** `board_pins_modified_at` with microseconds ("2021-10-25T11:17:56.715000"), as the real API writes it. */
  fractionalTimestamps?: boolean;
  /** Requests whose path + query exceed this many bytes answer 414 (`true` = 8192). */
  maxUrlBytes?: number | boolean | null;
  /** Report creation enforces the body schema's maxItems (6) on *_statuses filters (and 7 on campaign_objective_types). */
  reportFilterLimits?: boolean;
  /**
   * pins/analytics `metric_types` are alternatives (items oneOf Standard | Video Pin metric types):
   * combining a standard-only metric (USER_FOLLOW, PROFILE_VISIT) with a video-only one answers 400.
   */
  exclusivePinMetricTypes?: boolean;
}

/** Roles given to shared ad accounts in turn: full analytics first, then limited ones. */
export const SHARED_ROLE_CYCLE: string[][] = [['ADMIN'], ['FINANCE_MANAGER'], ['ANALYST'], ['AUDIENCE_MANAGER'], ['CAMPAIGN_MANAGER'], ['CATALOGS_MANAGER', 'FINANCE_VIEW']];

/** Roles that may read campaigns, ad groups, ads, keywords and every analytics endpoint (operation descriptions). */
export const ADS_ROLES = ['OWNER', 'ADMIN', 'ANALYST', 'CAMPAIGN_MANAGER'];
/** Audiences and customer lists: the ads roles plus Audience Manager (UNVERIFIED: not in the descriptions). */
export const AUDIENCE_ROLES = [...ADS_ROLES, 'AUDIENCE_MANAGER'];
/** catalogs/list with ad_account_id: "Owner, Admin, Catalogs Manager" (operation description). */
export const CATALOG_ROLES = ['OWNER', 'ADMIN', 'CATALOGS_MANAGER'];
/** Boards, pins, user account with ad_account_id; pins/analytics names "Admin, Analyst". */
export const ORGANIC_ROLES = ['OWNER', 'ADMIN', 'ANALYST'];

export const DEFAULT_MAX_URL_BYTES = 8192;
export const PINTEREST_BOARD_PINS_CAP = 100_000;

export class Realism {
  groupBoards: number;
  hugeBoardPins: number;
  boardPinsCap: number | null;
  sharedAdAccounts: number;
  adAccountRoles: Record<string, string[]>;
  businessAccess: boolean;
  fractionalTimestamps: boolean;
  maxUrlBytes: number | null;
  reportFilterLimits: boolean;
  exclusivePinMetricTypes: boolean;

  constructor(o: RealismOptions = {}) {
    this.groupBoards = 0;
    this.hugeBoardPins = 0;
    this.boardPinsCap = null;
    this.sharedAdAccounts = 0;
    this.adAccountRoles = {};
    this.businessAccess = false;
    this.fractionalTimestamps = false;
    this.maxUrlBytes = null;
    this.reportFilterLimits = false;
    this.exclusivePinMetricTypes = false;
    this.set(o);
  }

  /** Applies the given switches (others unchanged); throws on a bad value. */
  set(o: RealismOptions): void {
    const count = (k: string, v: unknown, max: number) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new Error(`${k} must be an integer 0..${max}`);
      return v;
    };
    if (o.groupBoards !== undefined) this.groupBoards = count('groupBoards', o.groupBoards, 999_999);
    if (o.hugeBoardPins !== undefined) this.hugeBoardPins = count('hugeBoardPins', o.hugeBoardPins, 999_999);
    if (o.boardPinsCap !== undefined) this.boardPinsCap = o.boardPinsCap === null ? null : count('boardPinsCap', o.boardPinsCap, 999_999);
    if (o.sharedAdAccounts !== undefined) this.sharedAdAccounts = count('sharedAdAccounts', o.sharedAdAccounts, 999);
    if (o.adAccountRoles !== undefined) this.adAccountRoles = { ...o.adAccountRoles };
    if (o.businessAccess !== undefined) this.businessAccess = o.businessAccess === true;
    if (o.fractionalTimestamps !== undefined) this.fractionalTimestamps = o.fractionalTimestamps === true;
    if (o.maxUrlBytes !== undefined) this.maxUrlBytes = o.maxUrlBytes === true ? DEFAULT_MAX_URL_BYTES : o.maxUrlBytes === false || o.maxUrlBytes === null ? null : count('maxUrlBytes', o.maxUrlBytes, 1 << 24);
    if (o.reportFilterLimits !== undefined) this.reportFilterLimits = o.reportFilterLimits === true;
    if (o.exclusivePinMetricTypes !== undefined) this.exclusivePinMetricTypes = o.exclusivePinMetricTypes === true;
  }

  snapshot(): Record<string, unknown> {
    const { groupBoards, hugeBoardPins, boardPinsCap, sharedAdAccounts, businessAccess, fractionalTimestamps, maxUrlBytes, reportFilterLimits, exclusivePinMetricTypes } = this;
    return { groupBoards, hugeBoardPins, boardPinsCap, sharedAdAccounts, adAccountRoles: { ...this.adAccountRoles }, businessAccess, fractionalTimestamps, maxUrlBytes, reportFilterLimits, exclusivePinMetricTypes };
  }
}

/** "100.000": Pinterest's cap message groups thousands with dots. */
export function dottedThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}
