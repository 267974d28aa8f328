import { ID_COLUMNS } from '../columns.js';
import { dayCursorOf, type BindingState } from '../../connector/binding-state.js';
import type { PassEvent } from '../../connector/pass-events.js';
import { accountSubtask } from '../../connector/state-migrations.js';
import type { Attribution, PinterestConfig } from '../config.js';

// Small pieces shared by the analytics strategies: attribution parameters, row normalisation,
// per-account cursor state.

const ATTRIBUTION_KEYS = ['click_window_days', 'engagement_window_days', 'view_window_days', 'conversion_report_time'] as const;

/** Attribution parameters sent with every ads analytics and report request (overrides win). */
export function attributionParams(config: Pick<PinterestConfig, 'attribution'>, overrides: Record<string, unknown> = {}): Attribution {
  const out = { ...config.attribution };
  for (const k of ATTRIBUTION_KEYS) {
    const v = overrides[k];
    if (v !== undefined && v !== null) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** Id columns as strings (the API sometimes returns them as JSON numbers). Mutates and returns `row`. */
const ID_KEYS = [...ID_COLUMNS];
export function stringifyIds(row: Record<string, unknown>): Record<string, unknown> {
  // Rows carry ~175 columns and only a handful of id columns: probe those.
  for (const k of ID_KEYS) {
    const v = row[k];
    if (typeof v === 'number' || typeof v === 'bigint') row[k] = String(v);
  }
  return row;
}

/** The last complete day of an ad account's analytics, from the binding state. */
export const accountDay = (state: Readonly<BindingState>, accountId: string): string | undefined => dayCursorOf(state, accountSubtask(accountId));

/** An ad account's analytics are complete through `day`. */
export const accountDayEvent = (accountId: string, day: string): PassEvent => ({ type: 'cursor', subtask: accountSubtask(accountId), cursor: { lastDay: day } });

/** HTTP status of a client error, whatever shape the client gives it. */
export function httpStatusOf(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { status?: unknown; statusCode?: unknown; response?: { statusCode?: unknown } };
  for (const v of [e.status, e.statusCode, e.response?.statusCode]) if (typeof v === 'number') return v;
  return undefined;
}
