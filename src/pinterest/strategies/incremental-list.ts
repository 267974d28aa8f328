import { updatedTimeCursorOf, type UpdatedTimeCursor } from '../../connector/binding-state.js';
import type { PassEvent } from '../../connector/pass-events.js';
import { accountSubtask } from '../../connector/state-migrations.js';
import { idOf } from '../parents.js';
import type { StrategyFn } from '../streams/strategy.js';
import type { IncrementalListDef } from '../streams/types.js';
import { fill, normalize } from './normalize.js';
import { accountUnits, walk, type PageHandler } from './walk.js';

// Campaigns, ad groups and ads: Pinterest has no "changed since" filter and does not order lists
// by updated_time, so each account is listed whole and only entities whose updated_time passed the
// account's cursor are emitted. The cursor advances once the account's whole listing is read; until
// then the running maximum rides along with each page so a resumed pass keeps it.

function updatedTime(doc: Record<string, unknown>): number | undefined {
  const v = doc.updated_time;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export const incrementalList: StrategyFn<IncrementalListDef> = async function* (env) {
  const { def, ctx } = env;
  const incremental = ctx.binding.resource.syncMode === 'incremental';
  let runT: number | null = null;
  let runIds: string[] = [];
  let current: string | undefined;

  const handler: PageHandler = {
    *onPage(unit, items, last, resumed): Iterable<PassEvent> {
      const account = unit.account!;
      const subtask = accountSubtask(account);
      if (current !== account) {
        current = account;
        runT = resumed?.running?.updatedTime ?? null;
        runIds = resumed?.running ? [...resumed.running.ids] : [];
      }
      const prev = updatedTimeCursorOf(ctx.state, subtask);
      const cur = incremental ? prev : undefined;
      for (const item of items) {
        const doc = normalize(item);
        const t = updatedTime(doc);
        const id = idOf(doc.id) ?? '';
        if (t !== undefined) {
          if (runT === null || t > runT) {
            runT = t;
            runIds = [id];
          } else if (t === runT && !runIds.includes(id)) runIds.push(id);
        }
        // Unchanged since the cursor: an earlier updated_time, or the cursor's own second and seen then.
        if (cur && t !== undefined && (t < cur.updatedTime || (t === cur.updatedTime && cur.idsAtUpdatedTime.includes(id)))) continue;
        yield { type: 'document', doc };
      }
      if (!last) return;
      current = undefined;
      const t = runT;
      runT = null;
      if (t === null || (prev && prev.updatedTime > t)) return;
      const next: UpdatedTimeCursor =
        prev && prev.updatedTime === t ? { updatedTime: t, idsAtUpdatedTime: [...new Set([...prev.idsAtUpdatedTime, ...runIds])] } : { updatedTime: t, idsAtUpdatedTime: runIds };
      yield { type: 'cursor', subtask, cursor: next };
    },
    running: () => (runT === null ? undefined : { updatedTime: runT, ids: [...runIds] }),
  };

  yield* walk(
    env,
    (resume) =>
      accountUnits(env, resume, function* (account) {
        yield {
          pos: [account.id],
          account: account.id,
          path: fill(def.endpoint, { ad_account_id: account.id }),
          query: { entity_statuses: [...env.config.entity_statuses] },
        };
      }),
    handler,
  );
};
