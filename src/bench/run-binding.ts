import type { KeyRange, OpenBinding } from '../connector/source.js';
import type { Logger } from '../log.js';
import type { ClientStats } from '../pinterest/client-types.js';
import { ALL_ENTITY_STATUSES, settingsFrom, type PinterestConfig, type Settings } from '../pinterest/config.js';
import { openPinterestSession } from '../pinterest/session.js';
import { memoryPass, type MemoryPass } from './memory-pass.js';

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

export interface BindingRun {
  passes: Record<string, MemoryPass>;
  stats: ClientStats;
}

/** One pass of each stream, in order, in one session; `states` seeds each binding's state. */
export async function runBindings(
  config: PinterestConfig,
  streams: string[],
  log: Logger,
  states: Record<string, Record<string, unknown>> = {},
  opts: { keepDocs?: boolean; signal?: AbortSignal; onCheckpoint?: (pass: MemoryPass) => void } = {},
): Promise<BindingRun> {
  const bindings: OpenBinding[] = streams.map((stream, index) => ({ index, resource: { stream, syncMode: 'incremental', interval: 'PT1H' }, stateKey: stream }));
  const session = await openPinterestSession(config, bindings, FULL_RANGE, { log });
  const passes: Record<string, MemoryPass> = {};
  try {
    for (const b of bindings) {
      const pass = memoryPass({ stream: b.resource.stream, index: b.index, log, state: states[b.resource.stream], keepDocs: opts.keepDocs, signal: opts.signal, onCheckpoint: opts.onCheckpoint });
      passes[b.resource.stream] = pass;
      await session.runPass(pass.ctx);
    }
  } finally {
    await session.close();
  }
  return { passes, stats: session.stats() };
}
