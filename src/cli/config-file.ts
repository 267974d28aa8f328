import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.js';

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
      value = parseYaml(text);
    } catch (err) {
      throw new UserError(`${what} ${path}: neither JSON nor YAML (${(err as Error).message.split('\n')[0]!.replace(/:$/, '')})`);
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
