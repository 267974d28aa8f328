// HTTP plumbing: routing under /v5, auth, faults, rate limits, parameter validation, stats, the
// report download URL and the /_sandbox control endpoints.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, AUTH_FAILED, badRequest, RATE_LIMIT_MESSAGE } from './errors.js';
import { buildRoutes, ParamError, parseQuery, type Route } from './openapi.js';
import { entityHandlers } from './handlers-entities.js';
import { analyticsHandlers } from './handlers-analytics.js';
import { targetingHandlers } from './handlers-targeting.js';
import type { SandboxCore, ControlAction } from './core.js';
import type { FaultRule } from './faults.js';
import type { RequestLogEntry } from './stats.js';
import { drained } from './drain.js';
import { LEGACY_REFRESH_MESSAGE } from './auth.js';
import { adAccountWithRole } from './access.js';
import { ADS_ROLES } from './realism.js';
import { JsonChunks, type Handler } from './types.js';

const API_PREFIX = '/v5';
/** nginx-style 414 page: what a proxy in front of an HTTP API answers for a too-long request line. */
const URI_TOO_LONG_HTML = '<html>\r\n<head><title>414 Request-URI Too Large</title></head>\r\n<body>\r\n<center><h1>414 Request-URI Too Large</h1></center>\r\n</body>\r\n</html>\r\n';
const MAX_BODY = 1_000_000;

