// Flow capture protocol messages (protocol 3032023) in their JSON wire form: camelCase json names,
// `*_json` fields embedded as raw JSON values. Every transport converts to and from this form.

export const PROTOCOL_VERSION = 3032023;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = Record<string, unknown>;

export interface CollectionSpec {
  name?: string;
  writeSchema?: unknown;
  readSchema?: unknown;
  key?: string[];
  uuidPtr?: string;
  [other: string]: unknown;
}

export interface CaptureBinding {
  resourceConfig?: unknown;
  resourcePath?: string[];
  collection?: CollectionSpec;
  backfill?: number;
  stateKey?: string;
}

export interface CaptureSpec {
  name?: string;
  connectorType?: string;
  config?: unknown;
  bindings?: CaptureBinding[];
  intervalSeconds?: number;
  [other: string]: unknown;
}

export interface RangeSpec {
  keyBegin?: number;
  keyEnd?: number;
  rClockBegin?: number;
  rClockEnd?: number;
}

export interface Request {
  spec?: { connectorType?: string; config?: unknown };
  discover?: { name?: string; connectorType?: string; config?: unknown };
  validate?: {
    name?: string;
    connectorType?: string;
    config?: unknown;
    bindings?: Array<{ resourceConfig?: unknown; collection?: CollectionSpec; backfill?: number }>;
    lastCapture?: CaptureSpec;
    lastVersion?: string;
  };
  apply?: { capture?: CaptureSpec; version?: string; lastCapture?: CaptureSpec; lastVersion?: string };
  open?: { capture?: CaptureSpec; version?: string; range?: RangeSpec; state?: unknown };
  acknowledge?: { checkpoints?: number };
}

export const REQUEST_TYPES = ['spec', 'discover', 'validate', 'apply', 'open', 'acknowledge'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export interface OAuth2Spec {
  provider: string;
  authUrlTemplate?: string;
  accessTokenUrlTemplate?: string;
  accessTokenMethod?: string;
  accessTokenBody?: string;
  accessTokenHeaders?: Record<string, unknown>;
  accessTokenResponseMap?: Record<string, unknown>;
  refreshTokenUrlTemplate?: string;
  refreshTokenMethod?: string;
  refreshTokenBody?: string;
  refreshTokenHeaders?: Record<string, unknown>;
  refreshTokenResponseMap?: Record<string, unknown>;
}

export const OAUTH2_FIELDS = [
  'provider', 'authUrlTemplate', 'accessTokenUrlTemplate', 'accessTokenMethod', 'accessTokenBody',
  'accessTokenHeaders', 'accessTokenResponseMap', 'refreshTokenUrlTemplate', 'refreshTokenMethod',
  'refreshTokenBody', 'refreshTokenHeaders', 'refreshTokenResponseMap',
] as const;

export interface ConnectorState {
  updated: JsonObject;
  mergePatch?: boolean;
}

export type Response =
  | {
      spec: {
        protocol: number;
        configSchema: JsonObject;
        resourceConfigSchema: JsonObject;
        documentationUrl: string;
        oauth2?: OAuth2Spec;
        resourcePathPointers: string[];
      };
    }
  | {
      discovered: {
        bindings: Array<{
          recommendedName: string;
          resourceConfig: JsonObject;
          documentSchema: JsonObject;
          key: string[];
          disable?: boolean;
        }>;
      };
    }
  | { validated: { bindings: Array<{ resourcePath: string[] }> } }
  | { applied: { actionDescription?: string } }
  | { opened: { explicitAcknowledgements?: boolean } }
  | { captured: { binding: number; doc: JsonObject } }
  | { checkpoint: { state: ConnectorState } };

/** Picks the single request type of a decoded request; unknown or missing types are an error. */
export function requestType(req: unknown): RequestType {
  if (req === null || typeof req !== 'object' || Array.isArray(req)) {
    throw new ProtocolError('request is not a JSON object');
  }
  const present = REQUEST_TYPES.filter((t) => (req as Record<string, unknown>)[t] != null);
  if (present.length === 1) return present[0];
  if (present.length > 1) throw new ProtocolError(`request carries more than one message: ${present.join(', ')}`);
  const keys = Object.keys(req).filter((k) => k !== '$internal' && k !== 'internal');
  throw new ProtocolError(`unknown request type${keys.length ? `: ${keys.map((k) => JSON.stringify(k)).join(', ')}` : ' (empty request)'}`);
}

// A malformed or unexpected message from the runtime. Shown verbatim as the final error line.
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}
