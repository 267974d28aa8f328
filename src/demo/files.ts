import { createWriteStream, mkdirSync, readdirSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';

/** One `<dir>/<stream>.jsonl` per stream, created up front so an empty stream still shows. */
export interface JsonlFiles {
  write(stream: string, doc: Record<string, unknown>): Promise<void> | void;
  close(): Promise<void>;
}

export function openJsonlFiles(dir: string, streams: string[]): JsonlFiles {
  mkdirSync(dir, { recursive: true });
  // A previous demo's files for streams no longer captured would mislead: start clean.
  for (const f of readdirSync(dir)) if (f.endsWith('.jsonl')) rmSync(join(dir, f));
  const files = new Map<string, WriteStream>(streams.map((s) => [s, createWriteStream(join(dir, `${s}.jsonl`))]));
  return {
    write(stream, doc) {
      const f = files.get(stream);
      if (!f) throw new Error(`no output file for stream ${stream}`);
      if (!f.write(JSON.stringify(doc) + '\n')) return once(f, 'drain').then(() => undefined);
    },
    async close() {
      await Promise.all([...files.values()].map((f) => new Promise<void>((resolve, reject) => f.end((err?: Error | null) => (err ? reject(err) : resolve())))));
    },
  };
}
