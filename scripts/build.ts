/**
 * `npm run build` after the type check: the CLI as two bundled files and their V8 code caches, in dist/.
 *
 * - `dist/mach-nix-core.cjs`: what every start runs — src/cli/main.ts, the command tree and its
 *   option declarations (src/cli/), commander, the errors, the version (`CORE_MODULES`). An import
 *   from the core of any other module is an object whose properties read that module from the
 *   chunk when first used (chunkImportsPlugin): `--version` and `--help` never load the chunk.
 * - `dist/mach-nix-commands.cjs`: everything the commands' actions run — inputs, resolver,
 *   providers, SQLite source and writer, index client, lock, env and gen; yaml, smol-toml,
 *   cli-progress, valibot, the generated validators and better-sqlite3's JavaScript included (only
 *   better-sqlite3's native addon is loaded from node_modules). Each of its modules runs when the
 *   core first asks for it, so `resolve --deps-db` does not run the index client's modules.
 *   Its imports of core modules are the core's instances (coreImportsPlugin): one `MachNixError`
 *   class for `instanceof`, one copy of each module's state; the build fails if a library would
 *   be in both bundles.
 * - `dist/mach-nix.cjs`: the launcher, package.json's `bin` (src/cli/launcher.cts), which compiles
 *   each bundle with its cache and gives them each other (`require('mach-nix:core')`,
 *   `require('mach-nix:commands')`).
 * - `dist/mach-nix-core.v8-cache`, `dist/mach-nix-commands.v8-cache`: the bytecode of every
 *   function a resolve compiles in each bundle, written by a training run: the command builds the
 *   index of a tiny generated tree and resolves against it (which also checks that the bundles
 *   work). A cache fits only the node that ran the build, started with the same V8 options; in the
 *   Nix package that is the node the command runs with.
 *
 * Two CommonJS scripts, not esbuild's ES module splitting: a CommonJS entry starts faster than an
 * ES module one, and node 20 takes a code cache only for a script (`vm.Script`).
 *
 * The node options (`src/cli/node-options.json`) are what every start of the command passes: the
 * launcher's `#!/usr/bin/env -S node …` line, the Nix package's wrapper (nix/cli.nix), the training
 * run. `--max-semi-space-size=1` keeps V8's young generation at 1 MiB per half instead of letting
 * it grow to 8 or 16: a resolution allocates mostly short-lived objects, and the larger young
 * generation was up to 15 MiB of the command's peak RSS for no measurable speed (bench/resolver/RESULTS.md).
 * `--no-turbo-inlining`: V8's optimising compiler no longer inlines callees. With inlining, the
 * hottest functions of a resolution (wheelCandidates, parseTagSet, parseWheelFilename) took
 * 20–40 ms each to optimise, in a background thread that competed with the command for the two
 * cores of a small machine, and a process cannot exit before the compile in flight ends: chalice
 * spent ~17 ms after writing its output waiting for one. The command is short-lived, so the code
 * compiled sooner is worth more than the code inlining would make faster, up to the largest
 * resolution measured (400 requirements) and `db build` (bench/resolver/RESULTS.md).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BuildOptions, type Plugin, build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const launcher = join(dist, 'mach-nix.cjs');
const bundles = { core: join(dist, 'mach-nix-core.cjs'), commands: join(dist, 'mach-nix-commands.cjs') };
/** How the bundles ask the launcher for each other (src/cli/launcher.cts). */
const CORE_SPECIFIER = 'mach-nix:core';
const COMMANDS_SPECIFIER = 'mach-nix:commands';
const nodeOptions = JSON.parse(readFileSync(join(root, 'src/cli/node-options.json'), 'utf8')) as string[];

/**
 * src/on-demand.ts loads libraries with `createRequire`, which a bundler cannot follow: compiled
 * with the bundle's own `require` instead, yaml, smol-toml, cli-progress and better-sqlite3 are bundled, still
 * evaluated only on first use.
 */
const onDemandPlugin: Plugin = {
  name: 'on-demand',
  setup(builder) {
    builder.onLoad({ filter: /[/\\]src[/\\]on-demand\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const importLine = "import { createRequire } from 'node:module';\n";
      const requireLine = 'const require = createRequire(import.meta.url);\n';
      if (!text.includes(importLine) || !text.includes(requireLine)) {
        throw new Error(`${args.path}: the createRequire lines this build replaces are gone; update scripts/build.ts`);
      }
      return { contents: text.replace(importLine, '').replace(requireLine, ''), loader: 'ts' };
    });
  },
};

