import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { SCALES, type ScaleName } from '../sandbox/scale.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('Start the Pinterest sandbox in-process and capture every stream once, with live progress, into <output>/<stream>.jsonl')
    .option('--output <dir>', 'directory for one <stream>.jsonl per stream', 'demo-output')
    .option('--scale <scale>', `sandbox data size (${Object.keys(SCALES).join(' | ')})`, 'small')
    .option('--seed <n>', 'sandbox data seed', '1')
    .option('--days <n>', 'capture this many days of analytics and reports (start_date = today - n)', '30')
    .option('--plain', 'plain progress lines even on a terminal')
    .addHelpText(
      'after',
      `
Examples:
  npm run demo                                   # same as: node dist/main.js demo
  node dist/main.js demo --output /tmp/pins --days 7
  node dist/main.js demo --scale medium --plain  # bigger data, CI-friendly output
  LOG_LEVEL=info node dist/main.js demo          # also show the connector's JSON logs on stderr`,
    )
    .action((o: { output: string; scale: string; seed: string; days: string; plain?: boolean }) =>
      runCommand(async () => {
        if (!(o.scale in SCALES)) throw new UserError(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
        const days = Number(o.days);
        if (!Number.isInteger(days) || days < 1 || days > 913) throw new UserError('--days must be a whole number from 1 to 913');
        const seed = Number(o.seed);
        if (!Number.isInteger(seed)) throw new UserError('--seed must be a whole number');
        // The progress display is the demo's output; JSON logs only for warnings unless asked.
        if (!process.env.LOG_LEVEL) log.level = 'warn';
        const ctrl = new AbortController();
        process.once('SIGINT', () => ctrl.abort(new Error('interrupted')));
        const tty = Boolean(process.stdout.isTTY) && !o.plain;
        const { runDemo } = await import('../demo/run-demo.js');
        const res = await runDemo({ outputDir: o.output, scale: o.scale as ScaleName, seed, days, tty, out: process.stdout, log, signal: ctrl.signal });
        const failed = res.rows.filter((r) => r.status !== 'done').map((r) => r.stream);
        if (failed.length) throw new UserError(`demo: ${failed.length} stream(s) did not finish: ${failed.join(', ')}`);
      }),
    );
}
