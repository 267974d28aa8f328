// The one shape every binding's checkpointed state has (version 2). Deployed captures hold it for
// as long as they run, so every field name is chosen to be read by a person inspecting a capture's
// state, and every change needs a migration in state-migrations.ts plus a test with literal states.

export const BINDING_STATE_VERSION = 2;

/** Last day fully read, for date-cursored work (analytics, reports): `YYYY-MM-DD`. */
export interface DayCursor {
  lastDay: string;
}

/**
 * Entity listings have no server-side "changed since" filter: the connector remembers the greatest
 * `updated_time` it has emitted, and which ids carried exactly that second (so an entity updated
 * again within the same second is still emitted, and one seen already is not).
 */
export interface UpdatedTimeCursor {
  updatedTime: number;
  idsAtUpdatedTime: string[];
}

export type SubtaskCursor = DayCursor | UpdatedTimeCursor;

export const isDayCursor = (c: SubtaskCursor | undefined): c is DayCursor => !!c && typeof (c as DayCursor).lastDay === 'string';
export const isUpdatedTimeCursor = (c: SubtaskCursor | undefined): c is UpdatedTimeCursor =>
  !!c && typeof (c as UpdatedTimeCursor).updatedTime === 'number';

/** Where the pass in progress stands: the unit being read, in walk order, and its next page. */
export interface PassProgress {
  /** Position of the unit in the pass's walk order, e.g. `[ad account id, campaign id]`. */
  unit: string[];
  /** Bookmark of the unit's next page. */
  nextPage?: string;
  /** The unit was read to its end. */
  unitDone?: true;
  /** Greatest `updated_time` (and its ids) seen so far in the unit being read. */
  running?: { updatedTime: number; ids: string[] };
}

export interface BindingState {
  version: typeof BINDING_STATE_VERSION;
  /** Durable progress of each unit of work kept across passes, e.g. `ad_account:549755800001`, `user`. */
  subtasks: Record<string, SubtaskCursor>;
  /**
   * A cursor for every subtask that has none of its own yet: what the previous connector's state
   * (one cursor per stream, for all accounts) becomes.
   */
  inherited?: SubtaskCursor;
  /** The pass in progress; absent between passes. */
  pass?: PassProgress;
  /** When the last complete pass finished (ISO-8601). */
  lastPassCompletedAt?: string;
  /**
   * Full-refresh streams: the keys (JSON arrays of the key values, sorted) of every document the
   * last complete pass captured, so the next complete pass can delete what vanished; or, past
   * DELETION_KEYS_CAP documents, only their count (deletions are then not tracked).
   */
  present?: { keys: string[] } | { overCap: number };
}

/** Most document keys a binding's state remembers for deletions (~1 MB of 18-digit ids). */
export const DELETION_KEYS_CAP = 50_000;

export function emptyBindingState(): BindingState {
  return { version: BINDING_STATE_VERSION, subtasks: {} };
}

/** The cursor a subtask resumes from: its own, else the inherited one. */
export function cursorOf(state: Readonly<BindingState>, subtask: string): SubtaskCursor | undefined {
  return state.subtasks[subtask] ?? state.inherited;
}

export function dayCursorOf(state: Readonly<BindingState>, subtask: string): string | undefined {
  const c = cursorOf(state, subtask);
  return isDayCursor(c) ? c.lastDay : undefined;
}

export function updatedTimeCursorOf(state: Readonly<BindingState>, subtask: string): UpdatedTimeCursor | undefined {
  const c = cursorOf(state, subtask);
  return isUpdatedTimeCursor(c) ? c : undefined;
}
