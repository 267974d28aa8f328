// Connector state helpers: Flow's state keys and RFC 7396 JSON merge patches.

/**
 * Flow's `encode_state_key(resource_path, backfill)`: path parts joined by `/`, every character
 * other than Unicode letters, digits and `-_+.=` percent-encoded (so `/` becomes %2F), plus
 * `.v<backfill>` when the backfill counter is non-zero.
 */
export function encodeStateKey(resourcePath: string[], backfill = 0): string {
  const joined = resourcePath.join('/');
  let out = '';
  for (const ch of joined) {
    if (/^[\p{L}\p{N}\-_+.=]$/u.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return backfill ? `${out}.v${backfill}` : out;
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 7396: returns `target` with `patch` applied (null deletes); `target` is not mutated. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The RFC 7396 merge patch that turns `from` into `to` (keys absent from `to` become null), or
 * undefined when they are equal. `to` holds no nulls: a null could not be told from a deletion.
 */
export function mergePatchBetween(from: unknown, to: unknown): unknown {
  if (!isObject(to) || !isObject(from)) return sameJson(from, to) ? undefined : structuredClone(to);
  let patch: Record<string, unknown> | undefined;
  for (const k of Object.keys(from)) {
    if (!(k in to) || to[k] === undefined) (patch ??= {})[k] = null;
  }
  for (const [k, v] of Object.entries(to)) {
    if (v === undefined) continue;
    const sub = k in from ? mergePatchBetween(from[k], v) : structuredClone(v);
    if (sub !== undefined) (patch ??= {})[k] = sub;
  }
  return patch;
}