/**
 * commander loads node:child_process (and through it net and streams, several milliseconds) for
 * executable subcommands, which mach-nix has none of: it gets the module when it first spawns.
 */
const lazyChildProcessPlugin: Plugin = {
  name: 'lazy-child-process',
  setup(builder) {
    builder.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[/\\]node_modules[/\\]commander[/\\]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: 'module.exports = { spawn: (...args) => require("node:child_process").spawn(...args) };',
      loader: 'js',
    }));
  },
};

/**
 * better-sqlite3's JavaScript is bundled (resolving and compiling its 13 files from node_modules
 * was ~9 ms of every resolve, and now its bytecode is in the code cache too); its native addon
 * cannot be. better-sqlite3 finds the addon with the `bindings` package, which searches from the
 * file that calls it — inside the bundle, that would be dist/. In the bundle `bindings` is this
 * module instead: the addon where every install of better-sqlite3 puts it (`npm install`
 * compiles it or unpacks the prebuilt one there, as does the Nix package), found from
 * better-sqlite3's own package.json by Node's module resolution from the bundle's folder.
 */
const sqliteAddonPlugin: Plugin = {
  name: 'sqlite-addon',
  setup(builder) {
    builder.onResolve({ filter: /^bindings$/ }, (args) =>
      /[/\\]node_modules[/\\]better-sqlite3[/\\]/.test(args.importer) ? { path: 'bindings', namespace: 'sqlite-addon' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'sqlite-addon' }, () => ({
      contents: `const path = require('node:path');
module.exports = (addon) => require(path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', addon));`,
      loader: 'js',
    }));
  },
};

/** How the two bundles name a source module to each other: its path in the repository. */
const sourceKey = (file: string) => file.slice(root.length + 1).split('\\').join('/');

/**
 * The source modules of the core: what every start of the command runs — the launcher's entry,
 * the command tree and its option declarations (src/cli/), the errors every command shares, the
 * version — and the two modules the option declarations read (the platforms, the index pages'
 * default age), so that `--help` needs no chunk. Everything else is in the commands chunk; the
 * core's modules that the chunk imports are the core's instances (coreImportsPlugin).
 */
const CORE_MODULES = ['src/errors.ts', 'src/version.ts', 'src/target.ts', 'src/index/page-max-age.ts'];

function inCore(file: string): boolean {
  const key = sourceKey(file);
  return key.startsWith('src/cli/') || CORE_MODULES.includes(key);
}

const isSource = (file: string) => file.startsWith(join(root, 'src')) && !file.includes('/node_modules/');

/** The names a source module exports (its own and re-exported ones), as esbuild sees them. */
async function exportNames(file: string): Promise<string[]> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.values(result.metafile.outputs)[0]!.exports;
}

/**
 * In the core, an import of a module of the commands chunk becomes an object whose properties are
 * that module's exports, read from the chunk when first used: a call of `resolve(…)` in a command's
 * action loads the chunk then and runs that module (and what it imports), and `--version` or
 * `--help` never does. esbuild reads an imported binding as a property at each use
 * (`(0, import_x.resolve)(…)`), so nothing is read earlier.
 */
const chunkImportsPlugin: Plugin = {
  name: 'chunk-imports',
  setup(builder) {
    builder.onResolve({ filter: /^\./ }, async (args) => {
      if (args.namespace !== 'file' || !inCore(args.importer) || args.pluginData === 'resolved') return undefined;
      const resolved = await builder.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolved' });
      if (resolved.errors.length > 0 || !isSource(resolved.path) || inCore(resolved.path)) return undefined;
      return { path: resolved.path, namespace: 'chunk-import' };
    });
    builder.onLoad({ filter: /.*/, namespace: 'chunk-import' }, async (args) => {
      const key = JSON.stringify(sourceKey(args.path));
      const getters = (await exportNames(args.path)).map((name) => `${JSON.stringify(name)}: { enumerable: true, get: () => fromChunk()[${JSON.stringify(name)}] }`);
      return {
        contents: `let chunkModule;
const fromChunk = () => (chunkModule ??= require(${JSON.stringify(COMMANDS_SPECIFIER)})[${key}]());
module.exports = Object.defineProperties({}, { __esModule: { value: true }, ${getters.join(', ')} });`,
        loader: 'js',
        resolveDir: root,
      };
    });
  },
};

