import got from 'got';
import type { Logger } from '../log.js';
import type { PinterestConfig } from './config.js';
import { CONFIG_SCHEMA } from './spec-files.js';

// Pinterest rotates refresh tokens (the used one stops working). The runtime persists a new endpoint
// config when the connector logs `eventType: "configUpdate"` with the full config, ENCRYPTED by
// Estuary's config-encryption service (flow-protocol.md §3, §6.4): secrets never reach the logs in
// the clear. The logger redacts credentials everywhere, so this one line is written on its own.

export const DEFAULT_ENCRYPTION_URL = 'https://config-encryption.estuary.dev/v1/encrypt-config';

export function withRefreshToken(config: PinterestConfig, token: string): PinterestConfig {
  if (config.credentials.auth_method !== 'oauth2.0') return config;
  const { access_token: _stale, ...creds } = config.credentials;
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

/** POSTs `{config (keys sorted), schema}` to the encryption service; returns the encrypted config. */
export async function encryptConfig(config: PinterestConfig, url = process.env.ENCRYPTION_URL || DEFAULT_ENCRYPTION_URL): Promise<Record<string, unknown>> {
  const res = await got.post(url, {
    json: { config: sortKeys(config), schema: CONFIG_SCHEMA },
    responseType: 'json',
    timeout: { request: 30_000 },
    retry: { limit: 4, methods: ['POST'] },
  });
  const body = res.body as unknown;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('the encryption service answered something other than a JSON object');
  return body as Record<string, unknown>;
}

export async function emitConfigUpdate(config: PinterestConfig, log?: Logger): Promise<void> {
  let encrypted: Record<string, unknown>;
  try {
    encrypted = await encryptConfig(config);
  } catch (err) {
    // Never fall back to the clear text. The new token keeps this session going; a later rotation
    // publishes again.
    const reason = (err as { code?: string }).code ?? (err as Error).message.split('\n')[0];
    log?.warn({ reason }, 'Pinterest rotated the OAuth refresh token, but the updated config could not be encrypted for publishing; this session continues with the new token, re-authenticate if a later session is refused');
    return;
  }
  const line = {
    ts: new Date().toISOString(),
    level: 'info',
    msg: 'Pinterest rotated the OAuth refresh token; publishing the updated endpoint config',
    fields: { eventType: 'configUpdate', config: encrypted },
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/**
 * Tracks the newest config and hands it on each time the refresh token rotates: to `persist` when
 * running locally, else as a configUpdate event for the Flow runtime.
 */
export function rotationTracker(
  config: PinterestConfig,
  log?: Logger,
  persist?: (config: unknown) => Promise<void>,
): { current(): PinterestConfig; onRefreshToken(token: string): Promise<void> } {
  const publish = persist ?? ((c: PinterestConfig) => emitConfigUpdate(c, log));
  let latest = config;
  let published = Promise.resolve();
  return {
    current: () => latest,
    onRefreshToken(token: string) {
      latest = withRefreshToken(latest, token);
      const snapshot = latest;
      // In rotation order, one event per rotation.
      published = published.then(() => publish(snapshot));
      return published;
    },
  };
}
