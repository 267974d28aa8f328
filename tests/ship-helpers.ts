import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;
export const MAIN = join(ROOT, 'dist', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <argv…>` from `cwd` as a real child process, optionally feeding stdin. */
export function runNode(argv: string[], o: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: o.cwd ?? ROOT, env: { ...process.env, ...o.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 55_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(o.input ?? '');
  });
}

export const runCli = (args: string[], o: Parameters<typeof runNode>[1] = {}) => runNode([MAIN, ...args], o);

export interface DiscoveredBinding {
  recommendedName: string;
  resourceConfig: { stream: string; syncMode?: string; interval?: string };
  documentSchema: Record<string, unknown>;
  key: string[];
}

/** Discover through the real CLI with a minimal access-token config. */
export async function discover(): Promise<DiscoveredBinding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ship-discover-'));
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ start_date: '2024-01-01', credentials: { auth_method: 'access_token', access_token: 'pina_sandbox' } }));
  const res = await runCli(['discover', '--config', cfg]);
  if (res.code !== 0) throw new Error(`discover failed: ${res.stderr}`);
  return res.stdout.trim().split('\n').map((l) => JSON.parse(l) as DiscoveredBinding);
}
