import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { SECTIONS } from '../bench/index.js';
import { renderReport } from '../bench/table.js';
import { UserError } from '../errors.js';
import { log } from '../log.js';

export function register(program: Command): void {
  program
    .command('bench')
    .description(`Run benchmarks against the in-process sandbox and write bench-results/<section>.json (sections: ${SECTIONS.map((s) => s.name).join(', ')})`)
    .option('--section <names>', 'comma-separated sections to run (default: all)')
    .option('--output <dir>', 'directory for the JSON results', 'bench-results')
    .action(async (opts: { section?: string; output: string }) => {
      const wanted = opts.section ? opts.section.split(',').map((s) => s.trim()).filter(Boolean) : SECTIONS.map((s) => s.name);
      for (const name of wanted) {
        if (!SECTIONS.some((s) => s.name === name)) throw new UserError(`unknown bench section '${name}' (sections: ${SECTIONS.map((s) => s.name).join(', ')})`);
      }
      await mkdir(opts.output, { recursive: true });
      let failed = 0;
      for (const section of SECTIONS.filter((s) => wanted.includes(s.name))) {
        const report = await section.run({ log });
        process.stdout.write(renderReport(report) + '\n\n');
        const file = path.join(opts.output, `${section.name}.json`);
        await writeFile(file, JSON.stringify({ ...report, at: new Date().toISOString() }, null, 2) + '\n');
        failed += report.targets.filter((t) => !t.pass).length;
      }
      if (failed) process.exitCode = 1;
    });
}
