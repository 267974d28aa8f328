import type { Logger } from '../log.js';
import { DELETION_KEYS_CAP, type BindingState } from './binding-state.js';
import type { Doc, PassEvent } from './pass-events.js';
import type { KeyRange, OpenBinding, PassContext, Session } from './source.js';
import { mergePatchBetween } from './state.js';

// The one place binding state changes and checkpoints are taken. A pass is a stream of events
// from the source; the driver applies each progress event to the typed state and checkpoints the
// difference to what Flow last committed. Progress events with no document between them land in
// one checkpoint (an account's cursor and the end of its listing are committed together), and a
// long unit without progress (a report file) still commits its documents every COMMIT_EVERY.

export const COMMIT_EVERY = 10_000;

export interface DriverOutput {
  captured(binding: number, doc: Doc): Promise<void> | void;
  /** Commit documents so far plus this merge patch of the binding's state. */
  checkpoint(bindingPatch: Record<string, unknown>): Promise<void>;
}

export interface PassOptions {
  signal: AbortSignal;
  log: Logger;
  range: KeyRange;
  /** Record the completion time (polling sessions); one-shot runs only commit. */
  recordCompletion: boolean;
  onDocument?(): void;
}

export class BindingDriver {
  /** The state as of the last event applied. */
  private current: BindingState;
  /** What Flow holds for this binding (the last checkpoint, or the state it was opened with). */
  private committed: unknown;
  private uncommittedDocs = 0;

  constructor(
    readonly binding: OpenBinding,
    initial: BindingState,
    openedWith: unknown,
    private readonly out: DriverOutput,
  ) {
    this.current = initial;
    this.committed = openedWith ?? {};
  }

  get state(): Readonly<BindingState> {
    return this.current;
  }

  /** Checkpoints when the state moved or documents wait; a no-op otherwise. */
  async commit(): Promise<void> {
    // `present` (up to DELETION_KEYS_CAP keys) changes only at the end of a pass: it is compared
    // by reference there rather than walked at every checkpoint.
    const { present, ...rest } = this.current;
    const { present: committedPresent, ...committedRest } = (this.committed ?? {}) as Partial<BindingState>;
    let patch = mergePatchBetween(committedRest, rest) as Record<string, unknown> | undefined;
    if (present !== committedPresent) patch = { ...patch, present: present ?? null };
    if (patch === undefined && this.uncommittedDocs === 0) return;
    await this.out.checkpoint(patch ?? {});
    this.committed = { ...structuredClone(rest), ...(present ? { present } : {}) };
    this.uncommittedDocs = 0;
  }

