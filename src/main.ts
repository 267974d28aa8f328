#!/usr/bin/env node
import './v8-heap.js';
import { Command } from 'commander';
import { registerCommands } from './cli/index.js';

const program = new Command('source-pinterest')
  .description('Estuary Flow capture connector for Pinterest. With no command it speaks the Flow capture protocol on stdin/stdout.')
  .allowExcessArguments(true);

registerCommands(program);
await program.parseAsync(process.argv);
