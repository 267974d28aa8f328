// Incremental JSON for large Pinterest answers: yields the elements of a body's array (or the
// entries of its top-level object) while the body is still arriving, so neither the whole text nor
// the whole array is ever held. A scanner that tracks only nesting depth and string state finds
// where each element starts and ends; each element's text is then handed to JSON.parse, which does
// the real parsing (and validation) at native speed. Everything between the elements (`[`, `,`,
// keys, `]`, trailing whitespace) is checked by a small grammar here, so every byte of the body is
// validated by one or the other.
//
// Use with got (v14) — check the status first; only a 2xx body goes through these parsers:
//
//   const stream = got.stream(url, { throwHttpErrors: false, retry: { limit: 0 }, signal, headers });
//   const res = await new Promise<Response>((ok, fail) => { stream.once('response', ok); stream.once('error', fail); });
//   if (res.statusCode < 200 || res.statusCode >= 300) {
//     const text = await readSmallText(stream);  // a helper of the caller: error bodies ({code, message}) are small
//     … the usual status handling (retry, refresh the token, throw) …
//   }
//   try {
//     for await (const row of streamArrayElements(stream, { path: 'root', exactIds: true })) emit(row);
//   } catch (err) {
//     if (err instanceof TruncatedBodyError || err instanceof MalformedBodyError) … retry the request …
//     if (err instanceof UnexpectedBodyError) … err.body is the parsed (small) body, e.g. {code, message} …
//     throw err;  // anything else comes from the stream itself (got's ReadError, a timeout, an abort)
//   }
//
// A list page: `const fields: Record<string, unknown> = {};` then
// `for await (const item of streamArrayElements(stream, { path: 'items', fields })) …`; once the loop
// has ended (not before: `bookmark` may follow `items`), `fields.bookmark` holds the page's bookmark.
// `/pins/analytics`: `for await (const [pinId, value] of streamObjectEntries(stream)) …`.
//
// Elements are yielded only as they complete, and the generator returns only once the body has
// ended with nothing but whitespace after the closing bracket: a body cut short throws
// TruncatedBodyError after the complete elements before the cut have been yielded, so a caller that
// retries must discard (or de-duplicate) what the failed attempt yielded. Breaking out of the loop
// early destroys the stream (for await … of calls its return()).
//
// Chunks are Buffers (UTF-8, a character may be split between chunks) or strings; do not mix both.

import { StringDecoder } from 'node:string_decoder';
import { quoteBigIdNumbers } from './exact-ids.js';

/** The body is not the JSON this parser was asked for; `offset` counts UTF-16 units from its start. */
export class JsonBodyError extends Error {
  constructor(message: string, readonly offset: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The body ended before its JSON did (including an empty body): the request should be retried. */
export class TruncatedBodyError extends JsonBodyError {}

/** The body is not valid JSON. */
export class MalformedBodyError extends JsonBodyError {}

/**
 * Valid JSON, but not of the shape asked for: e.g. an error body `{code, message}` where an array
 * was expected. `body` is that JSON, parsed (undefined when it was too large to keep).
 */
export class UnexpectedBodyError extends JsonBodyError {
  constructor(message: string, offset: number, readonly body: unknown) {
    super(message, offset);
  }
}

export interface ArrayStreamOptions {
  /** `root`: the body is an array. `items`: the body is an object whose `items` is the array. */
  path: 'root' | 'items';
  /** Integers of 16+ digits under `*_ID` keys come out as exact strings (as parseExactIds does). */
  exactIds?: boolean;
  /** With `path: 'items'`: receives the body's other top-level fields (e.g. `bookmark`) as they are read. */
  fields?: Record<string, unknown>;
}

export interface EntryStreamOptions {
  exactIds?: boolean;
}

export type BodyChunks = AsyncIterable<Buffer | Uint8Array | string>;

/** Each element of the body's array (the root, or the `items` of a list page), parsed, in order. */
export async function* streamArrayElements<T = unknown>(body: BodyChunks, opts: ArrayStreamOptions): AsyncGenerator<T, void, undefined> {
  const sc = new Scanner(opts.path === 'root' ? MODE_ROOT : MODE_ITEMS, opts.exactIds === true, opts.fields ?? {});
  for await (const _ of feed(body, sc)) yield sc.value as T;
}

/** `[key, value]` for each entry of the body's top-level object (pin id → its analytics), each value parsed whole. */
export async function* streamObjectEntries<T = unknown>(body: BodyChunks, opts: EntryStreamOptions = {}): AsyncGenerator<[string, T], void, undefined> {
  const sc = new Scanner(MODE_ENTRIES, opts.exactIds === true, {});
  for await (const _ of feed(body, sc)) yield [sc.key, sc.value as T];
}

async function* feed(body: BodyChunks, sc: Scanner): AsyncGenerator<void, void, undefined> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text.length === 0) continue;
    sc.feed(text);
    while (sc.next()) yield;
  }
  const tail = decoder.end();
  if (tail.length > 0) {
    sc.feed(tail);
    while (sc.next()) yield;
  }
  sc.finish();
}

