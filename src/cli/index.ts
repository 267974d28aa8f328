import type { Command } from 'commander';
import { register as registerBench } from './bench.js';
import { register as registerSandbox } from './sandbox.js';

// Each command lives in its own module and registers itself here.
export function registerCommands(program: Command): void {
  registerSandbox(program);
  registerBench(program);
}
