import type { PassEvent } from '../connector/pass-events.js';
import type { KeyRange, OpenBinding, PassContext, Session, SessionHooks } from '../connector/source.js';
import { UserError } from '../errors.js';
import { createClient } from './client.js';
import type { ClientStats } from './client-types.js';
import type { PinterestConfig } from './config.js';
import { rotationTracker } from './config-update.js';
import { createParents } from './parents.js';
import { RoleNotices } from './roles.js';
import { STRATEGIES } from './strategies/index.js';
import { streamDefs } from './streams/table.js';
import type { StrategyEnv, StrategyFn } from './streams/strategy.js';
import type { StreamDef } from './streams/types.js';

export interface PinterestSession extends Session {
  /** Request counters of the session's client (capture summary, benchmarks). */
  stats(): ClientStats;
}

// Full-refresh listings: an object missing from a complete pass was deleted.
const DELETION_STRATEGIES = new Set<StreamDef['strategy']>(['list', 'board_children', 'account_children', 'keywords']);

/** Today's UTC date, or `advanced.today` when a test pins it. */
export function todayOf(config: PinterestConfig): string {
  const pinned = config.advanced.today;
  if (pinned !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(pinned)) return pinned;
  return new Date().toISOString().slice(0, 10);
}

// One client (auth, limiters, retries) for every binding of the session; each pass gets fresh parent
// listings so entities created since the last pass fan out their children.
export function openPinterestSession(config: PinterestConfig, bindings: OpenBinding[], range: KeyRange, hooks: SessionHooks): Promise<PinterestSession> {
  const rotation = rotationTracker(config, hooks.log, hooks.persistConfig);
  const client = createClient(config, { log: hooks.log, onCredentials: (update) => rotation.onCredentials(update) });
  const defs = new Map<string, StreamDef>(streamDefs(config).map((d) => [d.name, d]));
  const notices = new RoleNotices(hooks.log);
  for (const b of bindings) {
    if (!defs.has(b.resource.stream)) return Promise.reject(new UserError(`binding ${b.index}: unknown stream "${b.resource.stream}"`, { stream: b.resource.stream }));
  }
  return Promise.resolve({
    pass(ctx: PassContext): AsyncIterable<PassEvent> {
      const def = defs.get(ctx.binding.resource.stream);
      if (!def) throw new UserError(`unknown stream "${ctx.binding.resource.stream}"`, { stream: ctx.binding.resource.stream });
      const cfg = rotation.current();
      const env: StrategyEnv = { def, config: cfg, client, parents: createParents(client, cfg, ctx.range ?? range, def.name, notices), ctx, today: todayOf(cfg) };
      // The table's type ties each row to its strategy; the lookup by name loses that link.
      return (STRATEGIES[def.strategy] as StrategyFn)(env);
    },
    deletionKey(binding: OpenBinding): string[] | undefined {
      const def = defs.get(binding.resource.stream);
      return def && DELETION_STRATEGIES.has(def.strategy) && binding.resource.syncMode === 'full_refresh' ? def.key : undefined;
    },
    async close(): Promise<void> {},
    stats: () => client.stats(),
  });
}
