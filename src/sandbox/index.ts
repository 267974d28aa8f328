// Pinterest API v5 sandbox (SPEC §6): `startSandbox(options)` for tests, the demo and benchmarks;
// `node dist/main.js sandbox` wraps it. Also exports the ground truth tests compare captures to.
import type { AddressInfo } from 'node:net';
import { SandboxCore, type ControlAction, type SandboxOptions } from './core.js';
import { createSandboxServer } from './server.js';
import { parseDay, dayStr } from './dates.js';
import { DEFAULT_ATTRIBUTION, type Attribution, type Granularity, type Restatement } from './analytics.js';
import { syncColumns, asyncColumns } from './openapi.js';
import { ENTITY_STATUSES, type AdKind, type Doc, type SandboxData } from './data.js';
import type { FaultRule } from './faults.js';
import type { RateLimitOptions } from './ratelimit.js';
import type { StatsSnapshot, RequestLogEntry } from './stats.js';
import type { ReportSpec } from './reports.js';
import { ADS_ROLES, type RealismOptions } from './realism.js';

export type { SandboxOptions, RealismOptions, ControlAction, FaultRule, RateLimitOptions, StatsSnapshot, RequestLogEntry, Attribution, Restatement, Granularity, Doc };
export { parseFaultSpec } from './faults.js';
export { sandboxDecrypt } from './server.js';
export { SCALES, type ScaleName, type SandboxShape } from './scale.js';
export { ENTITY_STATUSES, syncColumns, asyncColumns, DEFAULT_ATTRIBUTION };

export const SANDBOX_ACCESS_TOKEN = 'pina_sandbox';
export const SANDBOX_REFRESH_TOKEN = 'pinr_sandbox';
export const SANDBOX_CLIENT_ID = 'sandbox-client';
export const SANDBOX_CLIENT_SECRET = 'sandbox-secret';

export interface ExpectedAnalyticsQuery {
  /** AD_ACCOUNT (ad_account/analytics), CAMPAIGN, AD_GROUP, AD (sync); report levels for reports. */
  level: 'AD_ACCOUNT' | 'CAMPAIGN' | 'AD_GROUP' | 'AD';
  adAccountId: string;
  /** Entity ids (default: every entity of the level in the account, any status). */
  ids?: string[];
  startDate: string;
  endDate: string;
  columns: string[];
  granularity?: Granularity;
  attribution?: Partial<Attribution>;
}

/** Read-only views of the generated data (every status, mutations applied). */
export interface SandboxDataView {
  adAccountIds(): string[];
  adAccounts(): Doc[];
  campaigns(adAccountId: string): Doc[];
  adGroups(adAccountId: string): Doc[];
  ads(adAccountId: string): Doc[];
  audiences(adAccountId: string): Doc[];
  customerLists(adAccountId: string): Doc[];
  conversionTags(adAccountId: string): Doc[];
  /** Every keyword of the account whatever its parent (account, campaigns, ad groups). */
  keywords(adAccountId: string): Doc[];
  userAccount(): Doc;
  boards(): Doc[];
  sections(boardId: string): Doc[];
  /** Pins of one board; for large shapes prefer `counts()`. */
  boardPins(boardId: string): Doc[];
  sectionPins(boardId: string, sectionId: string): Doc[];
  catalogs(): Doc[];
  feeds(): Doc[];
  productGroups(): Doc[];
  counts(): Record<string, number>;
  /** Group boards (realism `groupBoards`): their pins with `is_owner: false` belong to collaborators. */
  groupBoardIds(): string[];
  /** The board holding `hugeBoardPins` pins, or null. */
  hugeBoardId(): string | null;
  /** The token user's Business Access roles on an ad account (OWNER for its own). */
  adAccountRoles(adAccountId: string): string[];
  /** Accounts other users shared with the token user (realism `sharedAdAccounts` / `adAccountRoles`). */
  sharedAdAccountIds(): string[];
  /** Accounts whose roles are none of OWNER, ADMIN, ANALYST, CAMPAIGN_MANAGER: analytics answer 403 code 29. */
  limitedAdAccountIds(): string[];
  /** Organic and catalog data of the "operation user_account" for `ad_account_id` (Business Access). */
  operationUser(adAccountId: string): OrganicView;
  raw: SandboxData;
}

