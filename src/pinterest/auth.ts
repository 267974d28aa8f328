import { UserError } from '../errors.js';
import type { Credentials } from './config.js';

export interface TokenResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
}

export type RefreshFn = (refreshToken: string, signal?: AbortSignal) => Promise<TokenResponse>;

/** The credentials a refresh changed, to persist (configUpdate / config file) for the next session. */
export interface CredentialUpdate {
  refresh_token: string;
  access_token: string;
  /** ISO-8601 instant the access token expires (from `expires_in`); absent when Pinterest gave none. */
  access_token_expires_at?: string;
}

/** A persisted access token is used only while it stays valid this much longer. */
export const PERSISTED_TOKEN_MIN_LIFE_MS = 5 * 60_000;

/** What a 401 "invalid token" answer means for the request that got it. */
export interface Rejection {
  /** `METHOD /path (stream s)`, for the message. */
  where: string;
  /** `HTTP 401, code 2: Authentication failed`. */
  answer: string;
}

// Hands out the Bearer token for data calls. OAuth tokens are refreshed before they expire and when
// Pinterest answers 401 "Authentication failed" (code 2), at most once per access token; a rotated
// refresh token replaces the old one from then on (the old one is invalid once used). Each refresh
// is reported through `onUpdate` so the next session can start from it without refreshing.
export class TokenSource {
  private accessToken: string | undefined;
  private expiresAt = Number.POSITIVE_INFINITY;
  private refreshToken: string | undefined;
  private inflight: Promise<string> | undefined;
  // Tokens this process obtained from a refresh that Pinterest has not accepted yet. Pinterest
  // rejecting one of them is not an expiry: the credentials are bad (or the token endpoint and the
  // API disagree), and refreshing again would loop.
  private readonly unconfirmed = new Set<string>();
  // Fresh tokens rejected in a row: one is tolerated (a fault or a race), the second is an error.
  private freshRejections = 0;

  constructor(
    credentials: Credentials,
    private readonly refresh: RefreshFn,
    private readonly onUpdate: (update: CredentialUpdate, rotated: boolean) => void | Promise<void> = () => {},
    now = Date.now(),
  ) {
    if (credentials.auth_method === 'access_token') {
      this.accessToken = credentials.access_token;
    } else {
      this.refreshToken = credentials.refresh_token;
      // A persisted access token is used while it stays valid for more than a few minutes. One
      // without an expiry (older configs, Flow's OAuth exchange) is not trusted: refresh first.
      const exp = credentials.access_token_expires_at ? Date.parse(credentials.access_token_expires_at) : Number.NaN;
      if (credentials.access_token && Number.isFinite(exp) && exp - now > PERSISTED_TOKEN_MIN_LIFE_MS) {
        this.accessToken = credentials.access_token;
        this.expiresAt = exp - PERSISTED_TOKEN_MIN_LIFE_MS;
      }
    }
  }

  get refreshable(): boolean {
    return this.refreshToken !== undefined;
  }

  /** The config field a rejected token points the user to. */
  get credentialField(): string {
    return this.refreshable ? 'credentials.refresh_token' : 'credentials.access_token';
  }

  async token(signal?: AbortSignal): Promise<string> {
    if (this.accessToken !== undefined && Date.now() < this.expiresAt) return this.accessToken;
    return this.renew(signal);
  }

  /** Pinterest answered a request made with `token` with something other than "invalid token". */
  accepted(token: string | undefined): void {
    if (token !== undefined && this.unconfirmed.delete(token)) this.freshRejections = 0;
  }

  /**
   * Pinterest answered 401 "invalid token" to a request made with `token`: renews it (concurrent
   * callers share one refresh; a token already replaced is not refreshed again), or throws a
   * UserError naming the credential when renewing cannot help.
   */
  async rejected(token: string, r: Rejection, signal?: AbortSignal): Promise<void> {
    if (this.accessToken !== undefined && this.accessToken !== token) return; // already replaced
    if (this.inflight) {
      await this.inflight;
      return;
    }
    if (!this.refreshable) {
      throw new UserError(`Pinterest rejected the credentials (credentials.access_token) on ${r.where}: ${r.answer}. The token is expired or revoked; create a new one, or use OAuth so the connector can refresh it.`, {
        field: 'credentials.access_token',
      });
    }
    if (this.unconfirmed.has(token)) {
      this.unconfirmed.delete(token);
      if (++this.freshRejections >= 2) {
        throw new UserError(
          `Pinterest rejected the credentials (credentials.refresh_token) on ${r.where}: ${r.answer}, for an access token it had just issued. Re-authenticate the capture (the app's authorization may have been revoked).`,
          { field: 'credentials.refresh_token' },
        );
      }
    }
    this.accessToken = undefined;
    await this.renew(signal);
  }

  private renew(signal?: AbortSignal): Promise<string> {
    if (!this.refreshToken) return Promise.reject(new Error('access token cannot be refreshed'));
    this.inflight ??= this.doRefresh(this.refreshToken, signal).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async doRefresh(refreshToken: string, signal?: AbortSignal): Promise<string> {
    const res = await this.refresh(refreshToken, signal);
    const now = Date.now();
    this.accessToken = res.access_token;
    this.unconfirmed.add(res.access_token);
    // Refresh ahead of expiry: a minute early, or 10% of the lifetime when that is shorter.
    const life = typeof res.expires_in === 'number' && res.expires_in > 0 ? res.expires_in * 1000 : Number.POSITIVE_INFINITY;
    this.expiresAt = now + life - Math.min(60_000, life * 0.1);
    const rotated = !!res.refresh_token && res.refresh_token !== this.refreshToken;
    if (res.refresh_token) this.refreshToken = res.refresh_token;
    const update: CredentialUpdate = {
      refresh_token: this.refreshToken!,
      access_token: res.access_token,
      ...(Number.isFinite(life) ? { access_token_expires_at: new Date(now + life).toISOString() } : {}),
    };
    // Awaited: the refresh completes once the new credentials are published (or publishing failed).
    await this.onUpdate(update, rotated);
    return res.access_token;
  }
}
