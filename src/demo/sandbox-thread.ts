import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { SandboxOptions } from '../sandbox/index.js';

export interface SandboxThread {
  baseUrl: string;
  today: string;
  close(): Promise<void>;
}

/** Starts the sandbox on a worker thread and resolves once it listens. */
export async function startSandboxThread(options: SandboxOptions): Promise<SandboxThread> {
  const worker = new Worker(new URL('./sandbox-worker.js', import.meta.url), { workerData: options });
  const [info] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([err]) => Promise.reject(err as Error))])) as [{ baseUrl: string; today: string }];
  return {
    ...info,
    async close() {
      const exited = once(worker, 'exit');
      worker.postMessage('close');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await worker.terminate();
    },
  };
}
