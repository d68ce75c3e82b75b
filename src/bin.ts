#!/usr/bin/env node
// The CLI's entry point (dist/cli.js): run main() with the process's arguments.
import { messageOf } from './errors.js';
import { main } from './cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`model-gate: unexpected error: ${messageOf(e)}\n`);
    process.exitCode = 2;
  },
);
