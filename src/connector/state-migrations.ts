import { BINDING_STATE_VERSION, emptyBindingState, type BindingState, type PassProgress, type SubtaskCursor } from './binding-state.js';
import { isObject } from './state.js';

// Every binding-state shape a deployed capture may hold, read into the current BindingState.
//
// Version 1 (this connector before state was typed) had no version field and one of three shapes:
//   entity lists:  { pass: { pos, bookmark?, done?, t?, ids? }, cursors: { <ad account id>: { t, ids } } }
//   analytics:     { accounts: { <ad account id>: { cursor: 'YYYY-MM-DD' } } }
//   user-level:    { cursor: 'YYYY-MM-DD' }
// each with `passCompletedAt` once a pass had completed. Its per-account cursors were always ad
// accounts, and user-level streams had one cursor: they become subtasks `ad_account:<id>` and `user`.
//
// The previous connector (Airbyte's source-pinterest behind Estuary's adapter) kept no binding
// state at all: one object keyed by stream name at the top level of the connector state, with one
// cursor per stream for every account (`{updated_time: <epoch s>}`, `{DATE}`, `{date}`).

export const accountSubtask = (accountId: string): string => `ad_account:${accountId}`;
export const USER_SUBTASK = 'user';

export interface Migrated {
  state: BindingState;
  /** The shape it was read from, for the log. */
  from: 'empty' | 'v1' | 'v2';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function v1Pass(p: unknown): PassProgress | undefined {
  if (!isObject(p) || !Array.isArray(p.pos)) return undefined;
  const out: PassProgress = { unit: strings(p.pos) };
  const bookmark = str(p.bookmark);
  if (p.done === true) out.unitDone = true;
  else if (bookmark) out.nextPage = bookmark;
  const t = num(p.t);
  if (t !== undefined) out.running = { updatedTime: t, ids: strings(p.ids) };
  return out;
}

function fromV1(raw: Record<string, unknown>): BindingState {
  const state = emptyBindingState();
  if (isObject(raw.cursors)) {
    for (const [account, c] of Object.entries(raw.cursors)) {
      const t = isObject(c) ? num(c.t) : undefined;
      if (t !== undefined) state.subtasks[accountSubtask(account)] = { updatedTime: t, idsAtUpdatedTime: strings((c as Record<string, unknown>).ids) };
    }
  }
  if (isObject(raw.accounts)) {
    for (const [account, c] of Object.entries(raw.accounts)) {
      const day = isObject(c) ? str(c.cursor) : undefined;
      if (day) state.subtasks[accountSubtask(account)] = { lastDay: day };
    }
  }
  const day = str(raw.cursor);
  if (day) state.subtasks[USER_SUBTASK] = { lastDay: day };
  const pass = v1Pass(raw.pass);
  if (pass) state.pass = pass;
  const completed = str(raw.passCompletedAt);
  if (completed) state.lastPassCompletedAt = completed;
  return state;
}

function fromV2(raw: Record<string, unknown>): BindingState {
  const state = emptyBindingState();
  if (isObject(raw.subtasks)) {
    for (const [k, c] of Object.entries(raw.subtasks)) {
      const cursor = cursorFrom(c);
      if (cursor) state.subtasks[k] = cursor;
    }
  }
  const inherited = cursorFrom(raw.inherited);
  if (inherited) state.inherited = inherited;
  if (isObject(raw.pass) && Array.isArray(raw.pass.unit)) {
    const p = raw.pass;
    const pass: PassProgress = { unit: strings(p.unit) };
    if (p.unitDone === true) pass.unitDone = true;
    else if (str(p.nextPage)) pass.nextPage = str(p.nextPage);
    if (isObject(p.running) && num(p.running.updatedTime) !== undefined) pass.running = { updatedTime: num(p.running.updatedTime)!, ids: strings(p.running.ids) };
    state.pass = pass;
  }
  const completed = str(raw.lastPassCompletedAt);
  if (completed) state.lastPassCompletedAt = completed;
  if (isObject(raw.present)) {
    if (Array.isArray(raw.present.keys)) state.present = { keys: strings(raw.present.keys) };
    else if (num(raw.present.overCap) !== undefined) state.present = { overCap: num(raw.present.overCap)! };
  }
  return state;
}

function cursorFrom(c: unknown): SubtaskCursor | undefined {
  if (!isObject(c)) return undefined;
  const day = str(c.lastDay);
  if (day) return { lastDay: day };
  const t = num(c.updatedTime);
  return t === undefined ? undefined : { updatedTime: t, idsAtUpdatedTime: strings(c.idsAtUpdatedTime) };
}

/** A binding's state as Flow replays it (any version, or nothing) → the current BindingState. */
export function migrateBindingState(raw: unknown): Migrated {
  if (!isObject(raw) || Object.keys(raw).length === 0) return { state: emptyBindingState(), from: 'empty' };
  if (raw.version === BINDING_STATE_VERSION) return { state: fromV2(raw), from: 'v2' };
  return { state: fromV1(raw), from: 'v1' };
}

/**
 * The previous connector's cursor for one stream (`{updated_time}`, `{DATE}` or `{date}`) as the
 * cursor every subtask of the binding inherits; undefined when it holds nothing usable.
 */
export function inheritedFromPreviousConnector(value: unknown): SubtaskCursor | undefined {
  if (!isObject(value)) return undefined;
  const t = typeof value.updated_time === 'string' ? Number(value.updated_time) : value.updated_time;
  if (typeof t === 'number' && Number.isFinite(t)) return { updatedTime: t, idsAtUpdatedTime: [] };
  const day = str(value.DATE) ?? str(value.date);
  if (day && /^\d{4}-\d{2}-\d{2}/.test(day)) return { lastDay: day.slice(0, 10) };
  return undefined;
}

/** Top-level keys of a connector state that the previous connector wrote (everything but ours). */
export function previousConnectorKeys(connectorState: unknown): string[] {
  return isObject(connectorState) ? Object.keys(connectorState).filter((k) => k !== 'bindingStateV1') : [];
}
