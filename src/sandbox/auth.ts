// Bearer tokens and the OAuth token endpoint: a static token, plus access tokens issued by
// refresh_token grants with rotating refresh tokens (the used one becomes invalid).
import { hash } from './hash.js';

export interface AuthOptions {
  /** Always-valid access token (null disables it). Default `pina_sandbox`. */
  staticToken?: string | null;
  clientId?: string;
  clientSecret?: string;
  /** Initially valid refresh token. Default `pinr_sandbox`. */
  refreshToken?: string;
  /** Lifetime of issued access tokens, seconds. Default 30 days. */
  accessTokenTtlSeconds?: number;
  /** Every refresh returns a new refresh token and invalidates the used one. Default true. */
  rotateRefreshTokens?: boolean;
  /** Scopes granted to every token. Default: everything a read-only capture needs. */
  scopes?: string[];
  /**
   * The app was created before 2025-09-25: a refresh_token grant must carry the form field
   * `continuous_refresh=true`, otherwise it is refused (Pinterest no longer serves the legacy
   * 365-day refresh token). Default false (a newer app: continuous refresh is implied).
   */
  legacyApp?: boolean;
}

/**
 * Pinterest documents that legacy refresh is gone but not the error it answers; the sandbox uses
 * the generic invalid-parameters code 1 with a message naming the missing field (UNVERIFIED text).
 */
export const LEGACY_REFRESH_MESSAGE =
  'The legacy refresh token (365-day expiration) is no longer supported. Apps created before September 25, 2025 must set continuous_refresh=true to use the continuous refresh token (60-day expiration, refreshable indefinitely).';

export const DEFAULT_SCOPES = ['ads:read', 'boards:read', 'boards:read_secret', 'catalogs:read', 'pins:read', 'pins:read_secret', 'user_accounts:read'];
const REFRESH_TTL_S = 60 * 86_400;

export class AuthState {
  readonly staticToken: string | null;
  readonly clientId: string;
  readonly clientSecret: string;
  accessTokenTtlSeconds: number;
  rotate: boolean;
  scopes: Set<string>;
  legacyApp: boolean;
  private readonly access = new Map<string, { exp: number; scopes: Set<string> }>(); // token → expiry (ms epoch), scopes
  private readonly refresh = new Set<string>();
  private counter = 0;
  private readonly seenExpired = new Set<string>();
  /** Access tokens made invalid by the token-expiry fault or control API. */
  staticTokenDisabled = false;

  constructor(
    private readonly seed: number,
    o: AuthOptions = {},
  ) {
    this.staticToken = o.staticToken === undefined ? 'pina_sandbox' : o.staticToken;
    this.clientId = o.clientId ?? 'sandbox-client';
    this.clientSecret = o.clientSecret ?? 'sandbox-secret';
    this.accessTokenTtlSeconds = o.accessTokenTtlSeconds ?? 30 * 86_400;
    this.rotate = o.rotateRefreshTokens ?? true;
    this.scopes = new Set(o.scopes ?? DEFAULT_SCOPES);
    this.legacyApp = o.legacyApp ?? false;
    this.refresh.add(o.refreshToken ?? 'pinr_sandbox');
  }

  /** 'ok' | 'expired' | 'invalid' for a bearer token. */
  check(token: string): 'ok' | 'expired' | 'invalid' {
    if (token === this.staticToken) return this.staticTokenDisabled ? 'expired' : 'ok';
    const t = this.access.get(token);
    if (t === undefined) return 'invalid';
    return Date.now() < t.exp ? 'ok' : 'expired';
  }

  /** Scopes a valid token carries (a refresh may narrow them with `scope`). */
  scopesOf(token: string): Set<string> {
    return this.access.get(token)?.scopes ?? this.scopes;
  }

  isIssued(token: string): boolean {
    return this.access.has(token);
  }

  expire(token: string): void {
    const t = this.access.get(token);
    if (t) t.exp = 0;
  }

  expireAll(): void {
    for (const t of this.access.values()) t.exp = 0;
  }

  /** True the first time a request presents `token` after it expired (one expiry per token). */
  noteExpired(token: string): boolean {
    if (this.seenExpired.has(token)) return false;
    this.seenExpired.add(token);
    return true;
  }

  revokeRefreshTokens(): void {
    this.refresh.clear();
  }

  addRefreshToken(t: string): void {
    this.refresh.add(t);
  }

  checkClient(authorization: string | undefined): boolean {
    if (!authorization?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    return decoded === `${this.clientId}:${this.clientSecret}`;
  }

  /** Exchanges a refresh token; null when it is not (or no longer) valid. */
  refreshGrant(refreshToken: string, scope?: string): Record<string, unknown> | null {
    if (!this.refresh.has(refreshToken)) return null;
    const n = ++this.counter;
    const access = `pina_${hash(this.seed, n, 1).toString(36)}${n.toString(36)}${Date.now().toString(36)}`;
    // `scope` narrows the new token to the granted scopes it names.
    const scopes = scope ? new Set(scope.split(/[,\s]+/).filter((x) => this.scopes.has(x))) : new Set(this.scopes);
    this.access.set(access, { exp: Date.now() + this.accessTokenTtlSeconds * 1000, scopes });
    let next = refreshToken;
    if (this.rotate) {
      this.refresh.delete(refreshToken);
      next = `pinr_${hash(this.seed, n, 2).toString(36)}${n.toString(36)}${Date.now().toString(36)}`;
      this.refresh.add(next);
    }
    const now = Math.floor(Date.now() / 1000);
    return {
      access_token: access,
      refresh_token: next,
      response_type: 'refresh_token',
      token_type: 'bearer',
      expires_in: this.accessTokenTtlSeconds,
      refresh_token_expires_in: REFRESH_TTL_S,
      refresh_token_expires_at: now + REFRESH_TTL_S,
      scope: scope ? [...scopes].join(',') : [...this.scopes].join(','),
    };
  }
}
