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

export function encodeJsonResponse(res: Response): Buffer {
  return Buffer.from(JSON.stringify(res) + '\n', 'utf8');
}
