/** Entry point of the `mach-nix` command: the bundle's entry (scripts/build.ts), or run from source by bin/mach-nix. */
import { takeHandedOverCaCerts } from '../index/extra-ca-certs.js';
import { run } from './program.js';

// Before anything runs a child process: it must see NODE_EXTRA_CA_CERTS as the user set it.
takeHandedOverCaCerts();
// No top-level await: the bundle is a CommonJS script.
void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
