import type { StrategyFn } from '../streams/strategy.js';
import type { Strategy } from '../streams/types.js';
import { pinAnalytics, userAnalytics } from '../analytics/organic.js';
import { asyncReport } from '../analytics/reports.js';
import { syncAnalytics } from '../analytics/sync.js';

export const ANALYTICS_STRATEGIES: Partial<Record<Strategy, StrategyFn>> = {
  user_analytics: userAnalytics,
  pin_analytics: pinAnalytics,
  sync_analytics: syncAnalytics,
  async_report: asyncReport,
};
