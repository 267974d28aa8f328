import type { Command } from 'commander';
import { handleDiscover } from '../connector/handlers.js';
import { createPinterestSource } from '../pinterest/source.js';
import { readConfigFile } from './config-file.js';
import { logFormatOption, useLogFormat } from './log-format.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  const cmd = program
    .command('discover')
    .description('Print one discovered binding per line (stream, resource config, key, document schema)')
    .requiredOption('--config <file>', 'endpoint config (JSON or YAML)');
  logFormatOption(cmd).action((o: { config: string; logFormat?: string }) =>
      runCommand(() => {
        useLogFormat(o.logFormat);
        const res = handleDiscover(createPinterestSource(), { config: readConfigFile(o.config) });
        if (!('discovered' in res)) return;
        process.stdout.write(res.discovered.bindings.map((b) => JSON.stringify(b)).join('\n') + '\n');
      }),
    );
}
