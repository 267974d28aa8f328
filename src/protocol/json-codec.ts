import type { Readable } from 'node:stream';
import { ProtocolError, type Request, type Response } from './messages.js';

// Newline-delimited JSON (FLOW_RUNTIME_CODEC=json): one message per line, raw JSON values inline.

export function parseRequestLine(line: string, lineNo: number): Request {
  try {
    return JSON.parse(line) as Request;
  } catch {
    // Never echo the line: requests carry the endpoint config and its secrets.
    throw new ProtocolError(`request line ${lineNo} is not valid JSON (${line.length} bytes)`);
  }
}

export async function* readJsonRequests(input: Readable): AsyncGenerator<Request> {
  input.setEncoding('utf8');
  let buf = '';
  let lineNo = 0;
  for await (const chunk of input as AsyncIterable<string>) {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lineNo++;
      if (line.trim() !== '') yield parseRequestLine(line, lineNo);
    }
  }
  if (buf.trim() !== '') yield parseRequestLine(buf, lineNo + 1);
}

/**
 * One response line. `captured` — the hot path — is built around a single JSON.stringify of the
 * document: no wrapper objects, no second serialisation, no Buffer per line (the sink batches text).
 */
export function encodeJsonResponse(res: Response): string {
  if ('captured' in res) {
    const c = res.captured;
    return '{"captured":{"binding":' + c.binding + ',"doc":' + JSON.stringify(c.doc) + '}}\n';
  }
  return JSON.stringify(res) + '\n';
}
