import { chunk, pollWindows, type DateLimits, type DateWindow } from './windows.js';

// The request plan of one analytics binding for one poll: which ids go in which batches, over
// which date windows, per ad account. Strategies execute it; the benchmark and the debug log
// show it. Calls = Σ accounts (id batches × windows); an async report counts one job per window.

export interface PlanAccount {
  /** Ad account id (or `user` for user-level streams). */
  id: string;
  /** Entity ids whose analytics to read; for account-level streams, just the account id. */
  ids: string[];
  /** Last day fully read (from the binding state). */
  cursor?: string;
}

export interface PlanInput {
  stream: string;
  accounts: PlanAccount[];
  today: string;
  startDate: string;
  lookbackDays: number;
  limits: DateLimits;
  /** Most ids per request (250; 100 for pins; 1 when the endpoint takes no id list). */
  batch: number;
  /** Row granularity (reports): WEEK / MONTH windows hold whole periods. Default DAY. */
  granularity?: string;
}

export interface AccountPlan {
  account: string;
  entities: number;
  batches: string[][];
  windows: DateWindow[];
  calls: number;
}

export interface Plan {
  stream: string;
  calls: number;
  accounts: AccountPlan[];
  /** One line: how the call count comes about. */
  reason: string;
}

export function plan(input: PlanInput): Plan {
  const accounts = input.accounts.map((a): AccountPlan => {
    const windows = pollWindows({
      today: input.today,
      startDate: input.startDate,
      cursor: a.cursor,
      lookbackDays: input.lookbackDays,
      limits: input.limits,
      granularity: input.granularity,
    });
    const ids = [...new Set(a.ids)].sort();
    const batches = chunk(ids, Math.max(1, input.batch));
    return { account: a.id, entities: ids.length, batches, windows, calls: batches.length * windows.length };
  });
  const calls = accounts.reduce((n, a) => n + a.calls, 0);
  const reason = accounts
    .map((a) => {
      const span = a.windows.length ? `${a.windows[0].start}..${a.windows[a.windows.length - 1].end}` : 'up to date';
      return `account ${a.account}: ${a.entities} ids → ${a.batches.length} batch(es) of ≤${input.batch} × ${a.windows.length} window(s) of ≤${input.limits.maxRange}d (${span}) = ${a.calls}`;
    })
    .join('; ');
  return { stream: input.stream, calls, accounts, reason: reason || 'no accounts' };
}

/** Compact summary for the debug log (no id lists). */
export function planSummary(p: Plan): Record<string, unknown> {
  return {
    stream: p.stream,
    calls: p.calls,
    accounts: p.accounts.length,
    entities: p.accounts.reduce((n, a) => n + a.entities, 0),
    reason: p.reason,
  };
}
