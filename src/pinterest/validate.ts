import type { ResourceConfig } from '../connector/source.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { createClient, PinterestApiError } from './client.js';
import type { PinterestClient } from './client-types.js';
import type { PinterestConfig } from './config.js';
import { rotationTracker } from './config-update.js';
import { idOf } from './parents.js';
import { canReadAnalytics, describeRoles } from './roles.js';
import { streamDefs } from './streams/table.js';
import type { ScopeFamily } from './streams/types.js';

const SCOPES: Record<ScopeFamily, string> = {
  user_account: 'user_accounts:read',
  boards: 'boards:read and pins:read',
  ads: 'ads:read',
  catalogs: 'catalogs:read',
  pin_analytics: 'pins:read (and access to the beta GET /pins/analytics endpoint)',
};

type Raw = Record<string, unknown>;

// One cheap call per scope family of the bound streams. A 401 means the credentials themselves are
// bad; any other refusal names the streams that need the family and the scope it takes.
export async function validateAccess(
  config: PinterestConfig,
  bindings: ResourceConfig[],
  log: Logger,
  persistConfig?: (config: unknown) => Promise<void>,
): Promise<void> {
  const rotation = rotationTracker(config, log, persistConfig);
  const client = createClient(config, { log, onCredentials: (update) => rotation.onCredentials(update) });
  const defs = new Map(streamDefs(config).map((d) => [d.name, d]));
  const families = new Map<ScopeFamily, string[]>();
  for (const b of bindings) {
    const def = defs.get(b.stream);
    if (!def) continue; // unknown streams are reported by the binding checks
    families.set(def.scope, [...(families.get(def.scope) ?? []), def.name]);
  }
  // Without bindings, still prove the credentials work.
  if (families.size === 0) families.set('user_account', []);

  for (const [family, streams] of families) {
    try {
      await probe(family, client, config, streams, log);
    } catch (err) {
      if (!(err instanceof PinterestApiError)) throw err;
      if (err.status === 401 && err.code !== 3 && err.code !== 7) throw err; // the credentials themselves
      const names = streams.length > 0 ? streams.join(', ') : 'the capture';
      throw new UserError(
        `Pinterest refused ${names}: ${err.method} ${err.path} answered HTTP ${err.status}${err.code !== undefined ? ` (code ${err.code}${err.apiMessage ? `: ${err.apiMessage}` : ''})` : ''}. The token needs the ${SCOPES[family]} scope${family === 'ads' ? ' and access to the ad accounts' : ''}.`,
        { streams, scope: SCOPES[family], status: err.status },
      );
    }
  }
}

async function probe(family: ScopeFamily, client: PinterestClient, config: PinterestConfig, streams: string[], log: Logger): Promise<void> {
  const stream = streams[0];
  const one = { page_size: 1 };
  switch (family) {
    case 'user_account':
      await client.request({ path: '/user_account', category: 'org_read', stream });
      return;
    case 'boards':
      await client.request({ path: '/boards', query: one, category: 'org_read', stream });
      return;
    case 'catalogs':
      await client.request({ path: '/catalogs', query: one, category: 'catalogs_read', stream });
      return;
    case 'ads':
      await checkAdAccounts(client, config, streams, log);
      return;
    case 'pin_analytics':
      await probePinAnalytics(client, stream);
      return;
  }
}

async function checkAdAccounts(client: PinterestClient, config: PinterestConfig, streams: string[], log: Logger): Promise<void> {
  const wanted = new Set(config.account_ids ?? []);
  const stream = streams[0];
  const defs = new Map(streamDefs(config).map((d) => [d.name, d]));
  const analytics = streams.filter((s) => {
    const d = defs.get(s);
    return d?.strategy === 'sync_analytics' || d?.strategy === 'async_report';
  });
  const limited: Array<{ id: string; roles: string[] }> = [];
  for await (const page of client.paginate<Raw>({ path: '/ad_accounts', category: 'ads_read', stream })) {
    for (const a of page.items) {
      const id = idOf(a.id);
      if (!id) continue;
      wanted.delete(id);
      const roles = Array.isArray(a.permissions) ? a.permissions.filter((r): r is string => typeof r === 'string') : undefined;
      const listed = (config.account_ids ?? []).includes(id);
      if (!canReadAnalytics(roles) && (listed || !config.account_ids?.length)) limited.push({ id, roles: roles ?? [] });
    }
  }
  const missing = [...wanted];
  if (missing.length > 0) {
    throw new UserError(
      `account_ids: the token cannot read ad account${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (needed by ${streams.join(', ')}). Remove ${missing.length > 1 ? 'them' : 'it'} from account_ids or grant the token's user access.`,
      { field: 'account_ids', missing },
    );
  }
  if (limited.length === 0 || analytics.length === 0) return;
  const what = limited.map((a) => `${a.id} (${describeRoles(a.roles)})`).join(', ');
  const need = 'analytics and reports need Owner, Admin, Analyst or Campaign Manager';
  if (config.account_ids?.length) {
    throw new UserError(`account_ids: the token's role on ad account${limited.length > 1 ? 's' : ''} ${what} cannot read ${analytics.join(', ')}: ${need}. Remove ${limited.length > 1 ? 'them' : 'it'} from account_ids or grant one of those roles in Ads Manager.`, {
      field: 'account_ids',
      accounts: limited.map((a) => a.id),
    });
  }
  log.warn({ eventType: 'connectorStatus', accounts: limited.map((a) => a.id) }, `ad account${limited.length > 1 ? 's' : ''} ${what}: ${need}; their analytics and report streams will be skipped, their entities captured`);
}

// GET /pins/analytics is beta: call it for one real pin, when the account has any.
async function probePinAnalytics(client: PinterestClient, stream: string | undefined): Promise<void> {
  const boards = await client.request<{ items?: Raw[] }>({ path: '/boards', query: { page_size: 25 }, category: 'org_read', stream });
  for (const b of boards?.items ?? []) {
    const board = idOf(b.id);
    if (!board) continue;
    const pins = await client.request<{ items?: Raw[] }>({ path: `/boards/${board}/pins`, query: { page_size: 1 }, category: 'org_read', stream });
    const pin = idOf(pins?.items?.[0]?.id);
    if (!pin) continue;
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await client.request({
      path: '/pins/analytics',
      query: { pin_ids: [pin], start_date: day, end_date: day, metric_types: 'IMPRESSION' },
      category: 'org_analytics',
      stream,
    });
    return;
  }
}
