// The sandbox's state, independent of HTTP: data, auth, faults, rate limits, stats, analytics
// overrides and report jobs, plus the control API shared by `POST /_sandbox/control` and tests.
import { AuthState, type AuthOptions } from './auth.js';
import { SandboxData, type AdKind, type Doc } from './data.js';
import { dayStr, parseDay, utcToday } from './dates.js';
import { Faults, parseFaultSpec, type FaultRule } from './faults.js';
import { RateLimiter, type RateLimitOptions } from './ratelimit.js';
import { resolveShape, type SandboxShape, type ScaleName } from './scale.js';
import { Stats } from './stats.js';
import { Analytics, type Restatement } from './analytics.js';
import { Reports } from './reports.js';
import { Realism, type RealismOptions } from './realism.js';

export interface SandboxOptions extends AuthOptions, RealismOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 1. */
  seed?: number;
  /** Default 'small'. */
  scale?: ScaleName;
  /** Overrides of the scale's shape, e.g. `{catalogs: 0}` for a user without catalogs (409 on product groups). */
  shape?: Partial<SandboxShape>;
  /** UTC "today" as YYYY-MM-DD (date-window rules, analytics, report limits). Default: the real UTC date. */
  today?: string;
  /** Rate limits: `true`/`false` or budgets. Default off. */
  rateLimits?: boolean | RateLimitOptions;
  /** Fault rules, or the CLI spec string (see parseFaultSpec). */
  faults?: FaultRule[] | string;
  /** Polls answered IN_PROGRESS before a report is FINISHED. Default 2. */
  reportPolls?: number;
  /** GET /pins/analytics is a beta endpoint: false makes it answer 403 like an app without access. Default true. */
  pinAnalytics?: boolean;
  /** Max request-log entries kept (GET /_sandbox/requests). Default 100000. */
  requestLogLimit?: number;
}

export type ControlAction =
  | { action: 'mutate'; entity: 'campaigns' | 'ad_groups' | 'ads'; adAccountId: string; ids?: string[]; count?: number; set?: Doc }
  | { action: 'add'; entity: 'campaigns' | 'ad_groups' | 'ads'; adAccountId: string; count?: number; parentId?: string; set?: Doc }
  | { action: 'faults'; faults: FaultRule[] | string }
  | { action: 'rateLimits'; enabled?: boolean; budgets?: RateLimitOptions['budgets']; overall?: RateLimitOptions['overall'] }
  | { action: 'tokens'; expireAccessTokens?: boolean; revokeRefreshTokens?: boolean; disableStaticToken?: boolean; accessTokenTtlSeconds?: number; addRefreshToken?: string; legacyApp?: boolean }
  | { action: 'restate'; restatement: Restatement }
  | { action: 'clearRestatements' }
  | { action: 'today'; today: string }
  | { action: 'resetStats' }
  | ({ action: 'realism' } & RealismOptions);

const KIND: Record<string, AdKind> = { campaigns: 'campaign', ad_groups: 'ad_group', ads: 'ad' };

export class SandboxCore {
  readonly seed: number;
  readonly data: SandboxData;
  readonly auth: AuthState;
  readonly faults: Faults;
  readonly limiter: RateLimiter;
  readonly stats: Stats;
  readonly analytics: Analytics;
  readonly reports: Reports;
  readonly pinAnalyticsEnabled: boolean;
  readonly realism: Realism;
  private readonly profiles = new Map<number, SandboxData>();
  private todayOverride: number | null = null;

  constructor(readonly options: SandboxOptions = {}) {
    this.seed = options.seed ?? 1;
    this.realism = new Realism(options);
    this.data = new SandboxData(this.seed, resolveShape(options.scale ?? 'small', options.shape), this.realism);
    this.auth = new AuthState(this.seed, options);
    this.faults = new Faults(this.seed);
    this.faults.set(typeof options.faults === 'string' ? parseFaultSpec(options.faults) : (options.faults ?? []));
    const rl = options.rateLimits;
    this.limiter = new RateLimiter(typeof rl === 'object' ? { enabled: true, ...rl } : { enabled: rl === true });
    this.stats = new Stats(options.requestLogLimit ?? 100_000);
    if (options.today) this.setToday(options.today);
    this.analytics = new Analytics(this.data);
    this.reports = new Reports(this, options.reportPolls ?? 2);
    this.pinAnalyticsEnabled = options.pinAnalytics ?? true;
  }

  /** UTC today as a day number. */
  today(): number {
    return this.todayOverride ?? utcToday();
  }

  setToday(s: string): void {
    const d = parseDay(s);
    if (d === null) throw new Error(`today must be YYYY-MM-DD, got '${s}'`);
    this.todayOverride = d;
  }