const MODE_ROOT = 0;
const MODE_ITEMS = 1;
const MODE_ENTRIES = 2;

// Grammar states outside the captured values.
const S_START = 0;
const S_END = 1;
const S_OBJ_KEY_OR_CLOSE = 2; // after `{`
const S_OBJ_KEY = 3; // after `,` in the object
const S_OBJ_COLON = 4;
const S_OBJ_VALUE = 5;
const S_OBJ_COMMA_OR_CLOSE = 6;
const S_ARR_ELEM_OR_CLOSE = 7; // after `[`
const S_ARR_ELEM = 8; // after `,` in the array
const S_ARR_COMMA_OR_CLOSE = 9;
const S_CAPTURE = 10;

// What a captured value is.
const R_ELEMENT = 0; // an element of the target array: yielded
const R_KEY = 1; // a key of the top-level object
const R_FIELD = 2; // a top-level field of a list page other than `items`
const R_ENTRY = 3; // a value of the top-level object (entries): yielded
const R_WHOLE = 4; // a body of an unexpected shape, kept to report it

const K_CONTAINER = 0;
const K_STRING = 1;
const K_SCALAR = 2;

const QUOTE = 0x22;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** A body of an unexpected shape is kept (to report it) up to this many UTF-16 units. */
const MAX_UNEXPECTED = 1 << 20;

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isIdKeyChar = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || isDigit(c) || c === 0x5f; // [A-Z0-9_]
const ID_KEY = /^[A-Z0-9_]*_ID$/;
const BIG_INT = /^-?\d{16,}$/;

/** Push-based scanner: feed() a chunk, then call next() until false; finish() at the end. */
class Scanner {
  /** The current chunk and the position in it. */
  private s = '';
  private i = 0;
  /** Position of the next backslash in the chunk at or after some point (-1: unknown, n: none). */
  private bs = -1;
  /** UTF-16 units of the chunks before this one. */
  private base = 0;

  private state = S_START;
  // The value being captured.
  private role = R_ELEMENT;
  private kind = K_CONTAINER;
  private depth = 0;
  private inStr = false;
  private esc = false;
  private capStart = 0;
  private parts: string[] = [];
  private partsLen = 0;
  /** Start/end offsets (in the captured text) of big `*_ID` integers to quote. */
  private ids: number[] = [];
  /** Some `*_ID` key could not be checked in place (cut by a chunk boundary): use the regex. */
  private idFallback = false;

  private itemsSeen = false;
  private entryError = false;
  private yielded = 0;
  private whole: string | undefined;

  /** The last value next() produced, and (entries) its key. */
  value: unknown;
  key = '';

  constructor(
    private readonly mode: number,
    private readonly exactIds: boolean,
    private readonly fields: Record<string, unknown>,
  ) {}

  feed(s: string): void {
    if (this.state === S_CAPTURE) this.capStart = 0;
    this.base += this.s.length;
    this.s = s;
    this.i = 0;
    this.bs = -1;
  }

  private pos(): number {
    return this.base + this.i;
  }

