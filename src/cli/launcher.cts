/**
 * The bundle's launcher, which the package's `bin` (the sh script `dist/mach-nix`) and the Nix
 * wrapper start node on: runs the bundled CLI (`mach-nix-bundle.cjs`, or `mach-nix-start.cjs` when
 * no argument names a command; see scripts/build.ts) with the V8 code cache the build trained for
 * the command it runs.
 *
 * Compiling the 0.5 MB bundle, and later each function the command calls, was about a quarter of
 * a small resolve; a cache holds the bytecode of everything a command used during the build's
 * training run, so V8 only checks and deserialises it. V8 refuses a cache made by another V8
 * version or with other flags (`cachedDataRejected`): the bundle is then compiled as usual,
 * which is slower and otherwise the same; so does a node started without the package's node
 * options (`node-options.json`, which the sh launcher, the first line of the built file and the
 * Nix wrapper pass).
 * A CommonJS script, because a CommonJS entry starts faster than an ES module one and
 * `vm.Script` takes a code cache.
 */
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');

/**
 * The code caches of the bundle the build trained, by command (`MACH_NIX_CODE_CACHES`, defined by
 * scripts/build.ts from code-caches.json): each holds what its training run compiled, and V8
 * deserialises all of a cache before the bundle runs, so a command reads the one that holds what
 * it runs and little else. Any cache fits the bundle: one chosen wrongly only costs time.
 */
declare const MACH_NIX_CODE_CACHES: Record<string, string>;

/**
 * The first argument that names a command or `help`. Without one commander dispatches to no
 * subcommand (it dispatches to the first operand, and only to a command's name), so the start
 * bundle runs: the same command tree without what only the commands' actions use.
 */
const command = process.argv.slice(2).find((word) => Object.hasOwn(MACH_NIX_CODE_CACHES, word));
const [bundle, cacheFile] = command === undefined
  ? [path.join(__dirname, 'mach-nix-start.cjs'), path.join(__dirname, 'mach-nix-start.v8-cache')]
  : [path.join(__dirname, 'mach-nix-bundle.cjs'), path.join(__dirname, `mach-nix-bundle.${MACH_NIX_CODE_CACHES[command]}.v8-cache`)];

function codeCache(): Buffer | undefined {
  try {
    return fs.readFileSync(cacheFile);
  } catch {
    // No cache (a build that skipped it): compile from source.
    return undefined;
  }
}

const cachedData = codeCache();
// The bundle's text is already the module function (scripts/build.ts): compiled as read, not copied into a wrapper.
const script = new vm.Script(fs.readFileSync(bundle, 'utf8'), { filename: bundle, cachedData });
if (process.env.MACH_NIX_DEBUG && (cachedData === undefined || script.cachedDataRejected)) {
  process.stderr.write(`mach-nix: ${cachedData === undefined ? 'no code cache' : `the code cache does not fit node ${process.version}`}: compiling the bundle\n`);
}
const bundleModule = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(bundleModule.exports, bundleModule.exports, require, bundleModule, bundle, __dirname);

/**
 * The build's training runs (scripts/build.ts) set this to have the cache written when the command
 * ends: then it holds the bytecode of every function the command compiled, not only the top level.
 */
const writeCacheTo = process.env.MACH_NIX_WRITE_CODE_CACHE;
if (writeCacheTo) process.on('exit', () => fs.writeFileSync(writeCacheTo, script.createCachedData()));