export function createSandboxServer(core: SandboxCore): Server {
  const routes = buildRoutes();
  const handlers: Record<string, Handler> = {
    ...entityHandlers(),
    ...analyticsHandlers(),
    ...targetingHandlers(),
    // Reports need the same roles as the sync analytics (Owner, Admin, Analyst, Campaign Manager).
    'analytics/create_report': (ctx) => core.reports.create(adAccountWithRole(ctx, ADS_ROLES), ctx.body),
    'analytics/get_report': (ctx) => core.reports.get(adAccountWithRole(ctx, ADS_ROLES), ctx.query.token as string, ctx.origin),
  };
  let rid = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { code: 500, message: `Sandbox internal error: ${(err as Error).message}` });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    res.setHeader('x-pinterest-rid', String(++rid));
    if (url.pathname.startsWith('/_sandbox/reports/')) return download(req, res, url);
    if (url.pathname.startsWith('/_sandbox/')) return control(req, res, url);
    const method = req.method ?? 'GET';
    // A front-end proxy refuses over-long URLs before the API sees them: no JSON {code, message}.
    const limit = core.realism.maxUrlBytes;
    if (limit !== null && Buffer.byteLength(req.url ?? '') > limit) {
      sendRaw(res, 414, 'text/html', URI_TOO_LONG_HTML);
      core.stats.record({ method, path: url.pathname, query: url.search.slice(0, 200), operationId: 'uri_too_long', status: 414 });
      req.resume();
      return;
    }
    let route: Route | undefined;
    let m: RegExpExecArray | null = null;
    const sub = url.pathname.startsWith(API_PREFIX + '/') ? url.pathname.slice(API_PREFIX.length) : null;
    if (sub !== null) {
      for (const r of routes) {
        if ((m = r.re.exec(sub))) {
          if (r.op.method === method) {
            route = r;
            break;
          }
        }
      }
    }
    if (!route || !m) {
      const status = m ? 405 : 404;
      send(res, status, { code: status, message: m ? 'Method Not Allowed' : 'Not Found' });
      core.stats.record({ method, path: url.pathname, query: url.search, operationId: 'unknown', status });
      return;
    }
    const op = route.op;
    const entry: RequestLogEntry = { method, path: url.pathname, query: url.search, operationId: op.operationId, status: 0, fault: undefined };
    const finish = (status: number, fault?: string) => {
      entry.status = status;
      entry.fault = fault;
      core.stats.record(entry);
    };

    const body = method === 'POST' ? await readBody(req) : '';

    // Faults come first: they model the network and Pinterest's servers failing.
    const faults = core.faults.decide(op.operationId);
    let truncate = false;
    let faultName: string | undefined;
    for (const f of faults) {
      if (f.kind === 'slow') {
        await sleep(f.delayMs ?? 500);
        faultName ??= 'slow';
        continue;
      }
      faultName = f.kind;
      if (f.kind === 'truncate') {
        truncate = true;
        continue;
      }
      if (f.kind === 'expire') continue; // applied at auth below
      finish(terminalFault(res, f), f.kind);
      return;
    }

    const rate = op.operationId === 'oauth/token' ? null : core.limiter.check(op.category);
    if (rate) for (const [k, v] of Object.entries(rate.headers)) res.setHeader(k, v);
    if (rate && !rate.allowed) {
      send(res, 429, { code: 8, message: RATE_LIMIT_MESSAGE });
      finish(429, faultName);
      return;
    }

    try {
      let result: unknown;
      if (op.operationId === 'oauth/token') result = oauthToken(req, body, entry);
      else {
        authenticate(req, op.scopes, faults.some((f) => f.kind === 'expire'));
        const params: Record<string, string> = {};
        route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
        for (const p of op.parameters) {
          if (p.in === 'path' && p.schema.pattern && !new RegExp(p.schema.pattern).test(params[p.name])) throw badRequest(`'${params[p.name]}' does not match '${p.schema.pattern}' - '${p.name}'`);
        }
        let query;
        try {
          query = parseQuery(op, url.searchParams);
        } catch (e) {
          if (e instanceof ParamError) throw badRequest(e.message);
          throw e;
        }
        let json: unknown;
        if (op.requestBody) {
          if (url.search) throw badRequest('This endpoint does not support URL query parameters.');
          try {
            json = JSON.parse(body);
          } catch {
            throw badRequest('Request body must be valid JSON.');
          }
        }
        const h = handlers[op.operationId];
        result = h({ core, op, path: sub!, params, query, body: json, req, origin });
      }
      if (result instanceof JsonChunks) await sendChunks(res, result, truncate);
      else send(res, 200, result, truncate);
      finish(200, faultName);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
      send(res, e.status, { code: e.code, message: e.message }, truncate);
      finish(e.status, faultName);
    }
  }

  function authenticate(req: IncomingMessage, scopes: string[], expireFault: boolean): void {
    const h = req.headers.authorization;
    if (!h || !h.startsWith('Bearer ')) throw AUTH_FAILED();
    const token = h.slice(7).trim();
    const state = expireFault ? 'expired' : core.auth.check(token);
    if (expireFault) core.auth.expire(token);
    // Expired and unknown tokens answer alike (401 code 2); only the stats tell them apart.
    if (state === 'expired') {
      core.stats.countAuth('expiredTokenRejections');
      if (core.auth.noteExpired(token)) core.stats.countAuth('accessTokenExpiries');
    }
    if (state !== 'ok') throw AUTH_FAILED();
    const granted = core.auth.scopesOf(token);
    if (scopes.length && !scopes.every((s) => granted.has(s))) throw new ApiError(401, 3, `Authorization failed: token does not have sufficient permissions (${scopes.join(', ')} required).`);
  }

  function oauthToken(req: IncomingMessage, body: string, entry: { continuousRefresh?: boolean }): unknown {
    if (!core.auth.checkClient(req.headers.authorization)) throw AUTH_FAILED();
    const ct = req.headers['content-type'] ?? '';
    if (!ct.startsWith('application/x-www-form-urlencoded')) throw badRequest('Content-Type must be application/x-www-form-urlencoded.');
    const form = new URLSearchParams(body);
    const grant = form.get('grant_type');
    if (grant !== 'refresh_token') throw badRequest(grant ? `Unsupported grant_type '${grant}' in the sandbox.` : "'grant_type' is a required property");
    const rt = form.get('refresh_token');
    if (!rt) throw badRequest("'refresh_token' is a required property");
    const continuous = form.get('continuous_refresh') === 'true';
    entry.continuousRefresh = continuous;
    if (core.auth.legacyApp && !continuous) {
      core.stats.countAuth('refusedRefreshes');
      throw badRequest(LEGACY_REFRESH_MESSAGE);
    }
    const out = core.auth.refreshGrant(rt, form.get('scope') ?? undefined);
    if (!out) {
      core.stats.countAuth('refusedRefreshes');
      throw new ApiError(400, 1104, 'The token you provided is not valid or has expired.');
    }
    core.stats.countAuth('refreshes');
    if (continuous) core.stats.countAuth('continuousRefreshes');
    return out;
  }

  async function download(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const m = /^\/_sandbox\/reports\/([0-9a-f]+)\/metrics_report\.txt$/.exec(url.pathname);
    const entry = { method: req.method ?? 'GET', path: url.pathname, query: url.search, operationId: 'report/download', status: 0, fault: undefined as string | undefined };
    const finish = (status: number) => {
      entry.status = status;
      core.stats.record(entry);
    };
    // A pre-signed S3 URL refuses a second auth mechanism.
    if (req.headers.authorization) {
      sendRaw(res, 400, 'application/xml', '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified</Message><ArgumentName>Authorization</ArgumentName></Error>');
      return finish(400);
    }
    const job = m ? core.reports.job(m[1], url.searchParams.get('X-Amz-Signature')) : null;
    if (!job) {
      sendRaw(res, 403, 'application/xml', '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      return finish(403);
    }
    let truncateAt: number | undefined;
    for (const f of core.faults.decide('report/download')) {
      entry.fault = f.kind;
      if (f.kind === 'slow') await sleep(f.delayMs ?? 500);
      else if (f.kind === 'truncate') truncateAt = 64;
      else if (f.kind !== 'expire') return finish(terminalFault(res, f));
    }
    await core.reports.stream(job, res, truncateAt);
    finish(200);
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (method === 'GET' && path === '/_sandbox/stats') return send(res, 200, core.stats.snapshot());
    if (method === 'GET' && path === '/_sandbox/requests') return send(res, 200, { requests: core.stats.requests() });
    if ((method === 'DELETE' && (path === '/_sandbox/requests' || path === '/_sandbox/stats')) || (method === 'POST' && path === '/_sandbox/reset')) {
      core.stats.reset();
      return send(res, 200, { ok: true });
    }
    if (method === 'GET' && path === '/_sandbox/info') return send(res, 200, core.info());
    // Stand-in for Estuary's config-encryption service (ENCRYPTION_URL): secrets come back as
    // `ENC[sandbox,data:<base64>]`, so tests can check what a configUpdate carries.
    if (method === 'POST' && path === '/_sandbox/encrypt-config') {
      try {
        const payload = JSON.parse(await readBody(req)) as { config?: unknown; schema?: unknown };
        if (!payload.config || typeof payload.config !== 'object' || !payload.schema) throw new Error('expected {config, schema}');
        return send(res, 200, { ...(sandboxEncrypt(payload.config) as object), sops: { sandbox: true } });
      } catch (e) {
        return send(res, 400, { code: 1, message: (e as Error).message });
      }
    }
    if (method === 'POST' && path === '/_sandbox/control') {
      try {
        const payload = JSON.parse(await readBody(req)) as ControlAction | ControlAction[];
        const list = Array.isArray(payload) ? payload : [payload];
        return send(res, 200, { results: list.map((c) => core.control(c)) });
      } catch (e) {
        return send(res, 400, { code: 1, message: (e as Error).message });
      }
    }
    send(res, 404, { code: 404, message: 'Not Found' });
  }

  return server;
}

