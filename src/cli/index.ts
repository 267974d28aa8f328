import type { Command } from 'commander';
import { register as registerConnector } from './connector.js';
import { register as registerServe } from './serve.js';
import { register as registerSpec } from './spec.js';
import { register as registerDiscover } from './discover.js';
import { register as registerValidate } from './validate.js';
import { register as registerCapture } from './capture.js';
import { register as registerSandbox } from './sandbox.js';
import { register as registerBench } from './bench.js';

// Each command lives in its own module and registers itself here.
export function registerCommands(program: Command): void {
  registerConnector(program);
  registerServe(program);
  registerSpec(program);
  registerDiscover(program);
  registerValidate(program);
  registerCapture(program);
  registerSandbox(program);
  registerBench(program);
}
