import type { StrategyFn } from '../streams/strategy.js';
import type { Strategy } from '../streams/types.js';
import { ENTITY_STRATEGIES } from './entities.js';
import { ANALYTICS_STRATEGIES } from './analytics.js';

// The handful of fetch strategies that interpret the stream table.
export const STRATEGIES: Partial<Record<Strategy, StrategyFn>> = {
  ...ENTITY_STRATEGIES,
  ...ANALYTICS_STRATEGIES,
};
