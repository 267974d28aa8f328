import type { Readable, Writable } from 'node:stream';
import { readJsonRequests, encodeJsonResponse } from './json-codec.js';
import type { Request } from './messages.js';
import { StreamSink, type ResponseSink } from './sink.js';

export type Codec = 'json' | 'proto';

// The runtime's connector-init picks JSON only for FLOW_RUNTIME_CODEC=json and proto otherwise;
// this connector is built and labelled for JSON, so JSON is the default when the variable is unset.
export function codecFromEnv(raw = process.env.FLOW_RUNTIME_CODEC): Codec {
  if (raw === undefined || raw === '' || raw.toLowerCase() === 'json') return 'json';
  return 'proto';
}

export interface Transport {
  requests: AsyncIterable<Request>;
  sink: ResponseSink;
}

// The proto codec (protobufjs and the .proto files) is loaded only when the runtime speaks proto:
// a JSON-codec connector process stays that much smaller.
export async function streamTransport(codec: Codec, input: Readable, output: Writable): Promise<Transport> {
  if (codec === 'json') return { requests: readJsonRequests(input), sink: new StreamSink(output, encodeJsonResponse) };
  const { readProtoRequests, encodeFramedResponse } = await import('./proto-codec.js');
  return { requests: readProtoRequests(input), sink: new StreamSink(output, encodeFramedResponse) };
}
