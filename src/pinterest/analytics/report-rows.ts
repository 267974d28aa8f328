import type { Readable } from 'node:stream';
import { quoteIdNumbers } from '../exact-ids.js';

// Incremental parser for async report files: `{ "<entity id>": [ {row}, … ], … }` (Pinterest's
// JSON report, BY_ID or BY_DATE). A file can be hundreds of MB, so it is never held whole: the
// scanner walks chunks, copies out one row object at a time and JSON.parses only that row.
// Also accepted: a value that is a single row object instead of an array, and a top-level array.

export interface ReportRow {
  /** The top-level key the row was grouped under (entity id or date), null for a top-level array. */
  key: string | null;
  row: Record<string, unknown>;
}

const enum S {
  Top,
  ObjKey,
  KeyStr,
  Colon,
  Value,
  Arr,
  Row,
  Scalar,
  Done,
}

const WS = new Set([0x20, 0x0a, 0x0d, 0x09]);

// Id columns come back as JSON numbers at times; pin and product ids exceed 2^53, so they are
// quoted before JSON.parse rounds them (see parseRow).
export { quoteIdNumbers };

export class ReportRowParser {
  private state = S.Top;
  private topArray = false;
  private key: string | null = null;
  private keyBuf = '';
  private rowParts: string[] = [];
  private depth = 0;
  private inString = false;
  private escape = false;
  private rowReturn = S.Arr;
  private scalarReturn = S.ObjKey;
  private offset = 0; // characters consumed so far, for error messages

  /** Feeds one chunk of text; returns the rows completed by it. */
  push(chunk: string): ReportRow[] {
    const out: ReportRow[] = [];
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case S.Top:
          if (WS.has(c) || c === 0xfeff) break;
          if (c === 0x7b /* { */) this.state = S.ObjKey;
          else if (c === 0x5b /* [ */) {
            this.topArray = true;
            this.state = S.Arr;
          } else this.fail(c, i);
          break;
        case S.ObjKey:
          if (WS.has(c) || c === 0x2c /* , */) break;
          if (c === 0x22 /* " */) {
            this.keyBuf = '"';
            this.escape = false;
            this.state = S.KeyStr;
          } else if (c === 0x7d /* } */) this.state = S.Done;
          else this.fail(c, i);
          break;
        case S.KeyStr: {
          // Scan to the closing quote in one slice.
          let j = i;
          for (; j < n; j++) {
            const d = chunk.charCodeAt(j);
            if (this.escape) this.escape = false;
            else if (d === 0x5c) this.escape = true;
            else if (d === 0x22) break;
          }
          this.keyBuf += chunk.slice(i, j);
          if (j < n) {
            this.key = JSON.parse(this.keyBuf + '"') as string;
            this.state = S.Colon;
          }
          i = j;
          break;
        }
        case S.Colon:
          if (WS.has(c)) break;
          if (c === 0x3a /* : */) this.state = S.Value;
          else this.fail(c, i);
          break;
        case S.Value:
          if (WS.has(c)) break;
          if (c === 0x5b) this.state = S.Arr;
          else if (c === 0x7b) {
            this.startRow(S.ObjKey);
            continue; // the row scanner consumes the brace
          } else {
            this.scalarReturn = S.ObjKey;
            this.inString = false;
            this.escape = false;
            this.state = S.Scalar;
            continue;
          }
          break;
        case S.Arr:
          if (WS.has(c) || c === 0x2c) break;
          if (c === 0x7b) {
            this.startRow(S.Arr);
            continue;
          }
          if (c === 0x5d /* ] */) this.state = this.topArray ? S.Done : S.ObjKey;
          else this.fail(c, i);
          break;
        case S.Scalar: {
          // A non-row value (null, number, string): skip it.
          if (this.inString) {
            if (this.escape) this.escape = false;
            else if (c === 0x5c) this.escape = true;
            else if (c === 0x22) this.inString = false;
          } else if (c === 0x22) this.inString = true;
          else if (c === 0x2c || c === 0x7d) {
            this.state = this.scalarReturn;
            continue;
          }
          break;
        }
        case S.Row: {
          let j = i;
          let closed = false;
          for (; j < n; j++) {
            const d = chunk.charCodeAt(j);
            if (this.inString) {
              if (this.escape) this.escape = false;
              else if (d === 0x5c) this.escape = true;
              else if (d === 0x22) this.inString = false;
            } else if (d === 0x22) this.inString = true;
            else if (d === 0x7b || d === 0x5b) this.depth++;
            else if (d === 0x7d || d === 0x5d) {
              if (--this.depth === 0) {
                closed = true;
                break;
              }
            }
          }
          if (closed) {
            this.rowParts.push(chunk.slice(i, j + 1));
            out.push({ key: this.key, row: this.parseRow() });
            this.state = this.rowReturn;
            i = j + 1;
          } else {
            this.rowParts.push(chunk.slice(i));
            i = n;
          }
          continue;
        }
        case S.Done:
          if (!WS.has(c)) this.fail(c, i);
          break;
      }
      i++;
    }
    this.offset += n;
    return out;
  }

  /** Call at end of input: throws when the file was cut short. */
  end(): void {
    if (this.state !== S.Done) throw new Error(`report file ended early (${this.offset} characters read)`);
  }

  private startRow(ret: S): void {
    this.state = S.Row;
    this.rowReturn = ret;
    this.rowParts = [];
    this.depth = 0;
    this.inString = false;
    this.escape = false;
  }

  private parseRow(): Record<string, unknown> {
    const text = this.rowParts.length === 1 ? this.rowParts[0] : this.rowParts.join('');
    this.rowParts = [];
    const row = JSON.parse(text) as Record<string, unknown>;
    // Parse again with quoted ids only when an id was too large for a double (rare: pin ids).
    for (const k in row) {
      const v = row[k];
      if (typeof v === 'number' && !Number.isSafeInteger(v) && Number.isInteger(v) && k.endsWith('_ID')) return JSON.parse(quoteIdNumbers(text)) as Record<string, unknown>;
    }
    return row;
  }

  private fail(c: number, i: number): never {
    throw new Error(`report file is not the expected JSON shape: unexpected '${String.fromCharCode(c)}' at character ${this.offset + i}`);
  }
}

/** Streams the rows of a report file. */
export async function* reportRows(body: Readable): AsyncGenerator<ReportRow> {
  const parser = new ReportRowParser();
  body.setEncoding('utf8');
  for await (const chunk of body as AsyncIterable<string>) {
    const rows = parser.push(chunk);
    for (const r of rows) yield r;
  }
  parser.end();
}
