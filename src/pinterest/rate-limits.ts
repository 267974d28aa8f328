import Bottleneck from 'bottleneck';
import type { RateCategory } from './client-types.js';

// Pinterest's published budgets (SPEC §5): ads_analytics 300/min and ads_read 1000/min per user per
// app; the other categories only have the universal 100 requests/s, i.e. 6000/min.
export const DEFAULT_BUDGETS_PER_MINUTE: Record<RateCategory, number> = {
  ads_analytics: 300,
  ads_read: 1000,
  org_read: 6000,
  org_analytics: 6000,
  catalogs_read: 6000,
};
export const DEFAULT_OVERALL_PER_SECOND = 100;

export interface RateBudgets {
  perMinute: Record<RateCategory, number>;
  overallPerSecond: number;
}

export function budgetsFrom(advanced: Record<string, unknown>): RateBudgets {
  const perMinute = { ...DEFAULT_BUDGETS_PER_MINUTE };
  const raw = advanced.rate_limits;
  if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (k in perMinute && typeof v === 'number' && v > 0) perMinute[k as RateCategory] = v;
    }
  }
  const overall = advanced.max_requests_per_second;
  return { perMinute, overallPerSecond: typeof overall === 'number' && overall > 0 ? overall : DEFAULT_OVERALL_PER_SECOND };
}

// Requests are spaced evenly (minTime) rather than released in per-minute bursts: an evenly spaced
// stream never exceeds the budget in any window, however Pinterest aligns its windows. Limiters are
// process-wide so every binding (and Validate, in the same process) draws from one budget.
const overallLimiters = new Map<string, Bottleneck>();
const categoryLimiters = new Map<string, Scheduler>();

export interface Scheduler {
  schedule<T>(fn: () => T | PromiseLike<T>): Promise<T>;
}

// Bottleneck spaces jobs with timers (≥ 1 ms each, drained one at a time), which caps it at a few
// hundred jobs/s. Budgets spaced under a millisecond exceed anything Pinterest grants (they are
// how a local sandbox or benchmark turns limits off), so they bypass the limiter entirely.
const UNLIMITED_BELOW_MS = 1;

// Requests are paced at 97% of the budget: spaced exactly at the budget, a few milliseconds of
// network jitter around a fixed window's edge let one request too many land in a window (a 429).
export const BUDGET_HEADROOM = 0.97;
const unlimited: Scheduler = { schedule: async (fn) => fn() };

function overallLimiter(scope: string, perSecond: number): Bottleneck {
  const key = `${scope}|${perSecond}`;
  let l = overallLimiters.get(key);
  if (!l) {
    l = new Bottleneck({ minTime: 1000 / (perSecond * BUDGET_HEADROOM) });
    overallLimiters.set(key, l);
  }
  return l;
}

/** `scope` identifies whose budget this is (the API base URL): one per user per app in practice. */
export function limiterFor(scope: string, category: RateCategory, budgets: RateBudgets): Scheduler {
  const perMinute = budgets.perMinute[category];
  const key = `${scope}|${category}:${perMinute}:${budgets.overallPerSecond}`;
  let l = categoryLimiters.get(key);
  if (!l) {
    const categoryMs = 60_000 / (perMinute * BUDGET_HEADROOM);
    const overallMs = 1000 / (budgets.overallPerSecond * BUDGET_HEADROOM);
    if (categoryMs < UNLIMITED_BELOW_MS && overallMs < UNLIMITED_BELOW_MS) l = unlimited;
    else {
      const b = new Bottleneck({ minTime: categoryMs < UNLIMITED_BELOW_MS ? 0 : categoryMs });
      if (overallMs >= UNLIMITED_BELOW_MS) b.chain(overallLimiter(scope, budgets.overallPerSecond));
      l = b;
    }
    categoryLimiters.set(key, l);
  }
  return l;
}

// A 429 pauses the whole category (every binding), not just the request that got it.
const blockedUntil = new Map<string, number>();

export function blockCategory(scope: string, category: RateCategory, untilMs: number): void {
  const key = `${scope}|${category}`;
  if ((blockedUntil.get(key) ?? 0) < untilMs) blockedUntil.set(key, untilMs);
}

export function categoryBlockedForMs(scope: string, category: RateCategory): number {
  return Math.max(0, (blockedUntil.get(`${scope}|${category}`) ?? 0) - Date.now());
}
