import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { UserError } from '../errors.js';
import { ALL_ENTITY_STATUSES, settingsFrom, type PinterestConfig, type Settings } from './config.js';
import { CONFIG_SCHEMA } from './spec-files.js';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ allErrors: false, useDefaults: true, discriminator: true, strict: false, verbose: true });
addFormats(ajv);
const validateSchema = ajv.compile(CONFIG_SCHEMA);

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** One readable sentence per ajv error, naming the field by JSON pointer, never quoting values. */
function describe(e: ErrorObject): string {
  const at = e.instancePath || '';
  switch (e.keyword) {
    case 'required':
      return `config ${at}/${(e.params as { missingProperty: string }).missingProperty}: is required`;
    case 'minLength':
      if ((e.params as { limit: number }).limit === 1) return `config ${at}: must be a non-empty string`;
      break;
    case 'type':
      if ((e.params as { type: string }).type === 'string' && /credentials/.test(at)) return `config ${at}: must be a non-empty string`;
      break;
    case 'discriminator':
      return `config ${at}/auth_method: must be "oauth2.0" or "access_token"`;
    case 'enum':
      return `config ${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern': {
      const d = (e.parentSchema as { pattern_descriptor?: unknown } | undefined)?.pattern_descriptor;
      return `config ${at}: must be written as ${typeof d === 'string' ? d : `text matching ${(e.params as { pattern: string }).pattern}`}`;
    }
    case 'format':
      return `config ${at}: must be a valid ${(e.params as { format: string }).format === 'date' ? 'calendar date (YYYY-MM-DD)' : (e.params as { format: string }).format}`;
  }
  return `config ${at || '/'}: ${e.message ?? 'is invalid'}`;
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * The previous connector's `status` (an array of ACTIVE | PAUSED | ARCHIVED, or null) becomes
 * `entity_statuses` when that isn't set; `entity_statuses` wins when both are. `null`, an empty
 * list or a list of nothing known means "no filter chosen": the `entity_statuses` default (all
 * five). Never a refusal: a config the previous connector accepted is accepted here. The field is
 * removed so nothing downstream reads it.
 */
export function applyLegacyStatus(cfg: Record<string, unknown>): void {
  if (!('status' in cfg)) return;
  const status = cfg.status;
  delete cfg.status;
  if (cfg.entity_statuses !== undefined || !Array.isArray(status)) return;
  const known = new Set<string>(ALL_ENTITY_STATUSES);
  const picked = [...new Set(status.filter((s): s is string => typeof s === 'string').map((s) => s.toUpperCase()))].filter((s) => known.has(s));
  if (picked.length > 0) cfg.entity_statuses = picked;
}

/** Validates the raw endpoint config, applies defaults and returns the normalised config. */
export function parseConfig(raw: unknown): PinterestConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError('config: must be a JSON object');
  const cfg = structuredClone(raw) as Record<string, unknown>;
  applyLegacyStatus(cfg);
  if (!validateSchema(cfg)) throw new UserError(describe(validateSchema.errors![0]));
  const config = cfg as unknown as PinterestConfig;

  if (config.start_date > todayUtc()) throw new UserError('config /start_date: must not be in the future');
  config.lookback_window_days ??= config.attribution.click_window_days;
  config.advanced = settingsFrom(cfg.advanced as Partial<Settings> | undefined);

  let url: URL;
  try {
    url = new URL(config.advanced.api_base_url);
  } catch {
    throw new UserError('config /advanced/api_base_url: must be an absolute URL');
  }
  if (url.protocol === 'http:' && !(LOOPBACK.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname))) {
    throw new UserError('config /advanced/api_base_url: plain http:// is only allowed for loopback hosts; use https://');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError('config /advanced/api_base_url: must be an http(s) URL');

  const names = new Set<string>();
  for (const [i, r] of config.custom_reports.entries()) {
    if (names.has(r.name)) throw new UserError(`config /custom_reports/${i}/name: duplicate custom report name "${r.name}"`);
    names.add(r.name);
  }
  return config;
}
