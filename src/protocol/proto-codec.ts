import type { Readable } from 'node:stream';
import protobuf from 'protobufjs';
import { CAPTURE_PROTO } from './proto-files.js';
import { ProtocolError, type JsonObject, type Request, type Response } from './messages.js';

// Binary protobuf (FLOW_RUNTIME_CODEC=proto): each message is a 4-byte little-endian length
// followed by the encoded capture.Request / capture.Response. In protobuf, `*_json` fields are
// strings of JSON text; the rest of the connector only sees the JSON wire form, so messages are
// converted by walking the schema: json_name ↔ field name, JSON text ↔ raw values.

type Type = protobuf.Type;
type Field = protobuf.Field;

const root = new protobuf.Root().loadSync(CAPTURE_PROTO, { keepCase: true });
root.resolveAll();
export const RequestType: Type = root.lookupType('capture.Request');
export const ResponseType: Type = root.lookupType('capture.Response');

const isRawJson = (f: Field) => /_json(_map)?$/.test(f.name);
const jsonName = (f: Field): string =>
  (f.options?.json_name as string | undefined) ?? f.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const isInternal = (f: Field) => f.name === 'internal';

function parseJsonText(v: unknown, where: string): unknown {
  const text = typeof v === 'string' ? v : Buffer.from(v as Uint8Array).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolError(`${where} is not valid JSON text`);
  }
}

function mapValues(obj: Record<string, unknown>, fn: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = fn(v);
  return out;
}

/** Plain object of a decoded message (snake_case names) → JSON wire form. */
export function protoToJson(type: Type, obj: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const f of type.fieldsArray) {
    const v = obj[f.name];
    if (v === undefined || v === null || isInternal(f)) continue;
    const key = jsonName(f);
    const rt = f.resolvedType;
    if (isRawJson(f)) {
      const where = `${type.name}.${f.name}`;
      const parsed = f.map ? mapValues(v as Record<string, unknown>, (x) => parseJsonText(x, where)) : parseJsonText(v, where);
      if (parsed !== undefined) out[key] = parsed;
    } else if (rt instanceof protobuf.Type) {
      if (f.map) out[key] = mapValues(v as Record<string, unknown>, (x) => protoToJson(rt, x as Record<string, unknown>));
      else if (f.repeated) out[key] = (v as Record<string, unknown>[]).map((x) => protoToJson(rt, x));
      else out[key] = protoToJson(rt, v as Record<string, unknown>);
    } else {
      out[key] = v;
    }
  }
  return out;
}

/** JSON wire form (json names, or proto names) → plain object for `Type.fromObject`. */
export function jsonToProto(type: Type, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fieldsArray) {
    const v = obj[jsonName(f)] ?? obj[f.name];
    if (v === undefined || v === null || isInternal(f)) continue;
    const rt = f.resolvedType;
    if (isRawJson(f)) {
      out[f.name] = f.map ? mapValues(v as Record<string, unknown>, (x) => JSON.stringify(x)) : JSON.stringify(v);
    } else if (rt instanceof protobuf.Type) {
      if (f.map) out[f.name] = mapValues(v as Record<string, unknown>, (x) => jsonToProto(rt, x as Record<string, unknown>));
      else if (f.repeated) out[f.name] = (v as Record<string, unknown>[]).map((x) => jsonToProto(rt, x));
      else out[f.name] = jsonToProto(rt, v as Record<string, unknown>);
    } else {
      out[f.name] = v;
    }
  }
  return out;
}

const TO_OBJECT: protobuf.IConversionOptions = { enums: String, longs: Number, bytes: String, defaults: false };

export function decodeRequest(bytes: Uint8Array): Request {
  let msg: protobuf.Message;
  try {
    msg = RequestType.decode(bytes);
  } catch (err) {
    throw new ProtocolError(`request is not a valid capture.Request protobuf: ${(err as Error).message}`);
  }
  return protoToJson(RequestType, RequestType.toObject(msg, TO_OBJECT));
}

export function encodeResponse(res: Response): Uint8Array {
  // The hot path (one per document) skips the schema walk.
  const plain =
    'captured' in res
      ? { captured: { binding: res.captured.binding, doc_json: JSON.stringify(res.captured.doc) } }
      : jsonToProto(ResponseType, res);
  return ResponseType.encode(ResponseType.fromObject(plain)).finish();
}

/** For tests and tools: the reverse directions. */
export function encodeRequest(req: Request): Uint8Array {
  return RequestType.encode(RequestType.fromObject(jsonToProto(RequestType, req as Record<string, unknown>))).finish();
}
export function decodeResponse(bytes: Uint8Array): JsonObject {
  return protoToJson(ResponseType, ResponseType.toObject(ResponseType.decode(bytes), TO_OBJECT));
}

export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.set(payload, 4);
  return out;
}

export function encodeFramedResponse(res: Response): Buffer {
  return frame(encodeResponse(res));
}

/** Splits a byte stream into length-prefixed frames. */
export async function* readFrames(input: Readable): AsyncGenerator<Buffer> {
  let chunks: Buffer[] = [];
  let have = 0;
  let need = -1; // payload length of the frame being assembled, -1 while reading its header
  for await (const chunk of input as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    have += chunk.length;
    for (;;) {
      if (need < 0) {
        if (have < 4) break;
        const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, have);
        need = buf.readUInt32LE(0);
        chunks = [buf.subarray(4)];
        have -= 4;
      }
      if (have < need) break;
      const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, have);
      yield buf.subarray(0, need);
      chunks = [buf.subarray(need)];
      have -= need;
      need = -1;
    }
  }
  if (need >= 0 || have > 0) throw new ProtocolError('input ended inside a length-prefixed message');
}

export async function* readProtoRequests(input: Readable): AsyncGenerator<Request> {
  for await (const frameBytes of readFrames(input)) yield decodeRequest(frameBytes);
}