/** In the commands chunk, an import of a core module is the core's instance of it (one MachNixError class, one set of caches). */
const coreImportsPlugin: Plugin = {
  name: 'core-imports',
  setup(builder) {
    builder.onResolve({ filter: /^\./ }, async (args) => {
      if (args.namespace !== 'file' || args.pluginData === 'resolved' || !isSource(args.importer)) return undefined;
      const resolved = await builder.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolved' });
      if (resolved.errors.length > 0 || !inCore(resolved.path)) return undefined;
      return { path: resolved.path, namespace: 'core-import' };
    });
    builder.onLoad({ filter: /.*/, namespace: 'core-import' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(CORE_SPECIFIER)})[${JSON.stringify(sourceKey(args.path))}];`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Only looked up at run time, by the sqlite-addon plugin's module; the other two are the bundles, given by the launcher.
  external: ['better-sqlite3/package.json', CORE_SPECIFIER, COMMANDS_SPECIFIER],
  // src/version.ts finds package.json from its own URL: in a bundle, the bundle's.
  define: { 'import.meta.url': '__bundleUrl' },
  // Each bundle is the function the launcher calls, as Node's module wrapper would make it
  // (src/cli/launcher.cts): compiled as read, without a wrapped copy of its text.
  banner: { js: '(function (exports, require, module, __filename, __dirname) {\nvar __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  footer: { js: '})' },
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'eof',
  logLevel: 'warning',
} satisfies BuildOptions;

async function bundleCli(): Promise<void> {
  // The core's entry: the command's main, and the core modules the chunk may import, by their keys.
  const coreEntry = [
    ...CORE_MODULES.map((key, i) => `import * as m${i} from ${JSON.stringify(join(root, key))};`),
    `export { ${CORE_MODULES.map((key, i) => `m${i} as ${JSON.stringify(key)}`).join(', ')} };`,
    // Last: esbuild sets up the exports before any module runs, and each namespace above before main.
    `import ${JSON.stringify(join(root, 'src/cli/main.ts'))};`,
  ].join('\n');
  const core = await build({
    ...common,
    stdin: { contents: coreEntry, resolveDir: root, sourcefile: 'core-entry.ts', loader: 'ts' },
    outfile: bundles.core,
    metafile: true,
    plugins: [chunkImportsPlugin, onDemandPlugin, lazyChildProcessPlugin, sqliteAddonPlugin],
  });
  // The chunk's entry: every module the core imports from it, each run when first asked for
  // (esbuild compiles a `require` of a module into a call of that module's own initialiser), so
  // that a command runs only the modules it uses — e.g. `resolve --deps-db` not the index client.
  const chunkModules = Object.keys(core.metafile.inputs).filter((input) => input.startsWith('chunk-import:')).map((input) => input.slice('chunk-import:'.length)).sort();
  const chunkEntry = `module.exports = {\n${chunkModules.map((file) => `  ${JSON.stringify(sourceKey(file))}: () => require(${JSON.stringify(file)}),`).join('\n')}\n};`;
  const chunk = await build({
    ...common,
    stdin: { contents: chunkEntry, resolveDir: root, sourcefile: 'commands-entry.cjs', loader: 'js' },
    outfile: bundles.commands,
    metafile: true,
    plugins: [coreImportsPlugin, onDemandPlugin, lazyChildProcessPlugin, sqliteAddonPlugin],
  });
  // Every core module the chunk imports must be one the core exports.
  const imported = Object.keys(chunk.metafile.inputs).filter((input) => input.startsWith('core-import:')).map((input) => sourceKey(input.slice('core-import:'.length)));
  const missing = imported.filter((key) => !CORE_MODULES.includes(key));
  if (missing.length > 0) throw new Error(`the commands chunk imports core modules the core does not export: ${missing.join(', ')}; add them to CORE_MODULES`);
  // A library in both bundles would be two copies in one process: two sets of its state, two of each of its classes.
  const libraries = (inputs: Record<string, unknown>) => new Set(Object.keys(inputs).flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []));
  const coreLibraries = libraries(core.metafile.inputs);
  const shared = [...libraries(chunk.metafile.inputs)].filter((library) => coreLibraries.has(library));
  if (shared.length > 0) throw new Error(`both bundles include ${shared.join(', ')}: import it from one side only, or move its importers`);
  await build({
    entryPoints: [join(root, 'src/cli/launcher.cts')],
    outfile: launcher,
    bundle: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    banner: { js: `#!/usr/bin/env -S node ${nodeOptions.join(' ')}` },
    logLevel: 'warning',
  });
  chmodSync(launcher, 0o755);
}

