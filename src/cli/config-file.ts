import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UserError } from '../errors.js';
import { isObject } from '../connector/state.js';

// Loaded on first use: every command module imports this file, and the Flow connector process
// (which never reads a config file) need not carry the YAML parser.
let yamlModule: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/** Reads an endpoint config (or state) file: JSON, or YAML when it is not JSON. */
export function readConfigFile(path: string, what = 'config file'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(`${what} ${path}: ${READ_ERRORS[code] ?? `cannot be read (${code})`}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      value = yaml().parse(text);
    } catch (err) {
      throw new UserError(`${what} ${path}: neither JSON nor YAML (${(err as Error).message.split('\n')[0].replace(/:$/, '')})`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(`${what} ${path}: must hold a JSON or YAML object (found ${value === null || value === undefined ? 'nothing' : Array.isArray(value) ? 'a list' : `a ${typeof value}`})`);
  }
  return value;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied (cannot read it)',
  EPERM: 'permission denied (cannot read it)',
  EISDIR: 'is a directory, not a file',
};

export function splitList(v: string | undefined): string[] | undefined {
  if (!v) return undefined;
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}


// Leaves present in the file whose value the updated config changes (defaults the file never
// spelled out are not added), plus the credential fields the connector maintains (a new access
// token and its expiry) when the file does not have them yet.
function changedLeaves(file: unknown, updated: unknown, path: string[] = []): Array<[string[], unknown]> {
  if (!isObject(file) || !isObject(updated)) return [];
  const out: Array<[string[], unknown]> = [];
  for (const [k, v] of Object.entries(file)) {
    const next = updated[k];
    if (isObject(v)) out.push(...changedLeaves(v, next, [...path, k]));
    else if (next !== undefined && !isObject(next) && !Array.isArray(next) && next !== v) out.push([[...path, k], next]);
  }
  if (path.length === 1 && path[0] === 'credentials') {
    for (const k of MAINTAINED_CREDENTIALS) {
      if (!(k in file) && typeof updated[k] === 'string') out.push([[...path, k], updated[k]]);
    }
  }
  return out;
}

const MAINTAINED_CREDENTIALS = ['refresh_token', 'access_token', 'access_token_expires_at'];

/**
 * Keeps an updated endpoint config (new OAuth credentials: a rotated refresh token, the old one
 * stops working, and the access token with its expiry) in the config file of a local run,
 * preserving its format and comments. Writes atomically. Logs the field names, never the values.
 */
export function configFilePersister(path: string, log: { info(obj: object, msg: string): void }): (config: unknown) => Promise<void> {
  // Synchronous I/O; the caller chains it on a promise (rotationTracker), so a throw still rejects.
  return (updated) => {
    const text = readFileSync(path, 'utf8');
    let out: string;
    let fields: string[];
    try {
      const current = JSON.parse(text) as unknown;
      const changes = changedLeaves(current, updated);
      for (const [p, v] of changes) {
        let o = current as Record<string, unknown>;
        for (const k of p.slice(0, -1)) o = o[k] as Record<string, unknown>;
        o[p.at(-1)!] = v;
      }
      fields = changes.map(([p]) => p.join('.'));
      out = `${JSON.stringify(current, null, 2)}\n`;
    } catch {
      const doc = yaml().parseDocument(text);
      const changes = changedLeaves(doc.toJS(), updated);
      for (const [p, v] of changes) doc.setIn(p, v);
      fields = changes.map(([p]) => p.join('.'));
      out = doc.toString();
    }
    if (!fields.length) return Promise.resolve();
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, out, { mode: statSync(path).mode & 0o777 });
    renameSync(tmp, path);
    log.info({ file: path, fields }, `saved the updated ${fields.join(', ')} to the config file`);
    return Promise.resolve();
  };
}
