import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The sandbox in its own process, so that its CPU does not compete with the benchmark's own
// bookkeeping inside one event loop (the connector runs in a third process).

// Resolves to dist/main.js from both src/bench (tests under tsx) and dist/bench.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface SandboxProcess {
  baseUrl: string;
  origin: string;
  child: ChildProcess;
  /** POST /_sandbox/control */
  control(action: unknown): Promise<Record<string, unknown>>;
  get<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

export async function startSandboxProcess(args: string[], nodeArgs: string[] = []): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [...nodeArgs, MAIN, 'sandbox', ...args], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'ignore'] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      try {
        resolve((JSON.parse(buf.slice(0, nl)) as { baseUrl: string }).baseUrl);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code} before listening`)));
  });
  child.stdout.resume();
  const origin = new URL(baseUrl).origin;
  const json = async <T>(res: Response): Promise<T> => {
    if (!res.ok) throw new Error(`sandbox ${res.url}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    baseUrl,
    origin,
    child,
    control: async (action) => json(await fetch(`${origin}/_sandbox/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) })),
    get: async (path) => json(await fetch(`${origin}${path}`)),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
