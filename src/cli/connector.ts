import type { Command } from 'commander';
import { runConnector } from '../connector/connector.js';
import type { Source } from '../connector/source.js';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { createPinterestSource } from '../pinterest/source.js';
import { codecFromEnv, streamTransport } from '../protocol/stdio.js';
import { runCommand } from './run.js';

// No command: the Flow capture protocol on stdin/stdout (json, or proto with FLOW_RUNTIME_CODEC).
// Extra options such as `--log.level=info` (appended by older connector-init) are tolerated.
export function register(program: Command): void {
  program.allowUnknownOption(true).action(async (_opts: unknown, cmd: Command) => {
    await runCommand(async () => {
      const operand = cmd.args.find((a) => !a.startsWith('-'));
      if (operand !== undefined) throw new UserError(`unknown command "${operand}" (see --help)`);
      await runStdioConnector();
    });
  });
}

export async function runStdioConnector<C>(source: Source<C> = createPinterestSource() as unknown as Source<C>): Promise<void> {
  const { requests, sink } = await streamTransport(codecFromEnv(), process.stdin, process.stdout);
  const ctrl = new AbortController();
  const stop = (sig: string) => () => ctrl.abort(new Error(sig));
  process.once('SIGTERM', stop('SIGTERM'));
  process.once('SIGINT', stop('SIGINT'));
  await runConnector(source, requests, sink, { log, signal: ctrl.signal });
  await sink.flush();
}