/** A tiny pypi-deps-db and nix-pypi-fetcher-2 tree: wheels, an sdist, an extra, a marker, a choice of versions. */
function trainingTree(dir: string): { deps: string; files: string } {
  const bucket = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 2);
  const write = (file: string, json: unknown) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(json));
  };
  const hash = (text: string) => createHash('sha256').update(text).digest('base64');
  const wheels: Record<string, Record<string, Record<string, Record<string, unknown>>>> = {
    app: { py3: { '1.0': { 'app-1.0-py3-none-any.whl': { requires_dist: ['lib>=1.0; python_version >= "3.8"', 'helper (>=0.2) ; extra == "fast"'], requires_python: '>=3.8', provides_extras: ['fast'] } } } },
    lib: {
      py3: { '1.0': { 'lib-1.0-py3-none-any.whl': {} } },
      cp311: { '2.0': { 'lib-2.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl': { requires_dist: ['helper<1'] } } },
    },
    helper: { py3: { '0.1': { 'helper-0.1-py3-none-any.whl': {} }, '0.3': { 'helper-0.3-py3-none-any.whl': {} } } },
  };
  const sdists = { tool: { '3.1': { '310': { install_requires: ['lib'], extras_require: { ':sys_platform == "win32"': ['colorama'] } } } } };
  for (const [name, tags] of Object.entries(wheels)) write(join(dir, 'deps/wheel', `${bucket(name)}.json`), { [name]: tags });
  for (const [name, versions] of Object.entries(sdists)) write(join(dir, 'deps/sdist', `${bucket(name)}.json`), { [name]: versions });
  for (const [name, tags] of Object.entries(wheels)) {
    const releases: Record<string, { wheels: Record<string, [string, string]> }> = {};
    for (const [tag, versions] of Object.entries(tags)) {
      for (const [version, files] of Object.entries(versions)) {
        for (const file of Object.keys(files)) ((releases[version] ??= { wheels: {} }).wheels[file] = [hash(file), tag]);
      }
    }
    write(join(dir, 'files/pypi', `${bucket(name)}.json`), { [name]: releases });
  }
  write(join(dir, 'files/pypi', `${bucket('tool')}.json`), { tool: { '3.1': { sdist: [hash('tool'), 'tool-3.1.tar.gz'] } } });
  return { deps: join(dir, 'deps'), files: join(dir, 'files') };
}

/** Runs the built command the way users do; throws with its stderr when it fails. */
function runBuilt(args: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, [...nodeOptions, launcher, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

function trainCodeCache(): void {
  const dir = mkdtempSync(join(tmpdir(), 'mach-nix-build-'));
  try {
    const tree = trainingTree(dir);
    const index = join(dir, 'index.sqlite');
    runBuilt(['db', 'build', '--deps', tree.deps, '--files', tree.files, '--out', index]);
    const output = runBuilt(
      ['resolve', 'app[fast]', 'tool', '--python', '3.11', '--platform', 'x86_64-linux', '--glibc', '2.17', '--deps-db', index,
        '--providers', '{"_default": "wheel,sdist"}', '--provider-defaults', '{}', '--json'],
      { MACH_NIX_WRITE_CODE_CACHE: '1' },
    );
    const packages = (JSON.parse(output) as { packages: Record<string, { version: string }> }).packages;
    const versions = Object.entries(packages).map(([name, p]) => `${name} ${p.version}`).sort().join(', ');
    if (versions !== 'app 1.0, helper 0.3, lib 2.0, tool 3.1') throw new Error(`the bundle resolved the training tree to ${versions}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

rmSync(dist, { recursive: true, force: true });
await bundleCli();
trainCodeCache();
