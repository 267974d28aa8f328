import { parentPort, workerData } from 'node:worker_threads';
import { startSandbox, type SandboxOptions } from '../sandbox/index.js';

// The demo's sandbox runs on its own thread of the demo process, so generating analytics and
// report files does not compete with the capture for one event loop.
const sandbox = await startSandbox(workerData as SandboxOptions);
parentPort!.postMessage({ baseUrl: sandbox.baseUrl, today: sandbox.today() });
parentPort!.on('message', (m: unknown) => {
  if (m === 'close') void sandbox.close().then(() => parentPort!.close());
});
