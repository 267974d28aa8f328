import type { KeyRange, OpenBinding, Session } from '../connector/source.js';
import type { Logger } from '../log.js';
import type { ClientStats } from '../pinterest/client-types.js';
import { ALL_ENTITY_STATUSES, settingsFrom, type PinterestConfig, type Settings } from '../pinterest/config.js';
import { openPinterestSession } from '../pinterest/session.js';
import { runSession } from '../connector/session-loop.js';
import { applyMergePatch } from '../connector/state.js';

// Runs real bindings (session, client, parents, strategies) once against an API base URL,
// keeping documents and state in memory: what benchmarks and analytics tests drive.

const FULL_RANGE: KeyRange = { begin: 0, end: 0xffffffff };

/** A normalised config for the sandbox (static access token), with `overrides` merged in. */
export function sandboxConfig(baseUrl: string, overrides: Omit<Partial<PinterestConfig>, 'advanced'> & { advanced?: Record<string, unknown> } = {}): PinterestConfig {
  const { advanced, ...rest } = overrides;
  return {
    start_date: '2020-01-01',
    credentials: { auth_method: 'access_token', access_token: 'pina_sandbox' },
    entity_statuses: [...ALL_ENTITY_STATUSES],
    attribution: { click_window_days: 30, engagement_window_days: 30, view_window_days: 1, conversion_report_time: 'TIME_OF_AD_ACTION' },
    lookback_window_days: 30,
    custom_reports: [],
    ...rest,
    advanced: settingsFrom({ api_base_url: baseUrl, ...(advanced as Partial<Settings> | undefined) }),
  };
}

/** One binding's pass as the real session loop ran it, kept in memory. */
export interface MemoryPass {
  /** Documents emitted (empty when the pass was made with keepDocs: false). */
  docs: Array<Record<string, unknown>>;
  emitted: number;
  /** Documents committed by a checkpoint (what a restart would keep). */
  committed: number;
  checkpoints: number;
  /** The binding state as Flow would hold it (checkpoint patches merged). */
  state: Record<string, unknown>;
}

export interface BindingRun {
  passes: Record<string, MemoryPass>;
  stats: ClientStats;
}

/**
 * One pass of each stream, in order, through the real session loop and pass driver (one Pinterest
 * session for all of them); `states` seeds each binding's state.
 */
export async function runBindings(
  config: PinterestConfig,
  streams: string[],
  log: Logger,
  states: Record<string, Record<string, unknown>> = {},
  opts: { keepDocs?: boolean; signal?: AbortSignal; onCheckpoint?: (pass: MemoryPass) => void } = {},
): Promise<BindingRun> {
  const bindings: OpenBinding[] = streams.map((stream, index) => ({ index, resource: { stream, syncMode: 'incremental', interval: 'PT1H' }, stateKey: stream }));
  const session = await openPinterestSession(config, bindings, FULL_RANGE, { log });
  // Each stream's session-loop run shares the one Pinterest session; it is closed once, at the end.
  const shared: Session = { pass: (ctx) => session.pass(ctx), close: async () => {} };
  const passes: Record<string, MemoryPass> = {};
  const keep = opts.keepDocs ?? true;
  try {
    for (const b of bindings) {
      const pass: MemoryPass = { docs: [], emitted: 0, committed: 0, checkpoints: 0, state: structuredClone(states[b.resource.stream] ?? {}) };
      passes[b.resource.stream] = pass;
      const result = await runSession({
        session: shared,
        bindings: [{ ...b, index: 0 }],
        range: FULL_RANGE,
        state: { bindingStateV1: { [b.stateKey]: pass.state } },
        log,
        stop: opts.signal,
        once: true,
        output: {
          captured(_binding, doc) {
            pass.emitted++;
            if (keep) pass.docs.push(doc);
          },
          checkpoint(cp) {
            const patch = (cp.updated.bindingStateV1 as Record<string, unknown> | undefined)?.[b.stateKey];
            if (patch !== undefined) pass.state = applyMergePatch(pass.state, patch) as Record<string, unknown>;
            pass.committed = pass.emitted;
            pass.checkpoints++;
            opts.onCheckpoint?.(pass);
          },
        },
      });
      if (result.reason === 'stopped') throw opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('stopped');
    }
  } finally {
    await session.close();
  }
  return { passes, stats: session.stats() };
}
