#!/usr/bin/env node
/** Entry point of the `mach-nix` executable. */
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2));
