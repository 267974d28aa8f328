import type { StrategyFn } from '../streams/strategy.js';
import type { Strategy } from '../streams/types.js';

// user_analytics, pin_analytics, sync_analytics, async_report
export const ANALYTICS_STRATEGIES: Partial<Record<Strategy, StrategyFn>> = {};
