import type { Command } from 'commander';
import { handleValidate } from '../connector/handlers.js';
import { log } from '../log.js';
import { createPinterestSource } from '../pinterest/source.js';
import { configFilePersister, readConfigFile, splitList } from './config-file.js';
import { logFormatOption, useLogFormat } from './log-format.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  const cmd = program
    .command('validate')
    .description('Validate a config and bindings for all (or the listed) streams, checking access at Pinterest')
    .requiredOption('--config <file>', 'endpoint config (JSON or YAML)')
    .option('--streams <a,b>', 'comma-separated stream names (default: every stream)');
  logFormatOption(cmd).action((o: { config: string; streams?: string; logFormat?: string }) =>
      runCommand(async () => {
        useLogFormat(o.logFormat);
        const source = createPinterestSource();
        const raw = readConfigFile(o.config);
        const names = splitList(o.streams) ?? source.streams(source.parseConfig(raw)).map((s) => s.name);
        const res = await handleValidate(source, { config: raw, bindings: names.map((stream) => ({ resourceConfig: { stream } })) }, log, configFilePersister(o.config, log));
        if (!('validated' in res)) return;
        process.stdout.write(res.validated.bindings.map((b) => JSON.stringify(b)).join('\n') + '\n');
        log.info({ bindings: names.length }, `config and ${names.length} binding(s) are valid`);
      }),
    );
}
