#!/usr/bin/env node
/** Entry point of the `ovsim` command: the only place that reads argv. */
import { processIo } from './io.js';
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2), processIo);
