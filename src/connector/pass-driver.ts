import type { Logger } from '../log.js';
import type { BindingState } from './binding-state.js';
import type { Doc } from './pass-events.js';
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
    const patch = mergePatchBetween(this.committed, this.current) as Record<string, unknown> | undefined;
    if (patch === undefined && this.uncommittedDocs === 0) return;
    await this.out.checkpoint(patch ?? {});
    this.committed = structuredClone(this.current);
    this.uncommittedDocs = 0;
  }

  /** Runs one pass; returns the documents it emitted. Throws what the source threw, unless stopping. */
  async runPass(session: Session, o: PassOptions): Promise<number> {
    // The source sees the state as it stood when the pass began.
    const ctx: PassContext = { binding: this.binding, state: structuredClone(this.current), signal: o.signal, log: o.log, range: o.range };
    let docs = 0;
    let moved = false; // progress applied since the last document
    const events = session.pass(ctx)[Symbol.asyncIterator]();
    try {
      for (;;) {
        if (o.signal.aborted) break;
        const r = await events.next();
        if (r.done) break;
        const ev = r.value;
        switch (ev.type) {
          case 'document':
            if (moved) {
              await this.commit();
              moved = false;
            }
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
      if (o.recordCompletion) this.current.lastPassCompletedAt = new Date().toISOString();
    }
    await this.commit();
    return docs;
  }
}
