/**
 * The `mach-nix` executable of the package (`bin` in package.json): runs the bundled CLI with the
 * V8 code caches the build made for it (scripts/build.ts). The CLI is two bundles: the core
 * (`mach-nix-core.cjs`: commander, the command tree, the errors) that every start runs, and the
 * commands chunk (`mach-nix-commands.cjs`: everything the commands' actions run), which the core
 * asks for (`require('mach-nix:commands')`) when an action first uses it — `--version` and `--help`
 * never do.
 *
 * Compiling the bundles, and later each function the command calls, was about a quarter of a
 * small resolve; each cache holds the bytecode of everything a resolve used during the build's
 * training run, so V8 only checks and deserialises it. V8 refuses a cache made by another V8
 * version or with other flags (`cachedDataRejected`): the bundle is then compiled as usual,
 * which is slower and otherwise the same; so does a node started without the package's node
 * options (`node-options.json`, which the first line of the built file and the Nix wrapper pass).
 * A CommonJS script, because a CommonJS entry starts faster than an ES module one and
 * `vm.Script` takes a code cache.
 */
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');

const BUNDLE_SPECIFIER = 'mach-nix:';

interface BundleModule {
  exports: unknown;
}

/** The bundles run so far, by name, with their scripts (for the training run's caches). */
const bundles = new Map<string, { module: BundleModule; script: vm.Script }>();

function codeCache(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    // No cache (a build that skipped it): compile from source.
    return undefined;
  }
}

/** What the bundles' `require` is: node's, but `mach-nix:NAME` is the bundle NAME, run on first use. */
const bundleRequire = Object.assign(
  (id: string): unknown => (id.startsWith(BUNDLE_SPECIFIER) ? runBundle(id.slice(BUNDLE_SPECIFIER.length)) : require(id)),
  require,
);

function runBundle(name: string): unknown {
  const running = bundles.get(name);
  // A bundle that asks for one still running (the chunk for the core) gets the exports the core
  // set up before its first module ran.
  if (running !== undefined) return running.module.exports;
  const file = path.join(__dirname, `mach-nix-${name}.cjs`);
  const cachedData = codeCache(path.join(__dirname, `mach-nix-${name}.v8-cache`));
  const script = new vm.Script(fs.readFileSync(file, 'utf8'), { filename: file, cachedData });
  if (process.env.MACH_NIX_DEBUG && (cachedData === undefined || script.cachedDataRejected)) {
    process.stderr.write(`mach-nix: ${cachedData === undefined ? 'no code cache' : `the code cache does not fit node ${process.version}`}: compiling ${path.basename(file)}\n`);
  }
  const module: BundleModule = { exports: {} };
  bundles.set(name, { module, script });
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, bundleRequire, module, file, __dirname);
  return module.exports;
}

runBundle('core');

/**
 * The build's training run (scripts/build.ts) sets this to have the caches written when the
 * command ends: then each holds the bytecode of every function the command compiled, not only
 * the top level.
 */
if (process.env.MACH_NIX_WRITE_CODE_CACHE) {
  process.on('exit', () => {
    for (const [name, { script }] of bundles) fs.writeFileSync(path.join(__dirname, `mach-nix-${name}.v8-cache`), script.createCachedData());
  });
}