  private malformed(what: string): never {
    throw new MalformedBodyError(`invalid JSON body at offset ${this.pos()}: ${what}`, this.pos());
  }

  /** Advances until a value to yield is complete (true) or the chunk is used up (false). */
  next(): boolean {
    const s = this.s;
    const n = s.length;
    while (this.i < n) {
      if (this.state === S_CAPTURE) {
        if (!this.scanCapture()) return false;
        if (this.completed()) return true;
        continue;
      }
      const c = s.charCodeAt(this.i);
      if (isWs(c)) {
        this.i++;
        continue;
      }
      switch (this.state) {
        case S_START:
          if (this.mode === MODE_ROOT ? c === OPEN_ARR : c === OPEN_OBJ) {
            this.state = this.mode === MODE_ROOT ? S_ARR_ELEM_OR_CLOSE : S_OBJ_KEY_OR_CLOSE;
            this.i++;
          } else this.begin(R_WHOLE, c);
          break;
        case S_END:
          return this.malformed('data after the end of the JSON value');
        case S_ARR_ELEM_OR_CLOSE:
        case S_ARR_COMMA_OR_CLOSE:
          if (c === CLOSE_ARR) {
            this.state = this.mode === MODE_ROOT ? S_END : S_OBJ_COMMA_OR_CLOSE;
            this.i++;
            break;
          }
          if (this.state === S_ARR_COMMA_OR_CLOSE) {
            if (c !== COMMA) this.malformed("expected ',' or ']'");
            this.state = S_ARR_ELEM;
            this.i++;
            break;
          }
          this.begin(R_ELEMENT, c);
          break;
        case S_ARR_ELEM:
          this.begin(R_ELEMENT, c);
          break;
        case S_OBJ_KEY_OR_CLOSE:
        case S_OBJ_COMMA_OR_CLOSE:
          if (c === CLOSE_OBJ) {
            this.state = S_END;
            this.i++;
          } else if (this.state === S_OBJ_COMMA_OR_CLOSE) {
            if (c !== COMMA) this.malformed("expected ',' or '}'");
            this.state = S_OBJ_KEY;
            this.i++;
          } else this.beginKey(c);
          break;
        case S_OBJ_KEY:
          this.beginKey(c);
          break;
        case S_OBJ_COLON:
          if (c !== COLON) this.malformed("expected ':'");
          this.state = S_OBJ_VALUE;
          this.i++;
          break;
        case S_OBJ_VALUE:
          if (this.mode === MODE_ITEMS && this.key === 'items' && c === OPEN_ARR && !this.itemsSeen) {
            this.itemsSeen = true;
            this.state = S_ARR_ELEM_OR_CLOSE;
            this.i++;
          } else this.begin(this.mode === MODE_ITEMS ? R_FIELD : R_ENTRY, c);
          break;
      }
    }
    return false;
  }

  private beginKey(c: number): void {
    if (c !== QUOTE) this.malformed('expected a key');
    this.begin(R_KEY, c);
  }

  /** Starts capturing the value whose first character is `c` (at this.i). */
  private begin(role: number, c: number): void {
    if (c === OPEN_OBJ || c === OPEN_ARR) this.kind = K_CONTAINER;
    else if (c === QUOTE) this.kind = K_STRING;
    else if (c === 0x2d || isDigit(c) || c === 0x74 || c === 0x66 || c === 0x6e) this.kind = K_SCALAR; // - 0-9 t f n
    else this.malformed(`unexpected character ${JSON.stringify(String.fromCharCode(c))}`);
    this.role = role;
    this.state = S_CAPTURE;
    this.depth = 0;
    this.inStr = false;
    this.esc = false;
    this.capStart = this.i;
    this.parts.length = 0;
    this.partsLen = 0;
    this.ids.length = 0;
    this.idFallback = false;
  }