  /** The organic/catalog data of business profile ns (owner of shared ad account ns − 1), built on first use. */
  profileData(ns: number): SandboxData {
    if (ns === 0) return this.data;
    let d = this.profiles.get(ns);
    if (!d) this.profiles.set(ns, (d = SandboxData.profile(this.seed, this.data.shape, ns)));
    return d;
  }

  info(): Record<string, unknown> {
    return {
      seed: this.seed,
      scale: this.options.scale ?? 'small',
      shape: this.data.shape,
      today: dayStr(this.today()),
      adAccountIds: this.data.adAccountIds(),
      username: this.data.username,
      rateLimits: { enabled: this.limiter.enabled, budgets: this.limiter.budgets, overall: this.limiter.overall },
      faults: this.faults.list(),
      legacyApp: this.auth.legacyApp,
      realism: this.realism.snapshot(),
    };
  }

  /** Applies one control action; returns a JSON-able result. Throws Error on a bad payload. */
  control(c: ControlAction): Record<string, unknown> {
    switch (c.action) {
      case 'mutate': {
        const kind = kindOf(c.entity);
        const a = this.accountIdx(c.adAccountId);
        const ids = c.ids ?? Array.from({ length: Math.min(c.count ?? 1, this.data.count(kind, a)) }, (_, i) => this.data.entityId(kind, a, i));
        const now = Math.floor(Date.now() / 1000);
        const changed: string[] = [];
        for (const id of ids) {
          const cur = this.data.decode(kind, id);
          if (!cur || cur.a !== a) throw new Error(`${c.entity} ${id} is not in ad account ${c.adAccountId}`);
          const prev = this.data.entity(kind, a, cur.idx);
          const fields: Doc = { updated_time: Math.max(now, (prev.updated_time as number) + 1), name: `${prev.name as string} (edited)`, ...(c.set ?? {}) };
          this.data.mutate(kind, id, fields);
          changed.push(id);
        }
        return { ids: changed };
      }
      case 'add': {
        const kind = kindOf(c.entity);
        const a = this.accountIdx(c.adAccountId);
        let parentIdx = 0;
        if (kind !== 'campaign') {
          const pk: AdKind = kind === 'ad_group' ? 'campaign' : 'ad_group';
          const p = c.parentId ? this.data.decode(pk, c.parentId) : { a, idx: 0 };
          if (!p || p.a !== a) throw new Error(`parentId ${c.parentId} is not a ${pk} of ad account ${c.adAccountId}`);
          parentIdx = p.idx;
        }
        const now = Math.floor(Date.now() / 1000);
        const ids: string[] = [];
        for (let i = 0; i < (c.count ?? 1); i++) ids.push(this.data.add(kind, a, parentIdx, { created_time: now, updated_time: now, status: 'ACTIVE', ...(c.set ?? {}) }));
        return { ids };
      }
      case 'faults':
        this.faults.set(typeof c.faults === 'string' ? parseFaultSpec(c.faults) : c.faults);
        return { faults: this.faults.list() };
      case 'rateLimits':
        this.limiter.configure({ enabled: c.enabled, budgets: c.budgets, overall: c.overall });
        return { enabled: this.limiter.enabled, budgets: this.limiter.budgets, overall: this.limiter.overall };
      case 'tokens':
        if (c.expireAccessTokens) this.auth.expireAll();
        if (c.revokeRefreshTokens) this.auth.revokeRefreshTokens();
        if (c.disableStaticToken !== undefined) this.auth.staticTokenDisabled = c.disableStaticToken;
        if (c.accessTokenTtlSeconds !== undefined) this.auth.accessTokenTtlSeconds = c.accessTokenTtlSeconds;
        if (c.addRefreshToken) this.auth.addRefreshToken(c.addRefreshToken);
        if (c.legacyApp !== undefined) this.auth.legacyApp = c.legacyApp;
        return { ok: true, legacyApp: this.auth.legacyApp };
      case 'restate':
        this.analytics.restate(c.restatement);
        return { restatements: this.analytics.restatements.length };
      case 'clearRestatements':
        this.analytics.restatements.length = 0;
        return { restatements: 0 };
      case 'today':
        this.setToday(c.today);
        return { today: c.today };
      case 'resetStats':
        this.stats.reset();
        return { ok: true };
      case 'realism': {
        const { action: _a, ...o } = c;
        this.realism.set(o);
        return { realism: this.realism.snapshot() };
      }
      default:
        throw new Error(`unknown control action '${(c as { action?: string }).action}'`);
    }
  }

  private accountIdx(id: string): number {
    const a = this.data.adAccountIndex(String(id));
    if (a === null) throw new Error(`unknown ad account '${id}'`);
    return a;
  }
}

function kindOf(entity: string): AdKind {
  const k = KIND[entity];
  if (!k) throw new Error(`entity must be campaigns, ad_groups or ads (got '${entity}')`);
  return k;
}
