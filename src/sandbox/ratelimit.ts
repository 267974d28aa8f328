// Per-category fixed-window budgets (Pinterest's `x-ratelimit-category`), plus the overall
// per-user budget. Budgets are per (category) for the single sandbox user.

export interface Budget {
  limit: number;
  windowMs: number;
}

export interface RateLimitOptions {
  enabled?: boolean;
  /** Per-category budgets; defaults are Pinterest's published Standard-access figures. */
  budgets?: Record<string, Budget>;
  /** The overall budget across categories (Standard access: 100 requests/second). */
  overall?: Budget | null;
}

export const DEFAULT_BUDGETS: Record<string, Budget> = {
  ads_analytics: { limit: 300, windowMs: 60_000 },
  ads_read: { limit: 1000, windowMs: 60_000 },
  org_read: { limit: 1000, windowMs: 60_000 },
  org_analytics: { limit: 300, windowMs: 60_000 },
  catalogs_read: { limit: 1000, windowMs: 60_000 },
};
export const DEFAULT_OVERALL: Budget = { limit: 100, windowMs: 1000 };

interface Window {
  start: number;
  used: number;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  enabled: boolean;
  budgets: Record<string, Budget>;
  overall: Budget | null;
  private windows = new Map<string, Window>();

  constructor(o: RateLimitOptions = {}) {
    this.enabled = o.enabled ?? false;
    this.budgets = { ...DEFAULT_BUDGETS, ...(o.budgets ?? {}) };
    this.overall = o.overall === undefined ? DEFAULT_OVERALL : o.overall;
  }

  configure(o: RateLimitOptions): void {
    if (o.enabled !== undefined) this.enabled = o.enabled;
    if (o.budgets) this.budgets = { ...this.budgets, ...o.budgets };
    if (o.overall !== undefined) this.overall = o.overall;
    this.windows.clear();
  }

  private take(key: string, b: Budget, now: number): { ok: boolean; remaining: number; resetMs: number } {
    let w = this.windows.get(key);
    if (!w || now - w.start >= b.windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    const resetMs = w.start + b.windowMs - now;
    if (w.used >= b.limit) return { ok: false, remaining: 0, resetMs };
    w.used++;
    return { ok: true, remaining: b.limit - w.used, resetMs };
  }

  check(category: string): RateDecision | null {
    if (!this.enabled) return null;
    const now = Date.now();
    if (this.overall) {
      const o = this.take('__overall', this.overall, now);
      if (!o.ok) return { allowed: false, headers: headers(this.overall.limit, 0, o.resetMs) };
    }
    const b = this.budgets[category];
    if (!b) return { allowed: true, headers: {} };
    const r = this.take(category, b, now);
    return { allowed: r.ok, headers: headers(b.limit, r.remaining, r.resetMs) };
  }
}

function headers(limit: number, remaining: number, resetMs: number): Record<string, string> {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    // seconds until the window resets, as Pinterest sends it
    'x-ratelimit-reset': String(Math.max(1, Math.ceil(resetMs / 1000))),
  };
}