  /** Runs one pass; returns the documents it emitted. Throws what the source threw, unless stopping. */
  async runPass(session: Session, o: PassOptions): Promise<number> {
    // The source sees the state as it stood when the pass began.
    const { present: _present, ...visible } = this.current;
    const ctx: PassContext = { binding: this.binding, state: structuredClone(visible), signal: o.signal, log: o.log, range: o.range };
    const deletionKey = session.deletionKey?.(this.binding);
    // A pass resumed mid-way did not see the objects read before the interruption: it deletes nothing.
    let partial: string | undefined = this.current.pass ? 'it resumed an interrupted pass' : undefined;
    const seen = deletionKey ? new Set<string>() : undefined;
    let docs = 0;
    let moved = false; // progress applied since the last document
    const events = session.pass(ctx)[Symbol.asyncIterator]();
    try {
      for (;;) {
        if (o.signal.aborted) break;
        const pending = events.next();
        let r: IteratorResult<PassEvent, unknown>;
        if (moved) {
          // Progress waiting to be committed: events that follow at once (a cursor and the end of
          // its unit) join it; when the source has to wait (the next request), commit now.
          const first = await Promise.race([pending, idle()]);
          if (first === IDLE) {
            await this.commit();
            moved = false;
            r = await pending;
          } else r = first;
        } else r = await pending;
        if (r.done) break;
        const ev = r.value;
        switch (ev.type) {
          case 'document':
            if (moved) {
              await this.commit();
              moved = false;
            }
            if (seen && deletionKey && seen.size <= DELETION_KEYS_CAP) seen.add(keyOf(ev.doc, deletionKey));
            await this.out.captured(this.binding.index, ev.doc);
            docs++;
            o.onDocument?.();
            if (++this.uncommittedDocs >= COMMIT_EVERY) await this.commit();
            break;
          case 'page':
            this.current.pass = ev.running ? { unit: ev.unit, nextPage: ev.nextPage, running: ev.running } : { unit: ev.unit, nextPage: ev.nextPage };
            moved = true;
            break;
          case 'unit_done':
            this.current.pass = { unit: ev.unit, unitDone: true };
            moved = true;
            break;
          case 'cursor':
            this.current.subtasks[ev.subtask] = ev.cursor;
            moved = true;
            break;
          case 'partial':
            partial ??= ev.reason;
            break;
        }
      }
    } catch (err) {
      if (!o.signal.aborted) throw err;
      // Unwinding after a stop (aborted requests): what was applied is consistent; keep it.
      o.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'pass ended by stop');
    } finally {
      await events.return?.().catch(() => undefined);
    }
    if (!o.signal.aborted) {
      delete this.current.pass;
      if (seen && deletionKey) docs += await this.deleteVanished(seen, deletionKey, partial, o);
      if (o.recordCompletion) this.current.lastPassCompletedAt = new Date().toISOString();
    }
    await this.commit();
    return docs;
  }

  /** Deletion documents for what the last complete pass had and this one lacks; remembers this pass. */
  private async deleteVanished(seen: Set<string>, key: string[], partial: string | undefined, o: PassOptions): Promise<number> {
    if (partial) {
      o.log.info({ stream: this.binding.resource.stream, reason: partial }, `no deletions this pass: ${partial}`);
      return 0;
    }
    const before = this.current.present;
    let deleted = 0;
    if (before && 'keys' in before) {
      for (const k of before.keys) {
        if (seen.has(k)) continue;
        await this.out.captured(this.binding.index, deletionDoc(k, key));
        deleted++;
        if (++this.uncommittedDocs >= COMMIT_EVERY) await this.commit();
      }
    }
    if (seen.size > DELETION_KEYS_CAP) {
      if (!before || 'keys' in before) {
        o.log.warn(
          { eventType: 'connectorStatus', stream: this.binding.resource.stream, cap: DELETION_KEYS_CAP },
          `${this.binding.resource.stream}: more than ${DELETION_KEYS_CAP} documents; deletions are not tracked for this binding while it stays that large`,
        );
      }
      this.current.present = { overCap: seen.size };
    } else {
      this.current.present = { keys: [...seen].sort() };
    }
    if (deleted > 0) o.log.info({ eventType: 'connectorStatus', stream: this.binding.resource.stream, deleted }, `${this.binding.resource.stream}: ${deleted} deleted object(s) since the last complete pass`);
    return deleted;
  }
}

const IDLE = Symbol('idle');
/** Resolves once pending I/O callbacks have run: what the source can produce without waiting has been produced. */
const idle = (): Promise<typeof IDLE> => new Promise((resolve) => setImmediate(() => resolve(IDLE)));

/** A document's key as one string: the JSON array of its key values. */
function keyOf(doc: Doc, key: string[]): string {
  return JSON.stringify(key.map((p) => doc[p.slice(1)] ?? null));
}

/** Flow's deletion convention: the key fields and `_meta.op = "d"`. */
function deletionDoc(k: string, key: string[]): Doc {
  const values = JSON.parse(k) as unknown[];
  const doc: Doc = {};
  key.forEach((p, i) => (doc[p.slice(1)] = values[i]));
  doc._meta = { op: 'd' };
  return doc;
}
