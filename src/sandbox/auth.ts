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
}

export const DEFAULT_SCOPES = ['ads:read', 'boards:read', 'boards:read_secret', 'catalogs:read', 'pins:read', 'pins:read_secret', 'user_accounts:read'];
const REFRESH_TTL_S = 60 * 86_400;

export class AuthState {
  readonly staticToken: string | null;
  readonly clientId: string;
  readonly clientSecret: string;
  accessTokenTtlSeconds: number;
  rotate: boolean;
  scopes: Set<string>;
  private readonly access = new Map<string, number>(); // token → expiry (ms epoch)
  private readonly refresh = new Set<string>();
  private counter = 0;
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
    this.refresh.add(o.refreshToken ?? 'pinr_sandbox');
  }

  /** 'ok' | 'expired' | 'invalid' for a bearer token. */
  check(token: string): 'ok' | 'expired' | 'invalid' {
    if (token === this.staticToken) return this.staticTokenDisabled ? 'expired' : 'ok';
    const exp = this.access.get(token);
    if (exp === undefined) return 'invalid';
    return Date.now() < exp ? 'ok' : 'expired';
  }

  isIssued(token: string): boolean {
    return this.access.has(token);
  }

  expire(token: string): void {
    if (this.access.has(token)) this.access.set(token, 0);
  }

  expireAll(): void {
    for (const t of this.access.keys()) this.access.set(t, 0);
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
    this.access.set(access, Date.now() + this.accessTokenTtlSeconds * 1000);
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
      scope: scope ?? [...this.scopes].join(','),
    };
  }
}
