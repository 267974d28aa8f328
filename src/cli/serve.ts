import type { Command } from 'commander';
import { runConnector } from '../connector/connector.js';
import { log } from '../log.js';
import { createPinterestSource } from '../pinterest/source.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the Flow capture protocol as the gRPC service capture.Connector (method Capture)')
    .requiredOption('--port <n>', 'TCP port (0 picks a free one)', (v) => Number.parseInt(v, 10))
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .action((o: { port: number; host: string }) =>
      runCommand(async () => {
        const { serveGrpc } = await import('../protocol/grpc-server.js');
        const source = createPinterestSource();
        const server = await serveGrpc((requests, sink, signal) => runConnector(source, requests, sink, { log, signal }), {
          host: o.host,
          port: o.port,
          log,
        });
        // First stdout line tells scripts and tests where the server listens.
        process.stdout.write(JSON.stringify({ address: `${o.host}:${server.port}`, port: server.port }) + '\n');
        log.info({ host: o.host, port: server.port }, `serving capture.Connector on ${o.host}:${server.port}`);
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
        log.info('shutting down: finishing running sessions at a checkpoint boundary');
        await server.shutdown();
      }),
    );
}
