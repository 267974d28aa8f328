import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { once } from 'node:events';
import { CAPTURE_PROTO, PROTO_DIR } from './proto-files.js';
import { decodeRequest, encodeResponse } from './proto-codec.js';
import type { Request, Response } from './messages.js';
import type { ResponseSink } from './sink.js';
import type { Logger } from '../log.js';

/** One RPC worth of protocol: the same handler the stdio transports drive. */
export type ConnectorHandler = (requests: AsyncIterable<Request>, sink: ResponseSink, signal: AbortSignal) => Promise<void>;

export interface GrpcServer {
  port: number;
  /** Stops accepting calls, asks running sessions to finish at a checkpoint, waits for them. */
  shutdown(): Promise<void>;
}

type Call = grpc.ServerDuplexStream<Request, Response>;

function captureService(): grpc.ServiceDefinition {
  const pkgDef = protoLoader.loadSync(CAPTURE_PROTO, { includeDirs: [PROTO_DIR], keepCase: true });
  const loaded = grpc.loadPackageDefinition(pkgDef) as unknown as {
    capture: { Connector: { service: grpc.ServiceDefinition } };
  };
  const method = loaded.capture.Connector.service.Capture as grpc.MethodDefinition<unknown, unknown>;
  // Same method path and streaming shape as proto-loader describes; messages go through the
  // connector's own codec so handlers see the JSON wire form with raw JSON values.
  return {
    Capture: {
      ...method,
      requestDeserialize: (buf: Buffer) => decodeRequest(buf),
      responseSerialize: (res: Response) => Buffer.from(encodeResponse(res)),
    },
  };
}

export async function serveGrpc(handler: ConnectorHandler, opts: { host: string; port: number; log: Logger }): Promise<GrpcServer> {
  const server = new grpc.Server();
  const active = new Set<{ ctrl: AbortController; done: Promise<void> }>();

  server.addService(captureService(), {
    Capture: (call: Call) => {
      const ctrl = new AbortController();
      call.on('cancelled', () => ctrl.abort(new Error('RPC cancelled')));
      const sink: ResponseSink = {
        async send(res) {
          if (!call.write(res)) await once(call, 'drain', { signal: ctrl.signal }).catch(() => undefined);
        },
        async flush() {},
      };
      // Iterating a Readable destroys it at the end by default, which would drop the call
      // before its status is sent: keep the call open until the handler ends it.
      const requests = call.iterator({ destroyOnReturn: false }) as AsyncIterable<Request>;
      const entry = {
        ctrl,
        done: handler(requests, sink, ctrl.signal).then(
          () => {
            call.end();
          },
          (err: unknown) => {
            const details = err instanceof Error ? err.message : String(err);
            opts.log.error({ err: details }, `capture RPC failed: ${details}`);
            call.emit('error', { code: grpc.status.INTERNAL, details });
          },
        ),
      };
      active.add(entry);
      void entry.done.finally(() => active.delete(entry));
    },
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );

  return {
    port,
    async shutdown() {
      for (const a of active) a.ctrl.abort(new Error('server shutting down'));
      await Promise.allSettled([...active].map((a) => a.done));
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}
