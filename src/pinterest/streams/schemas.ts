import { readFileSync } from 'node:fs';
import type { StreamDef } from './types.js';

// TEMPORARY stand-in, replaced by the `schemas` branch: the stream's schema file when present,
// otherwise an object schema declaring just its key properties.
export function streamSchema(def: StreamDef): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(new URL(`../../../resources/schemas/${def.schema}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
  } catch {
    const keys = def.key.map((k) => k.slice(1));
    return { type: 'object', required: keys, properties: Object.fromEntries(keys.map((k) => [k, { type: 'string' }])) };
  }
}
