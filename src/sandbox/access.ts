// Business Access: which ad accounts the token user may read with which roles, and whose organic
// data ("operation user_account") an `ad_account_id` query parameter selects.
import { ApiError } from './errors.js';
import { ORGANIC_ROLES } from './realism.js';
import type { SandboxData } from './data.js';
import type { HandlerContext } from './types.js';

export const NOT_PERMITTED = 'You are not permitted to access that resource';

/** 403 code 29: what Pinterest answers for an ad account the user cannot use that way. */
export function notPermitted(): ApiError {
  return new ApiError(403, 29, NOT_PERMITTED);
}

/** Index of the path's ad account, when the user holds one of `roles` on it (else 403 code 29). */
export function adAccountWithRole(ctx: HandlerContext, roles: readonly string[]): number {
  const data = ctx.core.data;
  const a = data.adAccountIndex(ctx.params.ad_account_id);
  if (a === null || !data.hasRole(a, roles)) throw notPermitted();
  return a;
}

/**
 * The data of the "operation user_account": the token user, or with `ad_account_id` (when the
 * businessAccess switch is on) the owner of that ad account — the user again for accounts they
 * own, a business profile with its own boards, pins and catalogs for shared ones. Unknown accounts
 * and roles without access answer 403 code 29.
 */
export function operationData(ctx: HandlerContext, roles: readonly string[] = ORGANIC_ROLES): SandboxData {
  const core = ctx.core;
  const id = ctx.query.ad_account_id as string | undefined;
  if (id === undefined || !core.realism.businessAccess) return core.data;
  const a = core.data.adAccountIndex(id);
  if (a === null || !core.data.hasRole(a, roles)) throw notPermitted();
  return core.data.isSharedAdAccount(a) ? core.profileData(a + 1) : core.data;
}
