import type { StrategyFn } from '../streams/strategy.js';
import type { Strategy } from '../streams/types.js';

// single, list, child_list, incremental_list
export const ENTITY_STRATEGIES: Partial<Record<Strategy, StrategyFn>> = {};
