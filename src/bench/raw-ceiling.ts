import http from 'node:http';
import { closeSync, openSync, writeSync } from 'node:fs';

// The raw ceiling: the same pages the connector fetched, fetched again by a bare keep-alive HTTP
// client, each page JSON.parse'd and each document JSON.stringify'd to /dev/null — no rate
// limiter, no retries, no state, no protocol. What the connector's documents/s is measured against.

export interface ReplayRequest {
  method: string;
  path: string;
  query: string;
}

export interface CeilingResult {
  requests: number;
  documents: number;
  /** Bytes of JSON written to /dev/null. */
  bytes: number;
  seconds: number;
}

function get(agent: http.Agent, url: URL, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, (res) => {
      res.setEncoding('utf8');
      let body = '';
      res.on('data', (d: string) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url.pathname}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export async function rawCeiling(origin: string, requests: ReplayRequest[], opts: { token: string; concurrency: number }): Promise<CeilingResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const devNull = openSync('/dev/null', 'w');
  const out: CeilingResult = { requests: 0, documents: 0, bytes: 0, seconds: 0 };
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < requests.length) {
      const r = requests[next++];
      const body = await get(agent, new URL(r.path + r.query, origin), opts.token);
      const parsed = JSON.parse(body) as unknown;
      const items = Array.isArray(parsed)
        ? parsed
        : parsed && typeof parsed === 'object' && Array.isArray((parsed as { items?: unknown }).items)
          ? ((parsed as { items: unknown[] }).items)
          : [parsed];
      let text = '';
      for (const item of items) text += JSON.stringify(item) + '\n';
      out.bytes += writeSync(devNull, text);
      out.documents += items.length;
      out.requests++;
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    out.seconds = (performance.now() - t0) / 1000;
    closeSync(devNull);
    agent.destroy();
  }
  return out;
}
