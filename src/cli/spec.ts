import type { Command } from 'commander';
import { handleSpec } from '../connector/handlers.js';
import { createPinterestSource } from '../pinterest/source.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  program
    .command('spec')
    .description('Print the connector specification (config schema, resource schema, OAuth2) as JSON')
    .action(() =>
      runCommand(() => {
        const res = handleSpec(createPinterestSource());
        process.stdout.write(JSON.stringify('spec' in res ? res.spec : res, null, 2) + '\n');
      }),
    );
}
