// Deterministic, allocation-free 32-bit hashing: every generated value is a pure function of
// (seed, entity, date, …), so nothing has to be stored and any value can be recomputed by tests.

export function mix(h: number, v: number): number {
  // murmur3-style mixing of one 32-bit lane (numbers above 2^32 are folded in two halves).
  let k = (v >>> 0) ^ Math.floor(v / 4294967296);
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

export function fin(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hash(...vals: number[]): number {
  let h = 0x9747b28c;
  for (const v of vals) h = mix(h, v);
  return fin(h);
}

export function strHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Uniform float in [0, 1) from a hash. */
export function unit(h: number): number {
  return h / 4294967296;
}

export function pick<T>(arr: readonly T[], h: number): T {
  return arr[h % arr.length];
}
