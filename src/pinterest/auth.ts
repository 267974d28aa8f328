import type { Credentials } from './config.js';

export interface TokenResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
}

export type RefreshFn = (refreshToken: string, signal?: AbortSignal) => Promise<TokenResponse>;

// Hands out the Bearer token for data calls. OAuth tokens are refreshed before they expire, once
// more when Pinterest answers 401, and a rotated refresh token replaces the old one from then on
// (the old one is invalid once used), reported through `onRefreshToken` so it can be persisted.
export class TokenSource {
  private accessToken: string | undefined;
  private expiresAt = Number.POSITIVE_INFINITY;
  private refreshToken: string | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    credentials: Credentials,
    private readonly refresh: RefreshFn,
    private readonly onRefreshToken: (token: string) => void | Promise<void> = () => {},
  ) {
    if (credentials.auth_method === 'access_token') {
      this.accessToken = credentials.access_token;
    } else {
      this.refreshToken = credentials.refresh_token;
      // An access token handed over with the config is used until Pinterest says it expired.
      this.accessToken = credentials.access_token || undefined;
    }
  }

  get refreshable(): boolean {
    return this.refreshToken !== undefined;
  }

  async token(signal?: AbortSignal): Promise<string> {
    if (this.accessToken !== undefined && Date.now() < this.expiresAt) return this.accessToken;
    return this.renew(signal);
  }

  /** Forces a refresh (after a 401 on `stale`); concurrent callers share one refresh. */
  async renewAfterRejection(stale: string, signal?: AbortSignal): Promise<string> {
    if (this.accessToken !== undefined && this.accessToken !== stale && Date.now() < this.expiresAt) return this.accessToken;
    this.accessToken = undefined;
    return this.renew(signal);
  }

  private renew(signal?: AbortSignal): Promise<string> {
    if (!this.refreshToken) throw new Error('access token cannot be refreshed');
    this.inflight ??= this.doRefresh(this.refreshToken, signal).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async doRefresh(refreshToken: string, signal?: AbortSignal): Promise<string> {
    const res = await this.refresh(refreshToken, signal);
    this.accessToken = res.access_token;
    // Refresh ahead of expiry: a minute early, or 10% of the lifetime when that is shorter.
    const life = typeof res.expires_in === 'number' && res.expires_in > 0 ? res.expires_in * 1000 : Number.POSITIVE_INFINITY;
    this.expiresAt = Date.now() + life - Math.min(60_000, life * 0.1);
    if (res.refresh_token && res.refresh_token !== this.refreshToken) {
      this.refreshToken = res.refresh_token;
      // Awaited: the refresh completes once the rotation is published (or its publishing failed).
      await this.onRefreshToken(res.refresh_token);
    }
    return res.access_token;
  }
}
