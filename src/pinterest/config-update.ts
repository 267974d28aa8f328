import type { Logger } from '../log.js';
import type { PinterestConfig } from './config.js';

// Pinterest rotates refresh tokens (the used one stops working). The runtime persists a new endpoint
// config when the connector logs `eventType: "configUpdate"` with the full config (flow-protocol.md
// §3, §6.4). The logger redacts credentials everywhere, so this one line is written on its own —
// the only place a credential ever leaves the process.
export function withRefreshToken(config: PinterestConfig, token: string): PinterestConfig {
  if (config.credentials.auth_method !== 'oauth2.0') return config;
  const { access_token: _stale, ...creds } = config.credentials;
  return { ...config, credentials: { ...creds, refresh_token: token } };
}

export function emitConfigUpdate(config: PinterestConfig, log?: Logger): void {
  const line = {
    ts: new Date().toISOString(),
    level: 'info',
    msg: 'Pinterest rotated the OAuth refresh token; publishing the updated endpoint config',
    fields: { eventType: 'configUpdate', config },
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
  log?.debug('configUpdate emitted');
}

/** Tracks the newest config and emits a configUpdate each time the refresh token rotates. */
export function rotationTracker(config: PinterestConfig, log?: Logger): { current(): PinterestConfig; onRefreshToken(token: string): void } {
  let latest = config;
  return {
    current: () => latest,
    onRefreshToken(token: string) {
      latest = withRefreshToken(latest, token);
      emitConfigUpdate(latest, log);
    },
  };
}
