import type { Logger } from '../log.js';
import { UserError } from '../errors.js';
import { resolveResource, streamMap } from './resources.js';
import { runSession, type BindingProgress, type SessionResult } from './session-loop.js';
import type { KeyRange, OpenBinding, SessionHooks, Source } from './source.js';
import { applyMergePatch, encodeStateKey } from './state.js';

// Runs the connector's capture session in-process, outside Flow: the same session loop as an
// Open request, with every (or the listed) stream bound under its own name as state key.
// Used by the `capture` command, the demo and the bench.

export interface CaptureOutput {
  /** One captured document; await it for backpressure. */
  document(stream: string, doc: Record<string, unknown>): Promise<void> | void;
  /** Called after each checkpoint with the full reduced connector state. */
  checkpoint?(state: Record<string, unknown>): Promise<void> | void;
}

export interface RunCaptureOptions<C> {
  source: Source<C>;
  /** Raw endpoint config (validated by the source). */
  config: unknown;
  /** Stream names to capture; default every stream the config offers. */
  streams?: string[];
  /** Full connector state to resume from (`{bindingStateV1: …}`), as written by a previous run. */
  state?: unknown;
  /** One pass per binding, then return. */
  once?: boolean;
  range?: KeyRange;
  log: Logger;
  /** Abort to finish at a checkpoint boundary. */
  signal?: AbortSignal;
  output: CaptureOutput;
  onProgress?(p: BindingProgress): void;
  /** Keeps an updated endpoint config (rotated refresh token) for the next local run. */
  persistConfig?: SessionHooks['persistConfig'];
}

export interface CaptureResult extends SessionResult {
  bindings: OpenBinding[];
  /** Final full connector state. */
  state: Record<string, unknown>;
  /** Documents per stream. */
  counts: Record<string, number>;
}

export async function runCapture<C>(o: RunCaptureOptions<C>): Promise<CaptureResult> {
  const config = o.source.parseConfig(o.config);
  const available = o.source.streams(config);
  const byName = streamMap(available);
  const names = o.streams?.length ? o.streams : available.map((s) => s.name);
  for (const n of names) if (!byName.has(n)) throw new UserError(`unknown stream "${n}"`);
  const bindings: OpenBinding[] = names.map((stream, index) => ({
    index,
    resource: resolveResource(byName, { stream }, index),
    stateKey: encodeStateKey([stream]),
  }));
  const range = o.range ?? { begin: 0, end: 0xffffffff };
  const session = await o.source.openSession(config, bindings, range, { log: o.log, persistConfig: o.persistConfig });

  let state = (o.state && typeof o.state === 'object' ? structuredClone(o.state) : {}) as Record<string, unknown>;
  const counts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const result = await runSession({
    session,
    bindings,
    range,
    state,
    log: o.log,
    stop: o.signal,
    once: o.once,
    onProgress: (p) => o.onProgress?.(p),
    output: {
      captured(binding, doc) {
        const stream = names[binding];
        counts[stream]++;
        return o.output.document(stream, doc);
      },
      checkpoint(cp) {
        state = applyMergePatch(state, cp.updated) as Record<string, unknown>;
        return o.output.checkpoint?.(state);
      },
    },
  });
  return { ...result, bindings, state, counts };
}
