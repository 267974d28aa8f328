import type { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { createWriteStream, mkdirSync, renameSync, writeFileSync, existsSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { runCapture, type CaptureOutput } from '../connector/run-capture.js';
import type { BindingProgress } from '../connector/session-loop.js';
import { log } from '../log.js';
import { createPinterestSource } from '../pinterest/source.js';
import { configFilePersister, readConfigFile, splitList } from './config-file.js';
import { logFormatOption, useLogFormat } from './log-format.js';
import { runCommand } from './run.js';

interface CaptureOpts {
  config: string;
  state?: string;
  streams?: string;
  once?: boolean;
  output?: string;
  logFormat?: string;
}

async function write(stream: NodeJS.WritableStream | WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

function fileOutput(dir: string): CaptureOutput & { close(): Promise<void> } {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, WriteStream>();
  return {
    document(stream, doc) {
      let f = files.get(stream);
      if (!f) files.set(stream, (f = createWriteStream(join(dir, `${stream}.jsonl`))));
      const line = JSON.stringify(doc) + '\n';
      if (!f.write(line)) return once(f, 'drain').then(() => undefined);
    },
    async close() {
      await Promise.all([...files.values()].map((f) => new Promise<void>((resolve) => f.end(() => resolve()))));
    },
  };
}

function stdoutOutput(): CaptureOutput & { close(): Promise<void> } {
  return {
    document(stream, doc) {
      const line = `{"stream":${JSON.stringify(stream)},"doc":${JSON.stringify(doc)}}\n`;
      if (!process.stdout.write(line)) return write(process.stdout, '');
    },
    async close() {},
  };
}

async function progressBars(): Promise<{ update(p: BindingProgress): void; stop(): void }> {
  const { default: cliProgress } = await import('cli-progress');
  const multi = new cliProgress.MultiBar(
    { stream: process.stderr, format: ' {stream} | {status} | {docs} docs | {passes} pass(es)', hideCursor: true, clearOnComplete: false, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<number, SingleBar>();
  return {
    update(p) {
      const payload = {
        stream: p.binding.resource.stream.padEnd(32),
        status: p.done ? 'done   ' : p.running ? 'running' : 'waiting',
        docs: p.docs,
        passes: p.passes,
      };
      let bar = bars.get(p.binding.index);
      if (!bar) bars.set(p.binding.index, (bar = multi.create(1, 0, payload)));
      bar.update(p.done ? 1 : 0, payload);
    },
    stop: () => multi.stop(),
  };
}

function writeState(path: string, state: unknown): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, path);
}

export function register(program: Command): void {
  const cmd = program
    .command('capture')
    .description('Run the capture outside Flow: documents as JSON lines on stdout ({"stream","doc"}) or one file per stream')
    .requiredOption('--config <file>', 'endpoint config (JSON or YAML)')
    .option('--state <file>', 'connector state to resume from; the final state is written back to it')
    .option('--streams <a,b>', 'comma-separated stream names (default: every stream)')
    .option('--once', 'run one pass of every binding, then exit')
    .option('--output <dir>', 'write <dir>/<stream>.jsonl instead of stdout');
  logFormatOption(cmd).action((o: CaptureOpts) =>
      runCommand(async () => {
        useLogFormat(o.logFormat);
        const config = readConfigFile(o.config);
        const initial = o.state && existsSync(o.state) ? readConfigFile(o.state, 'state file') : {};
        const out = o.output ? fileOutput(o.output) : stdoutOutput();
        const bars = process.stderr.isTTY ? await progressBars() : undefined;
        if (bars && !process.env.LOG_LEVEL) log.level = 'warn'; // keep the bars readable
        const ctrl = new AbortController();
        const stop = () => ctrl.abort(new Error('interrupted'));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        let latest: unknown = initial;
        try {
          const result = await runCapture({
            source: createPinterestSource(),
            config,
            streams: splitList(o.streams),
            state: initial,
            once: o.once,
            log,
            signal: ctrl.signal,
            output: {
              document: (stream, doc) => out.document(stream, doc),
              checkpoint(state) {
                latest = state;
              },
            },
            onProgress: bars && ((p) => bars.update(p)),
            persistConfig: configFilePersister(o.config, log),
          });
          latest = result.state;
          bars?.stop();
          log.info({ counts: result.counts, reason: result.reason }, `captured ${result.docs} documents from ${result.bindings.length} stream(s)`);
        } finally {
          bars?.stop();
          await out.close();
          if (o.state) writeState(o.state, latest);
        }
      }),
    );
}
