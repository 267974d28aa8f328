import type { Logger } from '../log.js';

// Business Access roles on a shared ad account decide what the token reads. Analytics and reports
// need one of these; anything else (Finance, Audience or Catalogs managers …) is refused with 403
// code 29. Accounts listed without `permissions` (the user's own, older API answers) are tried.
export const ANALYTICS_ROLES = ['OWNER', 'ADMIN', 'ANALYST', 'CAMPAIGN_MANAGER'] as const;

export function canReadAnalytics(roles: readonly string[] | undefined): boolean {
  if (!roles || roles.length === 0) return true;
  return roles.some((r) => (ANALYTICS_ROLES as readonly string[]).includes(r));
}

export function describeRoles(roles: readonly string[] | undefined): string {
  return roles && roles.length > 0 ? roles.join(', ') : 'no role';
}

/** Says once per session that an account's analytics are out of the token's reach. */
export class RoleNotices {
  private readonly told = new Set<string>();
  constructor(private readonly log: Logger) {}

  skipped(accountId: string, roles: readonly string[] | undefined, stream: string, why = 'its role'): void {
    if (this.told.has(accountId)) return;
    this.told.add(accountId);
    this.log.warn(
      { eventType: 'connectorStatus', adAccount: accountId, roles: roles ?? [], stream },
      `ad account ${accountId}: the token's role (${describeRoles(roles)}) cannot read analytics or reports (they need Owner, Admin, Analyst or Campaign Manager; ${why}); its analytics and report streams are skipped, its entities are still captured`,
    );
  }
}
