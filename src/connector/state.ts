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
