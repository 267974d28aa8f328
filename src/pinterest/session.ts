import type { KeyRange, OpenBinding, PassContext, Session, SessionHooks } from '../connector/source.js';
import { UserError } from '../errors.js';
import { createClient } from './client.js';
import type { ClientStats } from './client-types.js';
import type { PinterestConfig } from './config.js';
import { rotationTracker } from './config-update.js';
import { createParents } from './parents.js';
import { STRATEGIES } from './strategies/index.js';
import { streamDefs } from './streams/table.js';
import type { StreamDef } from './streams/types.js';

export interface PinterestSession extends Session {
  /** Request counters of the session's client (capture summary, benchmarks). */
  stats(): ClientStats;
}

/** Today's UTC date, or `advanced.today` when a test pins it. */
export function todayOf(config: PinterestConfig): string {
  const pinned = config.advanced.today;
  if (pinned !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(pinned)) return pinned;
  return new Date().toISOString().slice(0, 10);
}

// One client (auth, limiters, retries) for every binding of the session; each pass gets fresh parent
// listings so entities created since the last pass fan out their children.
export async function openPinterestSession(config: PinterestConfig, bindings: OpenBinding[], range: KeyRange, hooks: SessionHooks): Promise<PinterestSession> {
  const rotation = rotationTracker(config, hooks.log, hooks.persistConfig);
  const client = createClient(config, { log: hooks.log, onCredentials: rotation.onCredentials });
  const defs = new Map<string, StreamDef>(streamDefs(config).map((d) => [d.name, d]));
  for (const b of bindings) {
    if (!defs.has(b.resource.stream)) throw new UserError(`binding ${b.index}: unknown stream "${b.resource.stream}"`, { stream: b.resource.stream });
  }
  return {
    async runPass(ctx: PassContext): Promise<void> {
      const def = defs.get(ctx.binding.resource.stream);
      if (!def) throw new UserError(`unknown stream "${ctx.binding.resource.stream}"`, { stream: ctx.binding.resource.stream });
      const strategy = STRATEGIES[def.strategy];
      if (!strategy) throw new Error(`stream ${def.name}: its fetch strategy "${def.strategy}" is not available in this build`);
      const cfg = rotation.current();
      await strategy({ def, config: cfg, client, parents: createParents(client, cfg, ctx.range ?? range, def.name), ctx, today: todayOf(cfg) });
    },
    async close(): Promise<void> {},
    stats: () => client.stats(),
  };
}