  /** Scans the captured value on; true once it is complete (this.i just after it). */
  private scanCapture(): boolean {
    let done: boolean;
    if (this.kind === K_CONTAINER) done = this.scanContainer();
    else if (this.kind === K_STRING) {
      if (!this.inStr && !this.esc) this.i++; // the opening quote
      const q = this.skipString(this.i);
      if (q >= 0) this.i = q + 1;
      this.inStr = q < 0;
      done = q >= 0;
    } else {
      const s = this.s;
      const n = s.length;
      let i = this.i;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c === COMMA || c === CLOSE_ARR || c === CLOSE_OBJ || isWs(c)) break;
      }
      this.i = i;
      done = i < n;
    }
    if (!done) {
      const piece = this.capStart === 0 ? this.s : this.s.slice(this.capStart);
      this.parts.push(piece);
      this.partsLen += piece.length;
      if (this.role === R_WHOLE && this.partsLen > MAX_UNEXPECTED) {
        throw new UnexpectedBodyError(`the body is not of the expected shape (it starts ${JSON.stringify(this.parts.join('').slice(0, 200))})`, this.pos(), undefined);
      }
    }
    return done;
  }

  /** The hot loop: finds the end of an object or array, skipping strings. */
  private scanContainer(): boolean {
    const s = this.s;
    const n = s.length;
    let i = this.i;
    let depth = this.depth;
    if (this.inStr) {
      // A string cut by the chunk boundary; its key (if it is one) cannot be checked in place.
      const q = this.skipString(i);
      if (q < 0) return false;
      this.inStr = false;
      if (this.exactIds) this.idFallback = true;
      i = q + 1;
    }
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        const q = this.skipString(i + 1);
        if (q < 0) {
          this.inStr = true;
          this.depth = depth;
          this.i = n;
          return false;
        }
        if (this.exactIds && s.charCodeAt(q - 1) === 0x44 /* D */) this.checkIdKey(i, q);
        i = q + 1;
        continue;
      }
      if (c === OPEN_OBJ || c === OPEN_ARR) depth++;
      else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        if (--depth === 0) {
          this.depth = 0;
          this.i = i + 1;
          return true;
        }
      }
      i++;
    }
    this.depth = depth;
    this.i = n;
    return false;
  }

  /**
   * From `from` inside a string (or just after a backslash, when this.esc), the index of the
   * closing quote in this chunk, or -1 (this.esc then tells whether the chunk ended on a backslash).
   */
  private skipString(from: number): number {
    const s = this.s;
    const n = s.length;
    if (this.esc) {
      this.esc = false;
      from++; // the escaped character
    }
    for (;;) {
      if (from >= n) {
        this.esc = from > n;
        return -1;
      }
      const q = s.indexOf('"', from);
      let bs = this.bs;
      if (bs < from) {
        bs = s.indexOf('\\', from);
        if (bs < 0) bs = n;
        this.bs = bs;
      }
      if (q >= 0 && q < bs) return q;
      if (bs >= n) return -1; // no closing quote and no backslash in this chunk
      from = bs + 2; // skip the escaped character
    }
  }

  /** The string s[o..q] (quotes included) ends in `D`: if it is a `*_ID` key of a 16+ digit integer, note the integer. */
  private checkIdKey(o: number, q: number): void {
    const s = this.s;
    if (q - o < 4 || s.charCodeAt(q - 2) !== 0x49 || s.charCodeAt(q - 3) !== 0x5f) return; // I, _
    for (let k = o + 1; k < q - 3; k++) if (!isIdKeyChar(s.charCodeAt(k))) return;
    const n = s.length;
    let j = q + 1;
    while (j < n && isWs(s.charCodeAt(j))) j++;
    if (j >= n) return this.fallback();
    if (s.charCodeAt(j) !== COLON) return;
    j++;
    while (j < n && isWs(s.charCodeAt(j))) j++;
    if (j >= n) return this.fallback();
    const start = j;
    if (s.charCodeAt(j) === 0x2d) j++;
    const digits = j;
    while (j < n && isDigit(s.charCodeAt(j))) j++;
    if (j >= n) return this.fallback();
    if (j - digits < 16) return;
    const end = j;
    while (j < n && isWs(s.charCodeAt(j))) j++;
    if (j >= n) return this.fallback();
    const c = s.charCodeAt(j);
    if (c !== COMMA && c !== CLOSE_OBJ && c !== CLOSE_ARR) return;
    const shift = this.partsLen - this.capStart;
    this.ids.push(start + shift, end + shift);
  }

  private fallback(): void {
    this.idFallback = true;
  }

  /** The text of the value just captured, with big `*_ID` integers quoted when asked. */
  private text(): string {
    const tail = this.s.slice(this.capStart, this.i);
    let text = this.parts.length === 0 ? tail : this.parts.join('') + tail;
    this.parts.length = 0;
    this.partsLen = 0;
    const ids = this.ids;
    if (ids.length > 0) {
      let out = '';
      let at = 0;
      for (let k = 0; k < ids.length; k += 2) {
        out += `${text.slice(at, ids[k])}"${text.slice(ids[k], ids[k + 1])}"`;
        at = ids[k + 1]!;
      }
      text = out + text.slice(at);
      ids.length = 0;
    }
    if (this.idFallback) text = quoteBigIdNumbers(text);
    return text;
  }

  private parse(text: string, start: number): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new MalformedBodyError(`invalid JSON body at offset ${start}: ${(err as Error).message}`, start, { cause: err });
    }
  }

  /** A scalar field or entry value under a `*_ID` key: exact when it is a big integer. */
  private parseValue(text: string, start: number, key: string): unknown {
    if (this.exactIds && this.kind === K_SCALAR && BIG_INT.test(text) && ID_KEY.test(key)) return text;
    return this.parse(text, start);
  }

  /** Handles the value just captured; true when it is one to yield. */
  private completed(): boolean {
    const start = this.pos() - this.partsLen - (this.i - this.capStart);
    const text = this.text();
    switch (this.role) {
      case R_ELEMENT:
        this.value = this.parse(text, start);
        this.state = S_ARR_COMMA_OR_CLOSE;
        return true;
      case R_KEY:
        this.key = this.parse(text, start) as string;
        this.state = S_OBJ_COLON;
        return false;
      case R_FIELD:
        this.fields[this.key] = this.parseValue(text, start, this.key);
        this.state = S_OBJ_COMMA_OR_CLOSE;
        return false;
      case R_ENTRY: {
        this.state = S_OBJ_COMMA_OR_CLOSE;
        const value = this.parseValue(text, start, this.key);
        if (!this.entryError && text.charCodeAt(0) === OPEN_OBJ) {
          this.value = value;
          this.yielded++;
          return true;
        }
        if (this.yielded > 0) {
          throw new UnexpectedBodyError(`the value of ${JSON.stringify(this.key)} is not an object`, start, { [this.key]: value });
        }
        // Not an object of entries (e.g. {code, message}): read it all, to report it whole.
        this.entryError = true;
        this.fields[this.key] = value;
        return false;
      }
      default:
        this.whole = text;
        this.state = S_END;
        return false;
    }
  }

  /** At the end of the body: throws unless it held exactly one complete value of the expected shape. */
  finish(): void {
    this.base += this.s.length;
    this.s = '';
    this.i = 0;
    this.capStart = 0;
    if (this.state === S_CAPTURE && this.kind === K_SCALAR && this.role === R_WHOLE) this.completed(); // a bare number etc.
    if (this.state !== S_END) {
      throw new TruncatedBodyError(this.base === 0 ? 'empty body' : `JSON body cut short after ${this.base} characters`, this.base);
    }
    const expected = this.mode === MODE_ROOT ? 'an array' : this.mode === MODE_ITEMS ? 'an object with items' : 'an object of objects';
    if (this.whole !== undefined) {
      const body = this.parse(this.whole, 0);
      throw new UnexpectedBodyError(`expected ${expected}, got ${describe(body)}`, 0, body);
    }
    if ((this.mode === MODE_ITEMS && !this.itemsSeen) || this.entryError) {
      throw new UnexpectedBodyError(`expected ${expected}, got ${describe(this.fields)}`, 0, { ...this.fields });
    }
  }
}

function describe(body: unknown): string {
  const text = JSON.stringify(body) ?? String(body);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
