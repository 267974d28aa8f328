import type { IncomingMessage } from 'node:http';
import type { Operation, ParamValue } from './openapi.js';
import type { SandboxCore } from './core.js';

export interface HandlerContext {
  core: SandboxCore;
  op: Operation;
  /** Request path below the API prefix, e.g. `/ad_accounts/1/campaigns`. */
  path: string;
  params: Record<string, string>;
  query: Record<string, ParamValue>;
  body: unknown;
  req: IncomingMessage;
  /** `http://host:port` of the sandbox, for download URLs. */
  origin: string;
}

/** Returns the JSON body of a 200 response, or throws ApiError. */
export type Handler = (ctx: HandlerContext) => unknown;

/**
 * A handler result produced as JSON text in chunks (large analytics responses): streamed with
 * backpressure instead of being built and stringified as one object.
 */
export class JsonChunks {
  constructor(readonly chunks: () => Iterable<string>) {}
}