const SECRET_KEYS = new Set(['client_id', 'client_secret', 'refresh_token', 'access_token', 'password']);

function sandboxEncrypt(v: unknown, key = ''): unknown {
  if (typeof v === 'string' && SECRET_KEYS.has(key)) return `ENC[sandbox,data:${Buffer.from(v).toString('base64')}]`;
  if (Array.isArray(v)) return v.map((x) => sandboxEncrypt(x));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sandboxEncrypt(x, k)]));
  return v;
}

/** Reverses the sandbox's stand-in encryption (tests). */
export function sandboxDecrypt(v: unknown): unknown {
  if (typeof v === 'string') {
    const m = /^ENC\[sandbox,data:([A-Za-z0-9+/=]*)\]$/.exec(v);
    return m ? Buffer.from(m[1], 'base64').toString('utf8') : v;
  }
  if (Array.isArray(v)) return v.map(sandboxDecrypt);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'sops').map(([k, x]) => [k, sandboxDecrypt(x)]));
  return v;
}

function terminalFault(res: ServerResponse, f: FaultRule): number {
  switch (f.kind) {
    case '500':
      send(res, 500, { code: 500, message: 'Internal Server Error' });
      return 500;
    case '503':
      send(res, 503, { code: 503, message: 'Service Unavailable' });
      return 503;
    case '429': {
      const s = f.retryAfterSeconds ?? 1;
      res.setHeader('x-ratelimit-limit', '1000');
      res.setHeader('x-ratelimit-remaining', '0');
      res.setHeader('x-ratelimit-reset', String(s));
      send(res, 429, { code: 8, message: RATE_LIMIT_MESSAGE });
      return 429;
    }
    case '2726':
      send(res, 429, { code: 2726, message: `Reporting query cost limit exceeded. Retry after ${f.retryAfterSeconds ?? 1} seconds` });
      return 429;
    case 'reset':
      res.socket?.destroy();
      return 0;
    default:
      send(res, 500, { code: 500, message: 'Internal Server Error' });
      return 500;
  }
}

async function sendChunks(res: ServerResponse, body: JsonChunks, truncate: boolean): Promise<void> {
  // The text as it is, never re-parsed: a double would round the 18-digit ids of the rows sent.
  if (truncate) return sendTruncated(res, 200, [...body.chunks()].join(''));
  res.writeHead(200, { 'content-type': 'application/json' });
  for (const chunk of body.chunks()) {
    if (res.destroyed) return;
    if (!res.write(chunk) && !(await drained(res))) return;
  }
  res.end();
}

function send(res: ServerResponse, status: number, body: unknown, truncate = false): void {
  const s = JSON.stringify(body);
  if (truncate) return sendTruncated(res, status, s);
  sendRaw(res, status, 'application/json', s);
}

/** Half the JSON with the full Content-Length, then the connection dies. */
function sendTruncated(res: ServerResponse, status: number, s: string): void {
  const buf = Buffer.from(s);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': buf.length });
  res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.socket?.destroy());
}

function sendRaw(res: ServerResponse, status: number, type: string, s: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(s) });
  res.end(s);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > MAX_BODY) {
        reject(new ApiError(413, 413, 'Request body too large.'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
