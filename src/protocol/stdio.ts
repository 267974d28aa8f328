import type { Readable, Writable } from 'node:stream';
import { readJsonRequests, encodeJsonResponse } from './json-codec.js';
import { readProtoRequests, encodeFramedResponse } from './proto-codec.js';
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

export function streamTransport(codec: Codec, input: Readable, output: Writable): Transport {
  return codec === 'json'
    ? { requests: readJsonRequests(input), sink: new StreamSink(output, encodeJsonResponse) }
    : { requests: readProtoRequests(input), sink: new StreamSink(output, encodeFramedResponse) };
}
