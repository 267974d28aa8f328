// Shared helpers for the entity/client tests: a sandbox-backed config and ground truth per stream.
import { readFileSync } from 'node:fs';
import type { Sandbox } from '../src/sandbox/index.js';
import { createLogger } from '../src/log.js';

export const ENTITY_STREAMS = [
  'user_account', 'boards', 'board_sections', 'board_pins', 'board_section_pins', 'ad_accounts', 'campaigns', 'ad_groups', 'ads',
  'audiences', 'customer_lists', 'conversion_tags', 'keywords', 'catalogs', 'catalogs_feeds', 'catalogs_product_groups',
];

export const quietLog = createLogger('silent');

// Fast retries and budgets far above what a local sandbox needs, unless a test asks otherwise.
export function sandboxConfig(sb: Sandbox, advanced: Record<string, unknown> = {}, credentials?: Record<string, unknown>): Record<string, unknown> {
  return {
    start_date: '2024-01-01',
    credentials: credentials ?? { auth_method: 'access_token', access_token: 'pina_sandbox' },
    advanced: {
      api_base_url: sb.baseUrl,
      retry_base_ms: 5,
      max_requests_per_second: 5000,
      rate_limits: { ads_read: 300_000, ads_analytics: 300_000, org_read: 300_000, org_analytics: 300_000, catalogs_read: 300_000 },
      ...advanced,
    },
  };
}

type Doc = Record<string, unknown>;
const ids = (docs: Doc[], key = 'id') => docs.map((d) => String(d[key])).sort();

/** Every id the sandbox holds, per entity stream (every status). */
export function expectedIds(sb: Sandbox): Record<string, string[]> {
  const d = sb.data;
  const accounts = d.adAccountIds();
  const boards = d.boards();
  const per = (f: (a: string) => Doc[]) => accounts.flatMap((a) => f(a));
  return {
    user_account: [String(d.userAccount().username)],
    boards: ids(boards),
    board_sections: ids(boards.flatMap((b) => d.sections(String(b.id)))),
    board_pins: ids(boards.flatMap((b) => d.boardPins(String(b.id)))),
    board_section_pins: ids(boards.flatMap((b) => d.sections(String(b.id)).flatMap((s) => d.sectionPins(String(b.id), String(s.id))))),
    ad_accounts: ids(d.adAccounts()),
    campaigns: ids(per((a) => d.campaigns(a))),
    ad_groups: ids(per((a) => d.adGroups(a))),
    ads: ids(per((a) => d.ads(a))),
    audiences: ids(per((a) => d.audiences(a))),
    customer_lists: ids(per((a) => d.customerLists(a))),
    conversion_tags: ids(per((a) => d.conversionTags(a))),
    keywords: [...new Set(ids(per((a) => d.keywords(a))))].sort(),
    catalogs: ids(d.catalogs()),
    catalogs_feeds: ids(d.feeds()),
    catalogs_product_groups: ids(d.productGroups()),
  };
}

export function capturedIds(docs: Record<string, Doc[]>, stream: string): string[] {
  return ids(docs[stream] ?? [], stream === 'user_account' ? 'username' : 'id');
}

interface OperationInfo {
  operationId: string;
  method: string;
  path: string;
  parameters: Array<{ name: string; in: string; schema?: { maximum?: number } }>;
}

const OPS = (JSON.parse(readFileSync(new URL('../resources/openapi/operations.json', import.meta.url), 'utf8')) as { operations: OperationInfo[] }).operations;
export const OPERATIONS = new Map(OPS.map((o) => [o.operationId, o]));

import type { KeyRange } from '../src/connector/source.js';
import { runSession } from '../src/connector/session-loop.js';
import { applyMergePatch } from '../src/connector/state.js';
import { openPinterestSession } from '../src/pinterest/session.js';
import { parseConfig } from '../src/pinterest/config-parse.js';

export const FULL_RANGE: KeyRange = { begin: 0, end: 0xffffffff };

export class Crash extends Error {}

export interface PassRun {
  docs: Doc[];
  /** Documents covered by the last checkpoint (what survives a crash). */
  committed: Doc[];
  state: Record<string, unknown>;
  checkpoints: number;
  crashed: boolean;
}

/** One binding pass through the real session loop and pass driver, state merged like Flow;
 * optionally "crash" (stop without committing) right after the `crashAfter`-th checkpoint. */
export async function runPass(
  rawConfig: Record<string, unknown>,
  stream: string,
  opts: { state?: Record<string, unknown>; syncMode?: 'incremental' | 'full_refresh'; range?: KeyRange; crashAfter?: number } = {},
): Promise<PassRun> {
  const config = parseConfig(rawConfig);
  const range = opts.range ?? FULL_RANGE;
  const binding = { index: 0, resource: { stream, syncMode: opts.syncMode ?? 'incremental', interval: 'PT1H' }, stateKey: stream };
  const session = await openPinterestSession(config, [binding], range, { log: quietLog });
  const run: PassRun = { docs: [], committed: [], state: structuredClone(opts.state ?? {}), checkpoints: 0, crashed: false };
  try {
    await runSession({
      session,
      bindings: [binding],
      range,
      state: { bindingStateV1: { [stream]: run.state } },
      log: quietLog,
      once: true,
      output: {
        captured: (_b, d) => void run.docs.push(d),
        checkpoint(cp) {
          const patch = (cp.updated.bindingStateV1 as Record<string, unknown> | undefined)?.[stream];
          if (patch !== undefined) run.state = applyMergePatch(run.state, structuredClone(patch)) as Record<string, unknown>;
          run.committed = [...run.docs];
          run.checkpoints++;
          if (opts.crashAfter !== undefined && run.checkpoints >= opts.crashAfter) throw new Crash('crash');
        },
      },
    });
  } catch (err) {
    if (!(err instanceof Crash || (err instanceof Error && err.cause instanceof Crash))) throw err;
    run.crashed = true;
  }
  return run;
}
