/**
 * The bundle's launcher, which the package's `bin` (the sh script `dist/mach-nix`) and the Nix
 * wrapper start node on: runs the bundled CLI (`mach-nix-bundle.cjs`, see scripts/build.ts) with
 * the V8 code cache the build made for it.
 *
 * Compiling the 0.5 MB bundle, and later each function the command calls, was about a quarter of
 * a small resolve; the cache holds the bytecode of everything a resolve used during the build's
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

function codeCache(): Buffer | undefined {
  try {
    return fs.readFileSync(path.join(__dirname, 'mach-nix-bundle.v8-cache'));
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
 * The build's training run (scripts/build.ts) sets this to have the cache written when the command
 * ends: then it holds the bytecode of every function the command compiled, not only the top level.
 */
const writeCacheTo = process.env.MACH_NIX_WRITE_CODE_CACHE;
if (writeCacheTo) process.on('exit', () => fs.writeFileSync(writeCacheTo, script.createCachedData()));
