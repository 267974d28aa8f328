import type { Logger } from '../log.js';

// Business Access roles on a shared ad account decide what the token reads. Analytics and reports
// need one of these; anything else (Finance, Audience or Catalogs managers …) is refused with 403
// code 29, and so are some listings. Accounts listed without `permissions` (the user's own, older
// API answers) are tried.
export const ANALYTICS_ROLES = ['OWNER', 'ADMIN', 'ANALYST', 'CAMPAIGN_MANAGER'] as const;

export function canReadAnalytics(roles: readonly string[] | undefined): boolean {
  if (!roles || roles.length === 0) return true;
  return roles.some((r) => (ANALYTICS_ROLES as readonly string[]).includes(r));
}

export function describeRoles(roles: readonly string[] | undefined): string {
  return roles && roles.length > 0 ? roles.join(', ') : 'no role listed';
}

/**
 * Says once per session, per ad account, that the token's role keeps part of it out of reach;
 * every later skip of the same account (another stream, another pass) is a debug line.
 */
export class RoleNotices {
  private readonly told = new Set<string>();
  constructor(private readonly log: Logger) {}

  skipped(accountId: string, roles: readonly string[] | undefined, stream: string, what: 'analytics' | 'listing'): void {
    if (this.told.has(accountId)) {
      this.log.debug({ adAccount: accountId, stream }, `${stream}: ad account ${accountId} skipped (the token's role)`);
      return;
    }
    this.told.add(accountId);
    this.log.warn(
      { eventType: 'connectorStatus', adAccount: accountId, roles: roles ?? [], stream, refused: what },
      `ad account ${accountId}: the token's role (${describeRoles(roles)}) cannot read its ${what === 'analytics' ? 'analytics and reports' : `${stream} listing`} ` +
        `(Pinterest answers 403 code 29; analytics and reports need Owner, Admin, Analyst or Campaign Manager). ` +
        'Streams it can\'t read skip this account; its ad_accounts document and everything else are captured.',
    );
  }
}
