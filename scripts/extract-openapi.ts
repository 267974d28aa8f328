// Extracts what the project needs of Pinterest's OpenAPI description (operations the sandbox serves
// and the connector calls) into resources/openapi/operations.json, with every $ref resolved inline.
// Usage: node --import tsx scripts/extract-openapi.ts [path/to/pinterest-openapi.json] (default: the vendored resources/openapi copy)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SERVED = [
  'oauth/token',
  'user_account/get',
  'user_account/analytics',
  'boards/list',
  'board_sections/list',
  'boards/list_pins',
  'board_sections/list_pins',
  'multi_pins/analytics',
  'ad_accounts/list',
  'campaigns/list',
  'ad_groups/list',
  'ads/list',
  'audiences/list',
  'customer_lists/list',
  'conversion_tags/list',
  'keywords/get',
  'catalogs/list',
  'feeds/list',
  'catalogs_product_groups/list',
  'ad_account/analytics',
  'campaigns/analytics',
  'ad_groups/analytics',
  'ads/analytics',
  'ad_account_targeting_analytics/get',
  'campaign_targeting_analytics/get',
  'ad_groups_targeting_analytics/get',
  'ad_targeting_analytics/get',
  'analytics/create_report',
  'analytics/get_report',
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const src = process.argv[2] ?? fileURLToPath(new URL('../resources/openapi/pinterest-openapi-5.23.0.json', import.meta.url));
const doc = JSON.parse(readFileSync(src, 'utf8')) as Obj;

function lookup(ref: string): Json {
  let cur: Json = doc;
  for (const part of ref.replace(/^#\//, '').split('/')) cur = (cur as Obj)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}

// Drop documentation-only keywords (examples, long descriptions) to keep the file small; keep
// `description` on parameters (messages) but not inside schemas.
const DROP = new Set(['example', 'examples', 'description', 'title', 'externalDocs', 'x-sandbox', 'deprecated', 'readOnly', 'writeOnly']);

function resolve(node: Json, stack: string[]): Json {
  if (Array.isArray(node)) return node.map((n) => resolve(n, stack));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (stack.includes(ref)) throw new Error(`cyclic $ref ${ref}`);
    return resolve(lookup(ref), [...stack, ref]);
  }
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    if (DROP.has(k)) continue;
    // `properties` maps names to schemas: never treat a property name as a keyword.
    if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) {
      const props: Obj = {};
      for (const [pk, pv] of Object.entries(v)) props[pk] = resolve(pv, stack);
      out[k] = props;
    } else out[k] = resolve(v, stack);
  }
  return out;
}

const operations: Obj[] = [];
for (const [path, item] of Object.entries(doc.paths as Obj)) {
  for (const [method, raw] of Object.entries(item as Obj)) {
    const op = raw as Obj;
    if (!SERVED.includes(op.operationId as string)) continue;
    const params = ((op.parameters as Json[] | undefined) ?? []).map((p) => {
      const r = resolve(p, []) as Obj;
      const base = (typeof (p as Obj).$ref === 'string' ? lookup((p as Obj).$ref as string) : p) as Obj;
      return { name: r.name, in: r.in, required: r.required ?? false, explode: r.explode ?? null, style: r.style ?? null, schema: r.schema, description: base.description ?? null };
    });
    const body = op.requestBody ? (resolve(op.requestBody, []) as Obj) : null;
    const bodyContent = body ? (body.content as Obj) : null;
    const bodyType = bodyContent ? Object.keys(bodyContent)[0] : null;
    const ok = (op.responses as Obj)['200'] as Obj;
    const okSchema = resolve(((ok.content as Obj)['application/json'] as Obj).schema, []);
    const errorCodes = Object.keys(op.responses as Obj).filter((c) => /^\d+$/.test(c) && c !== '200');
    const security = (op.security as Obj[] | undefined) ?? [];
    const scopes = [...new Set(security.flatMap((s) => Object.values(s).flat() as string[]))];
    operations.push({
      operationId: op.operationId,
      method: method.toUpperCase(),
      path,
      category: op['x-ratelimit-category'],
      sandbox: op['x-sandbox'],
      scopes,
      parameters: params,
      requestBody: body ? { contentType: bodyType, schema: (bodyContent![bodyType!] as Obj).schema } : null,
      response200: okSchema,
      declaredStatuses: errorCodes,
    });
  }
}
const missing = SERVED.filter((id) => !operations.some((o) => o.operationId === id));
if (missing.length) throw new Error(`operations not found: ${missing.join(', ')}`);
operations.sort((a, b) => SERVED.indexOf(a.operationId as string) - SERVED.indexOf(b.operationId as string));

const info = doc.info as Obj;
const out = { source: 'pinterest/api-description v5/openapi.json (MIT)', version: info.version, operations };
const dest = fileURLToPath(new URL('../resources/openapi/operations.json', import.meta.url));
writeFileSync(dest, JSON.stringify(out) + '\n');
console.log(`wrote ${operations.length} operations to ${dest}`);
