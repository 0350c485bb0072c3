/**
 * The bundle's launcher, which the package's `bin` (the sh script `dist/mach-nix`) and the Nix
 * wrapper start node on: runs the bundled CLI (`mach-nix-bundle.cjs`, see scripts/build.ts) with
 * the V8 code cache the build trained for the command it runs.
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

const bundle = path.join(__dirname, 'mach-nix-bundle.cjs');

/**
 * The code caches the build trained, by command (`MACH_NIX_CODE_CACHES`, defined by
 * scripts/build.ts): each holds what its training run compiled, and V8 deserialises all of a
 * cache before the bundle runs, so a command reads the one that holds what it runs and little
 * else. Anything that names no command (`--version`, `--help`, a mistyped command) reads the
 * start's: the bundle's top level and commander, half the size of a resolve's. Every cache is of
 * the same bundle, so a command that reads another runs the same, only slower.
 */
declare const MACH_NIX_CODE_CACHES: Record<string, string>;

function codeCache(): Buffer | undefined {
  const command = process.argv[2];
  const cache = command !== undefined && Object.hasOwn(MACH_NIX_CODE_CACHES, command) ? MACH_NIX_CODE_CACHES[command] : 'start';
  try {
    return fs.readFileSync(path.join(__dirname, `mach-nix-bundle.${cache}.v8-cache`));
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
