import type { OpenBinding, PassContext, KeyRange } from '../connector/source.js';
import { applyMergePatch } from '../connector/state.js';
import type { Logger } from '../log.js';

// A PassContext that keeps documents and state in memory: runs one binding pass outside Flow
// (benchmarks, tests). Checkpoints merge their patch into the state as Flow does (RFC 7396).

export interface MemoryPass {
  ctx: PassContext;
  /** Documents emitted (empty when the pass was made with keepDocs: false). */
  docs: Array<Record<string, unknown>>;
  emitted: number;
  /** Documents committed by a checkpoint (what a restart would keep). */
  committed: number;
  checkpoints: number;
  state: Record<string, unknown>;
}

export function memoryPass(opts: {
  stream: string;
  index?: number;
  log: Logger;
  /** false: count documents without keeping them (large benchmark passes). Default true. */
  keepDocs?: boolean;
  state?: Record<string, unknown>;
  signal?: AbortSignal;
  range?: KeyRange;
  syncMode?: 'incremental' | 'full_refresh';
  onCheckpoint?: (pass: MemoryPass) => void;
}): MemoryPass {
  const binding: OpenBinding = {
    index: opts.index ?? 0,
    resource: { stream: opts.stream, syncMode: opts.syncMode ?? 'incremental', interval: 'PT1H' },
    stateKey: opts.stream,
  };
  const keep = opts.keepDocs ?? true;
  const pass: MemoryPass = {
    docs: [],
    emitted: 0,
    committed: 0,
    checkpoints: 0,
    state: structuredClone(opts.state ?? {}),
    ctx: undefined as unknown as PassContext,
  };
  pass.ctx = {
    binding,
    get state() {
      return pass.state;
    },
    emit(doc) {
      pass.emitted++;
      if (keep) pass.docs.push(doc);
    },
    async checkpoint(patch) {
      pass.state = applyMergePatch(pass.state, patch) as Record<string, unknown>;
      pass.committed = pass.emitted;
      pass.checkpoints++;
      opts.onCheckpoint?.(pass);
    },
    signal: opts.signal ?? new AbortController().signal,
    log: opts.log,
    range: opts.range ?? { begin: 0, end: 0xffffffff },
  };
  return pass;
}
