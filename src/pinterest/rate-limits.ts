import Bottleneck from 'bottleneck';
import type { RateCategory } from './client-types.js';
import type { Settings } from './config.js';


export interface RateBudgets {
  perMinute: Record<RateCategory, number>;
  overallPerSecond: number;
}

export function budgetsFrom(settings: Pick<Settings, 'rate_limits' | 'max_requests_per_second'>): RateBudgets {
  return { perMinute: { ...settings.rate_limits }, overallPerSecond: settings.max_requests_per_second };
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
