// Sync targeting analytics (ad account, campaigns, ad groups, ads): `{data: [{targeting_type,
// targeting_value, metrics: {<ID column>, DATE, <columns>…}}]}`. Values are the ones the async
// *_TARGETING report levels give for the same entity, targeting value and day, so both agree.
import { attributionOf, targetingValues, wireJson, type Granularity, type RowContext } from './analytics.js';
import { adAccountWithRole } from './access.js';
import { checkWindow, SYNC_HOUR_RULE, SYNC_RULE } from './limits.js';
import { ADS_ROLES } from './realism.js';
import type { AdKind } from './data.js';
import { JsonChunks, type Handler } from './types.js';

const ID_COLUMN: Record<string, string> = { account: 'AD_ACCOUNT_ID', campaign: 'CAMPAIGN_ID', ad_group: 'AD_GROUP_ID', ad: 'AD_ID' };

function targeting(kind: AdKind | null, idParam: string | null): Handler {
  return (ctx) => {
    const core = ctx.core;
    const q = ctx.query;
    // Same roles and date rules as the other sync analytics (operation descriptions).
    const a = adAccountWithRole(ctx, ADS_ROLES);
    const gran = q.granularity as Granularity;
    const today = core.today();
    const w = checkWindow(q.start_date as string, q.end_date as string, today, gran === 'HOUR' ? SYNC_HOUR_RULE : SYNC_RULE);
    const at = attributionOf(q);
    const columns = q.columns as string[];
    // targeting_types (1..15 or 1..14 of the operation's enum) and the id list (1..250) are
    // checked against the operation's parameters before the handler runs.
    const types = [...new Set(q.targeting_types as string[])];
    const contexts: RowContext[] = [];
    if (kind === null) contexts.push(core.analytics.accountContext(a));
    else
      for (const id of q[idParam!] as string[]) {
        const d = core.data.decode(kind, id);
        if (d && d.a === a) contexts.push(core.analytics.adContext(kind, a, d.idx));
      }
    const idCol = ID_COLUMN[kind ?? 'account'];
    const data: Record<string, unknown>[] = [];
    for (const c of contexts)
      for (const type of types)
        for (const value of targetingValues(type))
          for (const row of core.analytics.entityRows(c, w.start, w.end, today, columns, gran, at, [idCol], true, { type, value })) {
            const { TARGETING_TYPE: _t, TARGETING_VALUE: _v, ...metrics } = row;
            data.push({ targeting_type: type, targeting_value: value, metrics });
          }
    // wireJson: 18-digit ids sent as JSON numbers keep every digit, as in the other analytics.
    return new JsonChunks(() => [wireJson({ data })]);
  };
}

export function targetingHandlers(): Record<string, Handler> {
  return {
    'ad_account_targeting_analytics/get': targeting(null, null),
    'campaign_targeting_analytics/get': targeting('campaign', 'campaign_ids'),
    'ad_groups_targeting_analytics/get': targeting('ad_group', 'ad_group_ids'),
    'ad_targeting_analytics/get': targeting('ad', 'ad_ids'),
  };
}
