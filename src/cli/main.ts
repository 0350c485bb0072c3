/** Entry point of the `mach-nix` command: the bundle's entry (scripts/build.ts), or run from source by bin/mach-nix. */
import { run } from './program.js';

// No top-level await: the bundle is a CommonJS script.
void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
