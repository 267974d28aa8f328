import cliProgress from 'cli-progress';
import type { StreamRow, Tracker } from './tracker.js';

// Live progress: one bar per binding (plus a total) on a terminal; plain lines otherwise, one per
// stream start/finish and a heartbeat, so CI logs stay readable.

export interface Display {
  changed(row: StreamRow): void;
  tick(): void;
  stop(): void;
}

const num = (n: number) => n.toLocaleString('en-US');

export function barsDisplay(t: Tracker, out: NodeJS.WriteStream): Display {
  const width = Math.max(...t.rows.map((r) => r.stream.length));
  const multi = new cliProgress.MultiBar(
    {
      stream: out,
      format: ' {bar} {label} | {status} | {docs} docs | {requests} req | {secs}s',
      barsize: 12,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      autopadding: true,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  const total = multi.create(t.rows.length, 0, { label: 'all streams'.padEnd(width), status: '       ', docs: '0', requests: '0', secs: '0.0' });
  const bars = t.rows.map((r) => multi.create(1, 0, { label: r.stream.padEnd(width), status: 'waiting', docs: '0', requests: '0', secs: '0.0' }));
  const render = () => {
    const now = Date.now();
    let requests = 0;
    t.rows.forEach((r, i) => {
      requests += r.requests;
      bars[i].update(r.status === 'done' || r.status === 'failed' ? 1 : 0, {
        status: r.status.padEnd(7),
        docs: num(r.docs),
        requests: num(r.requests),
        secs: t.seconds(r, now).toFixed(1),
      });
    });
    total.update(t.finished(), { docs: num(t.totalDocs()), requests: num(requests), secs: ((now - t.startedAt) / 1000).toFixed(1) });
  };
  // Log lines written to stderr meanwhile (warnings, the OAuth configUpdate event) would tear
  // the bars: print them above the bars instead.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to put the original method back on process.stderr, never called detached
  const stderrWrite = process.stderr.write;
  if (process.stderr.isTTY && out.isTTY) {
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      multi.log(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    });
  }
  return {
    changed: render,
    tick: render,
    stop() {
      render();
      multi.stop();
      process.stderr.write = stderrWrite;
    },
  };
}

export function linesDisplay(t: Tracker, out: NodeJS.WritableStream, heartbeatMs = 5000): Display {
  const elapsed = () => `[${((Date.now() - t.startedAt) / 1000).toFixed(1).padStart(5)}s]`;
  let lastBeat = Date.now();
  return {
    changed(r) {
      if (r.status === 'running') out.write(`${elapsed()} ${r.stream}: started\n`);
      else if (r.status === 'done') out.write(`${elapsed()} ${r.stream}: done, ${num(r.docs)} documents in ${t.seconds(r).toFixed(1)} s\n`);
      else if (r.status === 'failed') out.write(`${elapsed()} ${r.stream}: FAILED after ${num(r.docs)} documents\n`);
    },
    tick() {
      if (Date.now() - lastBeat < heartbeatMs) return;
      lastBeat = Date.now();
      out.write(`${elapsed()} ${t.finished()}/${t.rows.length} streams finished, ${num(t.totalDocs())} documents so far\n`);
    },
    stop() {},
  };
}
