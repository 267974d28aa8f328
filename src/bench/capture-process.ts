import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Runs a real connector process (`node dist/main.js`) the way Flow does: the internal spec request,
// then an Open with one binding per stream (and optionally a shard `range`) over stdio. Once every
// binding has finished its first pass, stdin is closed so the session ends at a checkpoint. Used by
// the throughput/rate-limit benchmarks and the shard tests.

// Resolves to dist/main.js from both src/bench (tests under tsx) and dist/bench.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface ProcessCaptureOptions {
  config: Record<string, unknown>;
  streams: string[];
  /** Shard key range of the Open request (inclusive); default: the full range. */
  range?: { keyBegin: number; keyEnd: number };
  state?: unknown;
  /** Called with every stdout line (without the newline). Without it, output is only counted. */
  onLine?(line: string): void;
  /** LOG_LEVEL of the child (default info: pass completion is read from its log). */
  logLevel?: string;
  /** Extra node flags for the child, e.g. ['--cpu-prof']. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Kill the child when it has not finished by then. */
  timeoutMs?: number;
  /** End the session (close stdin) after this long even if passes are still running. */
  stopAfterMs?: number;
}

export interface ProcessCaptureResult {
  documents: number;
  checkpoints: number;
  /** Bytes the connector wrote to stdout. */
  bytes: number;
  /** From writing the Open request until every binding finished its first pass. */
  seconds: number;
  /** Peak resident set size of the connector process (VmHWM), bytes; 0 where /proc is unavailable. */
  peakRssBytes: number;
  /** Documents per binding index, from the connector's pass log lines. */
  docsByBinding: number[];
  /** Duration of each binding's first pass, ms, from the same log lines. */
  passMsByBinding: number[];
  exitCode: number | null;
  /** The session was ended by `stopAfterMs` before every binding finished its first pass. */
  stopped: boolean;
}

const NL = 0x0a;
const A = 0x61; // {"captured"  — byte 3 is 'a'
const H = 0x68; // {"checkpoint" — byte 3 is 'h'

function peakRss(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function openRequest(o: Pick<ProcessCaptureOptions, 'config' | 'streams' | 'range' | 'state'>): Record<string, unknown> {
  return {
    open: {
      capture: {
        name: 'bench/source-pinterest',
        connectorType: 'IMAGE',
        config: o.config,
        bindings: o.streams.map((stream) => ({ resourceConfig: { stream }, resourcePath: [stream], stateKey: stream, collection: { name: `bench/${stream}` } })),
      },
      version: 'bench',
      ...(o.range ? { range: { keyBegin: o.range.keyBegin, keyEnd: o.range.keyEnd, rClockBegin: 0, rClockEnd: 0xffffffff } } : {}),
      state: o.state ?? {},
    },
  };
}

export function captureViaProcess(o: ProcessCaptureOptions): Promise<ProcessCaptureResult> {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), MAIN], {
    env: { ...process.env, LOG_LEVEL: o.logLevel ?? 'info', ...o.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const res: ProcessCaptureResult = { documents: 0, checkpoints: 0, bytes: 0, seconds: 0, peakRssBytes: 0, docsByBinding: o.streams.map(() => 0), passMsByBinding: o.streams.map(() => 0), exitCode: null, stopped: false };
  const finished = new Set<number>();
  let errorLine = '';
  let t0 = 0;

  // stdout: count lines by type (byte 3 tells captured from checkpoint), optionally hand them on.
  let partial: Buffer | null = null;
  let pendingText = '';
  child.stdout.on('data', (chunk: Buffer) => {
    res.bytes += chunk.length;
    if (o.onLine) {
      const text = pendingText + chunk.toString('utf8');
      const lines = text.split('\n');
      pendingText = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('{"captured"')) res.documents++;
        else if (line.startsWith('{"checkpoint"')) res.checkpoints++;
        o.onLine(line);
      }
      return;
    }
    const buf = partial ? Buffer.concat([partial, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(NL, start); nl >= 0; nl = buf.indexOf(NL, start)) {
      const b = buf[start + 3];
      if (b === A) res.documents++;
      else if (b === H) res.checkpoints++;
      start = nl + 1;
    }
    partial = start < buf.length ? buf.subarray(start) : null;
  });

  let errText = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    errText += d;
    let nl: number;
    while ((nl = errText.indexOf('\n')) >= 0) {
      const line = errText.slice(0, nl);
      errText = errText.slice(nl + 1);
      let rec: { level?: string; msg?: string; binding?: unknown; fields?: Record<string, unknown> };
      try {
        rec = JSON.parse(line) as typeof rec;
      } catch {
        continue;
      }
      if (rec.level === 'error' || rec.level === 'fatal') errorLine = rec.msg ?? line;
      // pino puts child bindings (binding, stream) beside `fields`, the call's own fields inside it.
      const f = rec.fields ?? {};
      const binding = typeof rec.binding === 'number' ? rec.binding : f.binding;
      if (typeof binding === 'number' && f.passes === 1 && typeof rec.msg === 'string' && rec.msg.includes('finished a pass')) {
        if (!finished.has(binding)) {
          finished.add(binding);
          res.docsByBinding[binding] = Number(f.docs ?? 0);
          res.passMsByBinding[binding] = Number(f.ms ?? 0);
          if (finished.size === o.streams.length) {
            res.seconds = (performance.now() - t0) / 1000;
            res.peakRssBytes = peakRss(child.pid);
            child.stdin.end();
          }
        }
      }
    }
  });

  return new Promise((resolve, reject) => {
    const timer = o.timeoutMs
      ? setTimeout(() => {
          child.kill('SIGKILL');
          const pending = o.streams.filter((_, i) => !finished.has(i));
          reject(new Error(`connector did not finish within ${o.timeoutMs} ms (still running: ${pending.join(', ')})`));
        }, o.timeoutMs)
      : undefined;
    const stopper = o.stopAfterMs
      ? setTimeout(() => {
          if (finished.size === o.streams.length) return;
          res.stopped = true;
          res.seconds = (performance.now() - t0) / 1000;
          res.peakRssBytes = peakRss(child.pid);
          child.stdin.end();
        }, o.stopAfterMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (stopper) clearTimeout(stopper);
      res.exitCode = code;
      if (code !== 0 || (finished.size < o.streams.length && !res.stopped)) {
        reject(new Error(`connector exited ${code} after ${finished.size}/${o.streams.length} bindings: ${errorLine || errText.slice(-500)}`));
        return;
      }
      resolve(res);
    });
    child.stdin.write(JSON.stringify({ spec: { connectorType: 'IMAGE', config: {} } }) + '\n');
    t0 = performance.now();
    child.stdin.write(JSON.stringify(openRequest(o)) + '\n');
  });
}
