import type { SubtaskCursor } from './binding-state.js';

// What a stream's pass produces. Streams never checkpoint: they yield documents and say how far
// they got, and the pass driver turns that into checkpoints of the typed binding state.

export type Doc = Record<string, unknown>;

export type PassEvent =
  /** One captured document. */
  | { type: 'document'; doc: Doc }
  /** A page of `unit` was read (its documents came before this event); `nextPage` continues it. */
  | { type: 'page'; unit: string[]; nextPage: string; running?: { updatedTime: number; ids: string[] } }
  /** `unit` was read to its end. */
  | { type: 'unit_done'; unit: string[] }
  /** A subtask's durable cursor advanced (an ad account's last complete day, its greatest updated_time). */
  | { type: 'cursor'; subtask: string; cursor: SubtaskCursor }
  /** Part of what the pass should have read was skipped (a refused parent, a capped listing): it deletes nothing. */
  | { type: 'partial'; reason: string };

export const doc = (d: Doc): PassEvent => ({ type: 'document', doc: d });
