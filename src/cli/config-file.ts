import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.js';

/** Reads an endpoint config (or state) file: JSON, or YAML when it is not JSON. */
export function readConfigFile(path: string, what = 'config file'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`${what} ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parseYaml(text);
    } catch (err) {
      throw new UserError(`${what} ${path}: neither JSON nor YAML (${(err as Error).message.split('\n')[0]})`);
    }
  }
}

export function splitList(v: string | undefined): string[] | undefined {
  if (!v) return undefined;
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}