/** One user's boards, pins and catalogs. */
export interface OrganicView {
  userAccount(): Doc;
  boards(): Doc[];
  sections(boardId: string): Doc[];
  boardPins(boardId: string): Doc[];
  catalogs(): Doc[];
  feeds(): Doc[];
  productGroups(): Doc[];
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT/v5` — the connector's `advanced.api_base_url`. */
  baseUrl: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  core: SandboxCore;
  data: SandboxDataView;
  /** Apply control actions (same payloads as POST /_sandbox/control). */
  control(action: ControlAction): Record<string, unknown>;
  setFaults(faults: FaultRule[] | string): void;
  setRateLimits(o: RateLimitOptions): void;
  restate(r: Restatement): void;
  stats(): StatsSnapshot;
  requests(): RequestLogEntry[];
  resetStats(): void;
  today(): string;
  /** Sync-analytics rows as a connector should store them (ids as strings), for tests. */
  expectedAnalyticsRows(q: ExpectedAnalyticsQuery): Record<string, unknown>[];
  /** Rows of an async report (ids as strings) for a create_report body. */
  expectedReportRows(adAccountId: string, body: Record<string, unknown>): Record<string, unknown>[];
  close(): Promise<void>;
}

function all(col: { size: number; at(i: number): Doc | null }): Doc[] {
  const out: Doc[] = [];
  for (let i = 0; i < col.size; i++) {
    const x = col.at(i);
    if (x) out.push(x);
  }
  return out;
}

function organicView(d: SandboxData): OrganicView {
  const board = (id: string) => {
    const b = d.boardIndex(id);
    if (b === null) throw new Error(`unknown board ${id}`);
    return b;
  };
  return {
    userAccount: () => d.userAccount(),
    boards: () => all(d.boards()),
    sections: (id) => all(d.sections(board(id))),
    boardPins: (id) => all(d.boardPins(board(id))),
    catalogs: () => all(d.catalogs()),
    feeds: () => all(d.feeds()),
    productGroups: () => all(d.productGroups({})),
  };
}

function dataView(core: SandboxCore): SandboxDataView {
  const d = core.data;
  const acc = (id: string) => {
    const a = d.adAccountIndex(id);
    if (a === null) throw new Error(`unknown ad account ${id}`);
    return a;
  };
  const board = (id: string) => {
    const b = d.boardIndex(id);
    if (b === null) throw new Error(`unknown board ${id}`);
    return b;
  };
  const all5 = new Set<string>(ENTITY_STATUSES);
  return {
    adAccountIds: () => d.adAccountIds(),
    adAccounts: () => all(d.adAccounts()),
    campaigns: (id) => all(d.adEntities('campaign', acc(id), all5)),
    adGroups: (id) => all(d.adEntities('ad_group', acc(id), all5)),
    ads: (id) => all(d.adEntities('ad', acc(id), all5)),
    audiences: (id) => [...all(d.audiences(acc(id), 'OWNED')), ...all(d.audiences(acc(id), 'RECEIVED'))],
    customerLists: (id) => all(d.customerLists(acc(id))),
    conversionTags: (id) => d.conversionTags(acc(id), false),
    keywords: (id) => {
      const a = acc(id);
      const camps = Array.from({ length: d.count('campaign', a) }, (_, i) => i);
      const groups = Array.from({ length: d.count('ad_group', a) }, (_, i) => i);
      return [...all(d.keywords(a, 0, [0])), ...all(d.keywords(a, 1, camps)), ...all(d.keywords(a, 2, groups))];
    },
    userAccount: () => d.userAccount(),
    boards: () => all(d.boards()),
    sections: (id) => all(d.sections(board(id))),
    boardPins: (id) => all(d.boardPins(board(id))),
    sectionPins: (id, sid) => {
      const b = board(id);
      const s = d.sectionIndex(b, sid);
      if (s === null) throw new Error(`unknown section ${sid}`);
      return all(d.sectionPins(b, s));
    },
    catalogs: () => all(d.catalogs()),
    feeds: () => all(d.feeds()),
    productGroups: () => all(d.productGroups({})),
    counts: () => {
      const s = d.shape;
      let campaigns = 0;
      let adGroups = 0;
      let ads = 0;
      for (let a = 0; a < s.adAccounts; a++) {
        campaigns += d.count('campaign', a);
        adGroups += d.count('ad_group', a);
        ads += d.count('ad', a);
      }
      const sectionPins = Array.from({ length: s.sectionsPerBoard }, (_, i) => d.sectionPins(0, i).size).reduce((x, y) => x + y, 0) * s.boards;
      return { adAccounts: s.adAccounts, campaigns, adGroups, ads, boards: s.boards, sections: s.boards * s.sectionsPerBoard, pins: d.totalPins(), sectionPins, catalogs: s.catalogs, feeds: s.catalogs * s.feedsPerCatalog, productGroups: s.catalogs * s.feedsPerCatalog * s.productGroupsPerFeed };
    },
    groupBoardIds: () => Array.from({ length: d.shape.boards }, (_, b) => b).filter((b) => d.isGroupBoard(b)).map((b) => d.boardId(b)),
    hugeBoardId: () => (core.realism.hugeBoardPins > 0 && d.shape.boards > 0 ? d.boardId(d.shape.boards - 1) : null),
    adAccountRoles: (id) => d.adAccountRoles(acc(id)),
    sharedAdAccountIds: () => d.adAccountIds().filter((id) => d.isSharedAdAccount(acc(id))),
    limitedAdAccountIds: () => d.adAccountIds().filter((id) => !d.hasRole(acc(id), ADS_ROLES)),
    operationUser: (id) => {
      const a = acc(id);
      return organicView(d.isSharedAdAccount(a) ? core.profileData(a + 1) : d);
    },
    raw: d,
  };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const core = new SandboxCore(options);
  const server = createSandboxServer(core);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host}:${port}`;
  const kindOf: Record<string, AdKind | null> = { AD_ACCOUNT: null, CAMPAIGN: 'campaign', AD_GROUP: 'ad_group', AD: 'ad' };
  const idCol: Record<string, string> = { AD_ACCOUNT: 'AD_ACCOUNT_ID', CAMPAIGN: 'CAMPAIGN_ID', AD_GROUP: 'AD_GROUP_ID', AD: 'AD_ID' };
  return {
    baseUrl: `${origin}/v5`,
    origin,
    port,
    core,
    data: dataView(core),
    control: (c) => core.control(c),
    setFaults: (f) => void core.control({ action: 'faults', faults: f }),
    setRateLimits: (o) => void core.control({ action: 'rateLimits', ...o }),
    restate: (r) => void core.control({ action: 'restate', restatement: r }),
    stats: () => core.stats.snapshot(),
    requests: () => core.stats.requests(),
    resetStats: () => core.stats.reset(),
    today: () => dayStr(core.today()),
    expectedAnalyticsRows(q) {
      const a = core.data.adAccountIndex(q.adAccountId);
      if (a === null) throw new Error(`unknown ad account ${q.adAccountId}`);
      const start = parseDay(q.startDate);
      const end = parseDay(q.endDate);
      if (start === null || end === null) throw new Error('startDate/endDate must be YYYY-MM-DD');
      const kind = kindOf[q.level];
      if (kind === undefined) throw new Error(`unknown level ${q.level}`);
      const at = { ...DEFAULT_ATTRIBUTION, ...(q.attribution ?? {}) };
      const ctxs =
        kind === null
          ? [core.analytics.accountContext(a)]
          : (q.ids ?? Array.from({ length: core.data.count(kind, a) }, (_, i) => core.data.entityId(kind, a, i))).map((id) => {
              const dd = core.data.decode(kind, id);
              if (!dd || dd.a !== a) throw new Error(`${id} is not a ${kind} of ${q.adAccountId}`);
              return core.analytics.adContext(kind, a, dd.idx);
            });
      return ctxs.flatMap((c) => core.analytics.entityRows(c, start, end, core.today(), q.columns, q.granularity ?? 'DAY', at, [idCol[q.level]], false));
    },
    expectedReportRows(adAccountId, body) {
      const a = core.data.adAccountIndex(adAccountId);
      if (a === null) throw new Error(`unknown ad account ${adAccountId}`);
      const spec: ReportSpec = core.reports.parse(a, body);
      return core.reports.contexts(spec).flatMap((c) => core.reports.entityRows(spec, c, false));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
