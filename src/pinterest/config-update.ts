import type { Logger } from '../log.js';
import { isObject } from '../connector/state.js';
import type { CredentialUpdate } from './auth.js';
import type { PinterestConfig } from './config.js';
import { send, type SendContext } from './send.js';
import { CONFIG_SCHEMA } from './spec-files.js';

// Each OAuth refresh hands back new credentials: a new refresh token (the used one stops working),
// an access token and its expiry (kept so the next session starts without refreshing). The runtime
// persists a new endpoint config when the connector logs `eventType: "configUpdate"` with the full
// config, ENCRYPTED by Estuary's config-encryption service (flow-protocol.md §3, §6.4): secrets never
// reach the logs in the clear. The logger redacts credentials everywhere, so this one line is
// written on its own.
//
// The published config is the one the user wrote (raw, as the runtime handed it over) plus the
// credential changes: never the defaults parsing fills in.

export const DEFAULT_ENCRYPTION_URL = 'https://config-encryption.estuary.dev/v1/encrypt-config';

// The raw endpoint config each parsed config came from (see rememberRawConfig).
const raws = new WeakMap<object, Record<string, unknown>>();

/** Records the raw config `parsed` came from, so a later configUpdate publishes the user's fields only. */
export function rememberRawConfig<C extends object>(parsed: C, raw: unknown): C {
  if (isObject(raw)) raws.set(parsed, structuredClone(raw));
  return parsed;
}

/** The raw config recorded for `parsed`, if any. */
export function rawConfigOf(parsed: object): Record<string, unknown> | undefined {
  return raws.get(parsed);
}

/** `config` (raw or parsed) with the OAuth credentials replaced by `update`; other fields untouched. */
export function withCredentials<C extends { credentials?: unknown }>(config: C, update: CredentialUpdate): C {
  const creds = isObject(config.credentials) ? config.credentials : {};
  if (creds.auth_method !== undefined && creds.auth_method !== 'oauth2.0') return config;
  const next: Record<string, unknown> = { ...creds, refresh_token: update.refresh_token, access_token: update.access_token };
  if (update.access_token_expires_at) next.access_token_expires_at = update.access_token_expires_at;
  else delete next.access_token_expires_at;
  return { ...config, credentials: next };
}

/** Kept for callers of the rotation-only API: the refresh token replaced, a stale access token dropped. */
export function withRefreshToken(config: PinterestConfig, token: string): PinterestConfig {
  if (config.credentials.auth_method !== 'oauth2.0') return config;
  const { access_token: _stale, access_token_expires_at: _exp, ...creds } = config.credentials;
  return { ...config, credentials: { ...creds, refresh_token: token } };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as Record<string, unknown>)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

// The encryption service is not Pinterest: a few quick retries, no rate-limit budget.
const PUBLISH: SendContext = { knobs: { maxRetries: 4, retryBaseMs: 500, maxRateLimitWaitMs: 30_000, timeoutMs: 30_000 } };

function jsonObject(body: string): Record<string, unknown> {
  const v = JSON.parse(body) as unknown;
  if (!isObject(v)) throw new Error('the encryption service answered something other than a JSON object');
  return v;
}

/** POSTs `{config (keys sorted), schema}` to the encryption service; returns the encrypted config. */
export async function encryptConfig(config: unknown, url = process.env.ENCRYPTION_URL || DEFAULT_ENCRYPTION_URL, log?: Logger): Promise<Record<string, unknown>> {
  const u = new URL(url);
  const res = await send(
    { ...PUBLISH, log },
    { kind: 'publish', method: 'POST', url, path: `${u.host}${u.pathname}`, json: { config: sortKeys(config), schema: CONFIG_SCHEMA } },
    undefined,
    'text',
    jsonObject,
  );
  if (!isObject(res)) throw new Error('the encryption service answered nothing');
  return res;
}

export async function emitConfigUpdate(config: unknown, log?: Logger): Promise<void> {
  let encrypted: Record<string, unknown>;
  try {
    encrypted = await encryptConfig(config, undefined, log);
  } catch (err) {
    // Never fall back to the clear text. The new token keeps this session going; a later refresh
    // publishes again.
    const reason = (err as { code?: string }).code ?? (err as Error).message.split('\n')[0];
    log?.warn({ reason }, 'Pinterest issued new OAuth tokens, but the updated config could not be encrypted for publishing; this session continues with the new token, re-authenticate if a later session is refused');
    return;
  }
  const line = {
    ts: new Date().toISOString(),
    level: 'info',
    msg: 'Pinterest issued new OAuth tokens; publishing the updated endpoint config',
    fields: { eventType: 'configUpdate', config: encrypted },
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

export interface RotationTracker {
  /** The newest parsed config (credentials updated), for the session's strategies. */
  current(): PinterestConfig;
  /** The newest config as the user wrote it plus the credential changes: what gets published. */
  published(): Record<string, unknown>;
  /** After a refresh: records and publishes the new credentials (in refresh order). */
  onCredentials(update: CredentialUpdate): Promise<void>;
  /** Rotation-only callers: as onCredentials without an access token to keep. */
  onRefreshToken(token: string): Promise<void>;
}

/**
 * Tracks the newest config and hands it on after each refresh: to `persist` when running locally
 * (the config-file write-back), else as a configUpdate event for the Flow runtime. `raw` is the
 * config as the user wrote it (default: the one recorded for `config` by rememberRawConfig).
 */
export function rotationTracker(config: PinterestConfig, log?: Logger, persist?: (config: unknown) => Promise<void>, raw?: unknown): RotationTracker {
  const publish = persist ?? ((c: unknown) => emitConfigUpdate(c, log));
  let latest = config;
  let latestRaw: Record<string, unknown> = isObject(raw) ? structuredClone(raw) : (rawConfigOf(config) ?? (structuredClone(config) as unknown as Record<string, unknown>));
  let published = Promise.resolve();
  const push = (snapshot: Record<string, unknown>) => {
    // In refresh order, one event per refresh.
    published = published.then(() => publish(snapshot));
    return published;
  };
  return {
    current: () => latest,
    published: () => latestRaw,
    onCredentials(update: CredentialUpdate) {
      latest = withCredentials(latest, update);
      latestRaw = withCredentials(latestRaw, update);
      return push(latestRaw);
    },
    onRefreshToken(token: string) {
      latest = withRefreshToken(latest, token);
      const creds = isObject(latestRaw.credentials) ? { ...latestRaw.credentials } : {};
      delete creds.access_token;
      delete creds.access_token_expires_at;
      latestRaw = { ...latestRaw, credentials: { ...creds, refresh_token: token } };
      return push(latestRaw);
    },
  };
}
