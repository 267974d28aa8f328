#!/usr/bin/env node
import './v8-heap.js';
import { Command } from 'commander';
import { registerCommands } from './cli/index.js';

const program = new Command('source-pinterest')
  .description('Estuary Flow capture connector for Pinterest. With no command it speaks the Flow capture protocol on stdin/stdout.')
  .allowExcessArguments(true);

// A closed stdout (`… | head`) ends the process quietly instead of with an EPIPE stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

registerCommands(program);
await program.parseAsync(process.argv);
