// Large analytics answers are JSON arrays of thousands of wide rows. Parsing the whole array at
// once holds every row as objects (several times the text's size) while they are emitted one by
// one; splitting the text into per-row slices keeps only the text, and each row is parsed when it
// is emitted. A body cut short or unbalanced throws, so the request is retried like a bad JSON body.

const OPEN_OBJ = 0x7b; // {
const CLOSE_OBJ = 0x7d; // }
const OPEN_ARR = 0x5b; // [
const CLOSE_ARR = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Top-level elements of a JSON array as text slices; a body that is not an array yields []. */
export function splitJsonArray(text: string): string[] {
  let i = 0;
  const n = text.length;
  while (i < n && text.charCodeAt(i) <= 0x20) i++;
  if (i >= n || text.charCodeAt(i) !== OPEN_ARR) {
    JSON.parse(text); // garbage throws (and is retried); any other JSON value holds no rows
    return [];
  }
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string: find its closing quote (one not escaped by an odd run of backslashes).
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      continue;
    }
    if (c === OPEN_OBJ || c === OPEN_ARR) {
      if (depth === 1) start = i;
      depth++;
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
      depth--;
      if (depth === 1 && start >= 0) {
        out.push(text.slice(start, i + 1));
        start = -1;
      } else if (depth === 0) {
        for (i++; i < n; i++) if (text.charCodeAt(i) > 0x20) throw new SyntaxError('unexpected data after the JSON array');
        return out;
      }
    } else if (depth === 1 && c > 0x20 && c !== 0x2c) {
      throw new SyntaxError('array elements other than objects or arrays');
    }
  }
  throw new SyntaxError('JSON array cut short');
}
