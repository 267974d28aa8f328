import type { StrategyTable } from '../streams/strategy.js';
import { pinAnalytics, userAnalytics } from '../analytics/organic.js';
import { asyncReport } from '../analytics/reports.js';
import { syncAnalytics } from '../analytics/sync.js';
import { incrementalList } from './incremental-list.js';
import { accountChildren, boardChildren, keywords, list, single } from './lists.js';

// The handful of strategies that interpret the stream table: one per StreamDef variant.
export const STRATEGIES: StrategyTable = {
  single,
  list,
  board_children: boardChildren,
  account_children: accountChildren,
  keywords,
  incremental_list: incrementalList,
  user_analytics: userAnalytics,
  pin_analytics: pinAnalytics,
  sync_analytics: syncAnalytics,
  async_report: asyncReport,
};
