import { setMaxListeners } from 'node:events';
import { StopSession, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { parseIsoDuration } from './duration.js';
import { BindingDriver } from './pass-driver.js';
import type { KeyRange, OpenBinding, Session } from './source.js';
import { isObject } from './state.js';
import { inheritedFromPreviousConnector, migrateBindingState, previousConnectorKeys } from './state-migrations.js';

// The capture session: every binding polls on its own interval, concurrently, each pass emitting
// documents and merge-patch checkpoints of its own state. Used by the Flow Open handler and by
// `runCapture` (CLI capture, demo, bench) alike.

export interface SessionOutput {
  captured(binding: number, doc: Record<string, unknown>): Promise<void> | void;
  checkpoint(state: { updated: Record<string, unknown>; mergePatch: true }): Promise<void> | void;
  flush?(): Promise<void>;
}

export interface BindingProgress {
  binding: OpenBinding;
  docs: number;
  passes: number;
  running: boolean;
  done: boolean;
}

export interface RunSessionOptions {
  session: Session;
  bindings: OpenBinding[];
  range: KeyRange;
  /** Full connector state as Flow replays it: `{bindingStateV1: {<stateKey>: {...}}}`. */
  state: unknown;
  output: SessionOutput;
  log: Logger;
  /** Aborted on stdin EOF / SIGTERM: passes are aborted and the session ends at a checkpoint. */
  stop?: AbortSignal;
  /** Run one pass per binding, then end. */
  once?: boolean;
  /** How long to wait for passes to honour an abort before finishing anyway. */
  graceMs?: number;
  /** Minimum pause between two passes of a binding, whatever its interval. */
  minGapMs?: number;
  onProgress?(p: BindingProgress): void;
}

export interface SessionResult {
  reason: 'stopped' | 'completed' | 'stop-session';
  docs: number;
  checkpoints: number;
  /** Each binding's state at the end, by state key. */
  states: Record<string, Record<string, unknown>>;
}

function passCompletedAt(at: string | undefined): number | undefined {
  const t = at === undefined ? NaN : Date.parse(at);
  return Number.isFinite(t) ? t : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function afterAbort(signal: AbortSignal, ms: number): Promise<'timeout'> {
  return new Promise((resolve) => {
    const arm = () => setTimeout(() => resolve('timeout'), ms).unref();
    if (signal.aborted) arm();
    else signal.addEventListener('abort', arm, { once: true });
  });
}

export class SessionClosedError extends Error {
  constructor() {
    super('capture session is stopping');
    this.name = 'AbortError';
  }
}

export async function runSession(o: RunSessionOptions): Promise<SessionResult> {
  const ctrl = new AbortController();
  // Every in-flight request of every binding listens on this one signal: no listener cap.
  setMaxListeners(0, ctrl.signal);
  const onStop = () => ctrl.abort(o.stop?.reason);
  if (o.stop?.aborted) onStop();
  else o.stop?.addEventListener('abort', onStop, { once: true });

  const prior = isObject(o.state) && isObject(o.state.bindingStateV1) ? o.state.bindingStateV1 : {};
  const states: Record<string, Record<string, unknown>> = {};
  let docSeq = 0; // documents written so far
  let checkpointedSeq = 0; // docSeq at the last checkpoint
  let checkpoints = 0;
  let closed = false;
  let fatal: unknown;
  let stopSession: StopSession | undefined;

  // The previous connector's state sits at the top level: bindings without a state of their own
  // inherit their stream's cursor, and the first checkpoint removes the old keys (Flow merges
  // checkpoints into the stored state, so they would stay forever).
  let previousKeys = previousConnectorKeys(o.state);
  const previous = isObject(o.state) ? o.state : {};
  const inheritedBy: string[] = [];

  const checkpoint = async (updated: Record<string, unknown>) => {
    if (previousKeys.length > 0) {
      for (const k of previousKeys) if (!(k in updated)) updated[k] = null;
      previousKeys = [];
    }
    checkpointedSeq = docSeq;
    checkpoints++;
    await o.output.checkpoint({ updated, mergePatch: true });
  };

  const drivers = o.bindings.map((b) => {
    const raw = prior[b.stateKey];
    const { state } = migrateBindingState(raw);
    if (raw === undefined && previousKeys.includes(b.resource.stream)) {
      const inherited = inheritedFromPreviousConnector(previous[b.resource.stream]);
      if (inherited) {
        state.inherited = inherited;
        inheritedBy.push(`${b.resource.stream} (${'lastDay' in inherited ? `from ${inherited.lastDay}` : `after updated_time ${inherited.updatedTime}`})`);
      }
    }
    return new BindingDriver(b, state, raw, {
      captured(binding, doc) {
        if (closed || ctrl.signal.aborted) throw new SessionClosedError();
        ++docSeq;
        return o.output.captured(binding, doc);
      },
      checkpoint(patch) {
        if (closed) throw new SessionClosedError();
        return checkpoint({ bindingStateV1: { [b.stateKey]: patch } });
      },
    });
  });
  if (previousKeys.length > 0) {
    o.log.info(
      { eventType: 'connectorStatus', previousConnectorStreams: previousKeys, resumed: inheritedBy },
      `Found the previous connector's state (${previousKeys.length} stream${previousKeys.length === 1 ? '' : 's'}): ` +
        (inheritedBy.length ? `resuming ${inheritedBy.join(', ')}` : 'no bound stream can resume from it') +
        '; every other stream starts fresh. The old state is removed at the first checkpoint.',
    );
  }

  const bindingLoop = async (driver: BindingDriver): Promise<void> => {
    const b = driver.binding;
    const stream = b.resource.stream;
    const log = o.log.child({ binding: b.index, stream });
    const intervalMs = parseIsoDuration(b.resource.interval) ?? 0;
    const progress: BindingProgress = { binding: b, docs: 0, passes: 0, running: false, done: false };
    const publish = () => {
      states[b.stateKey] = driver.state;
    };
    publish();

    try {
      // A pass that finished in an earlier session (before a restart or crash) is not repeated
      // before its interval is up: a restart re-reads nothing that is already committed.
      const last = passCompletedAt(driver.state.lastPassCompletedAt);
      if (!o.once && last !== undefined && intervalMs > 0 && last + intervalMs > Date.now()) {
        const waitMs = Math.min(intervalMs, last + intervalMs - Date.now());
        log.info(
          { eventType: 'connectorStatus', nextPassInSeconds: Math.round(waitMs / 1000) },
          `Binding ${stream} completed a pass at ${new Date(last).toISOString()}; next pass in ${Math.ceil(waitMs / 60_000)} min`,
        );
        await sleep(waitMs, ctrl.signal);
      }
      while (!ctrl.signal.aborted) {
        const started = Date.now();
        progress.running = true;
        o.onProgress?.(progress);
        const docs = await driver.runPass(o.session, {
          signal: ctrl.signal,
          log,
          range: o.range,
          recordCompletion: !o.once,
          onDocument() {
            progress.docs++;
            o.onProgress?.(progress);
          },
        });
        publish();
        progress.running = false;
        progress.passes++;
        if (ctrl.signal.aborted) break;
        log.info(
          { eventType: 'connectorStatus', docs, passes: progress.passes, ms: Date.now() - started },
          `Binding ${stream} finished a pass: ${docs} document${docs === 1 ? '' : 's'}`,
        );
        o.onProgress?.(progress);
        if (o.once) break;
        await sleep(Math.max(o.minGapMs ?? 1000, started + intervalMs - Date.now()), ctrl.signal);
      }
    } catch (err) {
      if (err instanceof StopSession) {
        stopSession ??= err;
        ctrl.abort(err);
      } else if (ctrl.signal.aborted) {
        // Errors after a stop was requested are the pass unwinding (aborted requests).
        log.debug({ err: err instanceof Error ? err.message : String(err) }, 'pass ended by stop');
      } else {
        fatal ??= err instanceof UserError || !(err instanceof Error) ? err : new Error(`stream ${stream}: ${err.message}`, { cause: err });
        ctrl.abort(err);
      }
    } finally {
      publish();
      progress.running = false;
      progress.done = true;
      o.onProgress?.(progress);
    }
  };

  o.log.info(
    { eventType: 'connectorStatus', bindings: o.bindings.length, keyBegin: o.range.begin, keyEnd: o.range.end },
    `Capture started: ${o.bindings.length} binding${o.bindings.length === 1 ? '' : 's'}`,
  );
  const loops = Promise.all(drivers.map(bindingLoop));
  if (o.bindings.length === 0 && !o.once) await sleep(2 ** 31 - 1, ctrl.signal);
  const graceMs = o.graceMs ?? 20_000;
  if ((await Promise.race([loops, afterAbort(ctrl.signal, graceMs)])) === 'timeout') {
    o.log.warn({ graceMs }, 'some passes did not stop in time; finishing the session anyway');
  }
  closed = true;
  o.stop?.removeEventListener('abort', onStop);
  await o.session.close().catch((err: unknown) => o.log.debug({ err: String(err) }, 'session close failed'));
  if (fatal !== undefined) throw fatal instanceof Error ? fatal : new Error(JSON.stringify(fatal));

  // Never end between a document and its checkpoint.
  if (docSeq > checkpointedSeq) await checkpoint({});
  await o.output.flush?.();

  if (stopSession) {
    o.log.info({ eventType: 'connectorStatus', ...stopSession.fields }, `Stopping the capture session: ${stopSession.message}`);
  }
  const reason = stopSession ? 'stop-session' : ctrl.signal.aborted ? 'stopped' : 'completed';
  return { reason, docs: docSeq, checkpoints, states };
}
