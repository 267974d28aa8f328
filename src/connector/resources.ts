import { UserError } from '../errors.js';
import { parseIsoDuration } from './duration.js';
import type { OpenBinding, ResourceConfig, StreamInfo, SyncMode } from './source.js';
import { encodeStateKey } from './state.js';

export type ResolvedResource = OpenBinding['resource'];

/** How errors name a binding: its position and, when known, the collection it captures into. */
export function bindingLabel(index: number, collection?: string, stream?: string): string {
  const parts = [collection, stream ? `stream "${stream}"` : undefined].filter(Boolean);
  return `binding ${index}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/**
 * Checks a binding's resourceConfig against the available streams and fills in defaults.
 * Bindings made by the previous (Airbyte-based) connector carry `namespace` (absent for Pinterest)
 * and `cursorField`: both are accepted and ignored, each stream picks its own cursor, and the
 * resource path stays `[stream]`, so Flow keeps the bindings' state keys and backfill counters.
 */
export function resolveResource(streams: Map<string, StreamInfo>, raw: unknown, index: number, collection?: string): ResolvedResource {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || typeof (raw as ResourceConfig).stream !== 'string') {
    throw new UserError(`${bindingLabel(index, collection)}: resource config must be an object with a "stream" name`);
  }
  const rc = raw as ResourceConfig;
  const label = bindingLabel(index, collection, rc.stream);
  const info = streams.get(rc.stream);
  if (!info) throw new UserError(`${label}: unknown stream "${rc.stream}" (discover lists the available streams)`);
  const syncMode: SyncMode = rc.syncMode ?? info.syncModes[0];
  if (!info.syncModes.includes(syncMode)) {
    throw new UserError(`${label}: syncMode "${String(syncMode)}" is not supported by this stream (supported: ${info.syncModes.join(', ')})`);
  }
  const interval = rc.interval ?? info.defaultInterval;
  if (typeof interval !== 'string' || parseIsoDuration(interval) === null) {
    throw new UserError(`${label}: interval ${JSON.stringify(interval)} is not an ISO-8601 duration such as PT1H or P1D`);
  }
  return { stream: rc.stream, syncMode, interval };
}

export function streamMap(streams: StreamInfo[]): Map<string, StreamInfo> {
  return new Map(streams.map((s) => [s.name, s]));
}

export interface OpenRequestBinding {
  resourceConfig?: unknown;
  resourcePath?: string[];
  backfill?: number;
  stateKey?: string;
  collection?: { name?: string };
}

export function openBindings(streams: Map<string, StreamInfo>, bindings: OpenRequestBinding[]): OpenBinding[] {
  const byKey = new Map<string, number>();
  return bindings.map((b, index) => {
    const resource = resolveResource(streams, b.resourceConfig, index, b.collection?.name);
    const stateKey = b.stateKey || encodeStateKey(b.resourcePath?.length ? b.resourcePath : [resource.stream], b.backfill ?? 0);
    // Two bindings checkpointing under one key would overwrite each other's progress.
    const other = byKey.get(stateKey);
    if (other !== undefined) {
      throw new UserError(`${bindingLabel(index, b.collection?.name, resource.stream)}: stateKey "${stateKey}" is also the stateKey of binding ${other}; each binding needs its own`);
    }
    byKey.set(stateKey, index);
    return { index, resource, stateKey };
  });
}
