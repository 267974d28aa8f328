type Doc = Record<string, unknown>;

/**
 * Ids as strings (top-level `id`, `*_id`, `*_ids`), configured fields dropped, parent ids added.
 * Shapes the freshly parsed API object in place: the hot path makes no copy per document.
 */
export function normalize(item: unknown, drop: readonly string[] = [], extra?: Doc): Doc {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return { value: item };
  const doc = item as Doc;
  for (const k in doc) {
    const v = doc[k];
    if (typeof v === 'number' || typeof v === 'bigint') {
      if (k === 'id' || k.endsWith('_id')) doc[k] = String(v);
    } else if (Array.isArray(v) && k.endsWith('_ids')) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === 'number' || typeof v[i] === 'bigint') v[i] = String(v[i]);
    }
  }
  for (const k of drop) if (k in doc) delete doc[k];
  if (extra) for (const k in extra) if (doc[k] === undefined || doc[k] === null) doc[k] = extra[k];
  return doc;
}

/** An endpoint template with its `{placeholders}` filled (URL-encoded). */
export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = vars[k];
    if (v === undefined) throw new Error(`endpoint ${template}: no value for {${k}}`);
    return encodeURIComponent(v);
  });
}
