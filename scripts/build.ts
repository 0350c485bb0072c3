/**
 * `npm run build` after the type check: the CLI as one bundled file and its V8 code cache, in dist/.
 *
 * - `dist/mach-nix-bundle.cjs`: src/cli/main.ts and everything it imports, commander, valibot,
 *   the generated validators and better-sqlite3's JavaScript included; only better-sqlite3's
 *   native addon is loaded from node_modules. A CommonJS script: its modules are evaluated in the
 *   order they are first needed, and a CommonJS entry starts faster than an ES module one. The
 *   file is one function expression with the parameters of Node's module wrapper.
 * - `dist/mach-nix-start.cjs`: the same entry and command tree without the modules only the
 *   commands' actions use (`startPlugin`), for what names no command: `--version`, `--help`, no
 *   arguments, a mistyped command. 118 KB instead of 573: such a start reads, deserialises and
 *   runs a fifth of the code (bench/resolver/RESULTS.md).
 * - `dist/lib/<library>.cjs` and `.v8-cache`: the larger libraries a resolve of an index does not
 *   use (yaml, smol-toml; the package-index client's htmlparser2, tar and yauzl; undici's `Agent`
 *   and `fetch`), each bundled with its own dependencies, run by the bundle with its code cache
 *   when first used.
 * - `dist/mach-nix.cjs`: the launcher of the bundle (src/cli/launcher.cts); its first line starts
 *   node with the node options, for `node dist/mach-nix.cjs` and for running it directly.
 * - `dist/mach-nix`: package.json's `bin`, a POSIX sh script (`shLauncher`) that hands
 *   NODE_EXTRA_CA_CERTS over to the index client (src/cli/extra-ca-certs.sh) and starts node with
 *   the node options on `mach-nix.cjs` beside it.
 * - `dist/mach-nix-bundle.<cache>.v8-cache` and `dist/mach-nix-start.v8-cache`: the bytecode of
 *   every function a command compiles, written by training runs (`codeCaches`), which also check
 *   that the bundles work: the start bundle prints its version, and the bundle builds the index
 *   of a tiny generated tree (`db`), resolves against it (`resolve`, also read by the commands
 *   that resolve through Nix or read a lock), reads an environment.yml and a pyproject.toml
 *   (`requirements`) and shows a command's help (`help`). A cache fits only the node that ran the
 *   build, started with the same V8 options; in the Nix package that is the node the command runs
 *   with.
 *
 * The node options (`src/cli/node-options.json`) are what every start of the command passes: the
 * sh launcher, the cjs launcher's `#!/usr/bin/env -S node …` line, the Nix package's wrapper
 * (nix/cli.nix), the training run. `--max-semi-space-size=1` keeps V8's young generation at 1 MiB per half instead of letting
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
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { type BuildOptions, type Plugin, build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const bundle = join(dist, 'mach-nix-bundle.cjs');
const startBundle = join(dist, 'mach-nix-start.cjs');
const launcher = join(dist, 'mach-nix.cjs');
const shellLauncher = join(dist, 'mach-nix');

/**
 * The bundle's code cache the launcher reads (src/cli/launcher.cts) for each command (and `help`),
 * by its name. V8 deserialises all of a cache before the bundle runs, so each command reads the
 * one its training run wrote: with a resolve's cache (491 KB) `--version` was ~1 ms slower than
 * with one of its own (241 KB; bench/resolver/RESULTS.md). The commands that resolve through Nix
 * or read a lock read the resolve's, the most complete.
 */
const codeCaches = JSON.parse(readFileSync(join(root, 'src/cli/code-caches.json'), 'utf8')) as Record<string, string>;
/** The file a training run writes the bundle's cache it names to. */
const codeCache = (cache: string) => join(dist, `mach-nix-bundle.${cache}.v8-cache`);
const startCodeCache = join(dist, 'mach-nix-start.v8-cache');
const nodeOptions = JSON.parse(readFileSync(join(root, 'src/cli/node-options.json'), 'utf8')) as string[];
const { version: packageVersion } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/**
 * src/on-demand.ts loads libraries with `createRequire`, which a bundler cannot follow: compiled
 * with the bundle's own `require` instead, better-sqlite3 is bundled, still evaluated only on first
 * use, and the separate libraries (below) are found in dist/lib/.
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
 * The libraries src/on-demand.ts loads that a resolve of an index does not need, the larger ones
 * each built into a file of its own (`dist/lib/<library>.cjs`) instead of the bundle: yaml
 * (environment.yml) and smol-toml (pyproject.toml), and the package-index client's htmlparser2
 * (HTML pages), yauzl (wheels) and tar (sdists). They were 410 KB of the bundle's 980 KB, which
 * every start read (as UTF-8) and handed to V8 (bench/resolver/RESULTS.md). A command that uses
 * one reads that file then, with its code cache (compiled from source instead, yaml made reading
 * an environment.yml ~2 ms of CPU slower than from the bundle). The others stay: shlex and
 * write-file-atomic are small, cli-progress draws on a terminal only, where no training run can
 * train it, and every resolve opens an index with better-sqlite3. undici (its `Agent` and `fetch`,
 * the modules src/on-demand.ts requires), which only requests with extra CA certificates use:
 * compiled from node_modules, it made such a lock ~40 ms slower than before the certificates were
 * deferred (bench/resolver/RESULTS.md).
 *
 * Each maps the file's name to the modules src/on-demand.ts requires from it.
 */
const separateLibraries: Record<string, string[]> = {
  yaml: ['yaml'],
  'smol-toml': ['smol-toml'],
  htmlparser2: ['htmlparser2'],
  tar: ['tar'],
  yauzl: ['yauzl'],
  undici: ['undici/lib/dispatcher/agent.js', 'undici/lib/web/fetch/index.js'],
};
const libraryOf = new Map(Object.entries(separateLibraries).flatMap(([library, modules]) => modules.map((module) => [module, library] as const)));
const libraryFile = (library: string) => join(dist, 'lib', `${library}.cjs`);
const libraryCodeCache = (library: string) => join(dist, 'lib', `${library}.v8-cache`);

/**
 * In src/on-demand.ts, `require('<module>')` becomes the exports of that module in
 * `dist/lib/<library>.cjs`, which the bundle runs once.
 */
const separateLibrariesPlugin: Plugin = {
  name: 'separate-libraries',
  setup(builder) {
    builder.onResolve({ filter: new RegExp(`^(?:${[...libraryOf.keys()].map((module) => module.replace(/[.\/]/g, '\\$&')).join('|')})$`) }, (args) => {
      if (!/[/\\]src[/\\]on-demand\.ts$/.test(args.importer)) {
        throw new Error(`${args.importer} imports ${args.path}, which is loaded through src/on-demand.ts only; import it there`);
      }
      return { path: args.path, namespace: 'separate-library' };
    });
    builder.onLoad({ filter: /.*/, namespace: 'separate-library' }, (args) => ({
      contents: `module.exports = require('separate-library-loader')(${JSON.stringify(libraryOf.get(args.path))})[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
    builder.onResolve({ filter: /^separate-library-loader$/ }, () => ({ path: 'loader', namespace: 'separate-library-loader' }));
    builder.onLoad({ filter: /.*/, namespace: 'separate-library-loader' }, () => ({ contents: libraryLoader, loader: 'js' }));
  },
};

/**
 * Runs `dist/lib/<library>.cjs` (a module function, like the bundle) with its code cache
 * (`<library>.v8-cache` beside it), the way the launcher runs the bundle: compiled from source
 * without one, the three took ~2 ms more CPU of a resolve against an index than in the bundle. The
 * build's training run sets MACH_NIX_WRITE_LIBRARY_CODE_CACHES to have the caches written at exit.
 * A library's exports are those of its modules, by name; a library of two modules is run once.
 */
const libraryLoader = `const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const loaded = new Map();
module.exports = (library) => {
  if (loaded.has(library)) return loaded.get(library);
  const file = path.join(__dirname, 'lib', library + '.cjs');
  const cacheFile = path.join(__dirname, 'lib', library + '.v8-cache');
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No cache (the training run did not use the library): compiled from source.
  }
  const script = new vm.Script(fs.readFileSync(file, 'utf8'), { filename: file, cachedData });
  if (process.env.MACH_NIX_DEBUG && cachedData !== undefined && script.cachedDataRejected) {
    process.stderr.write('mach-nix: the code cache of ' + file + ' does not fit node ' + process.version + '\\n');
  }
  const writeCachesTo = process.env.MACH_NIX_WRITE_LIBRARY_CODE_CACHES;
  if (writeCachesTo) process.on('exit', () => fs.writeFileSync(path.join(writeCachesTo, library + '.v8-cache'), script.createCachedData()));
  const libraryModule = { exports: {} };
  script.runInThisContext().call(libraryModule.exports, libraryModule.exports, require, libraryModule, file, path.dirname(file));
  loaded.set(library, libraryModule.exports);
  return libraryModule.exports;
};`;

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

/**
 * The modules besides src/cli/ that declaring the command tree uses: the start bundle holds these
 * and src/cli/, and every other module of src/ it imports is left out (an empty module).
 */
const startModules = ['src/errors.ts', 'src/version.ts', 'src/target.ts', 'src/suggest.ts', 'src/index/page-max-age.ts', 'src/index/extra-ca-certs.ts'];

/**
 * The start bundle is what the launcher runs when no argument names a command: then commander
 * dispatches to no subcommand and runs no action, only the root's options, the help (every
 * command's arguments, options and their defaults) and its usage errors. So the modules the
 * actions use (the resolver, providers, index client, SQLite, lock, Nix and db code) are left
 * out; using one there would fail as an internal error. tests/build.test.ts runs both bundles on
 * such arguments and compares their output.
 */
const startPlugin: Plugin = {
  name: 'start',
  setup(builder) {
    const kept = (file: string) => {
      const path = relative(root, file).split(sep).join('/');
      return !path.startsWith('src/') || path.startsWith('src/cli/') || startModules.includes(path);
    };
    builder.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.namespace !== 'file' || args.pluginData === 'start') return undefined;
      const resolved = await builder.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'start' });
      if (resolved.errors.length > 0 || kept(resolved.path)) return resolved;
      return { path: resolved.path, namespace: 'left-out' };
    });
    builder.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/** The packages of node_modules whose files an esbuild output holds. */
function packagesIn(inputs: Record<string, unknown>): Set<string> {
  const packages = new Set<string>();
  for (const input of Object.keys(inputs)) {
    const match = /(?:^|[/\\])node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(input);
    if (match !== null) packages.add(match[1]!);
  }
  return packages;
}

/**
 * Each separate library as one CommonJS file whose exports are, by module name, what
 * `require('<module>')` gives for each of its modules (the same file of the package as when it
 * was bundled). A package may be in one of these files or the bundle, never in two: two copies
 * would be two instances of its module.
 */
async function bundleLibraries(bundlePackages: Set<string>): Promise<void> {
  const owner = new Map<string, string>([...bundlePackages].map((name) => [name, 'the bundle']));
  for (const [library, modules] of Object.entries(separateLibraries)) {
    const exports = modules.map((module) => `${JSON.stringify(module)}: require(${JSON.stringify(module)})`).join(', ');
    const result = await build({
      stdin: { contents: `module.exports = { ${exports} };`, resolveDir: root, sourcefile: `${library}.cjs`, loader: 'js' },
      outfile: libraryFile(library),
      bundle: true,
      platform: 'node',
      target: 'node20',
      supported: { 'regexp-unicode-property-escapes': true },
      format: 'cjs',
      metafile: true,
      minifySyntax: true,
      minifyWhitespace: true,
      legalComments: 'eof',
      banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
      footer: { js: '})' },
      logLevel: 'warning',
    });
    for (const name of packagesIn(Object.values(result.metafile.outputs)[0]!.inputs)) {
      const other = owner.get(name);
      if (other !== undefined) throw new Error(`${name} would be in both ${other} and dist/lib/${library}.cjs`);
      owner.set(name, `dist/lib/${library}.cjs`);
    }
  }
}

async function bundleCli(): Promise<void> {
  const cli = {
    entryPoints: [join(root, 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    // Node has had `\p{…}` in regular expressions since 10, but esbuild's tables give it none for
    // node and rewrite such a literal to `new RegExp(…)`, which it cannot drop when unused: valibot's
    // emoji pattern (no schema here uses it) was then built at every start — V8 builds a Unicode
    // property class from ICU's tables when the expression is created.
    supported: { 'regexp-unicode-property-escapes': true },
    format: 'cjs',
    // Only looked up at run time, by the sqlite-addon plugin's module.
    external: ['better-sqlite3/package.json'],
    define: {
      // src/version.ts finds the package's folder from its own URL: in the bundle, the bundle's,
      // computed on first use (a URL object at every start was a fifth of a millisecond).
      'import.meta.url': '__bundle.url',
      // The version is known now: `--version` reads no package.json (src/version.ts).
      MACH_NIX_BUNDLED_VERSION: JSON.stringify(packageVersion),
    },
    // The bundle is the function the launcher calls, as Node's module wrapper would make it: the
    // launcher compiles the file's text as read. Wrapping it there with node:module's `wrap` (a
    // concatenated copy of the 1 MB text for V8 to flatten) cost 1–3 ms of every start
    // (bench/resolver/RESULTS.md).
    banner: { js: '(function (exports, require, module, __filename, __dirname) {\nvar __bundle = { get url() { return require("node:url").pathToFileURL(__filename).href; } };' },
    footer: { js: '})' },
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'eof',
    logLevel: 'warning',
  } satisfies BuildOptions;
  const plugins = [onDemandPlugin, separateLibrariesPlugin, lazyChildProcessPlugin, sqliteAddonPlugin];
  const result = await build({ ...cli, outfile: bundle, plugins, metafile: true });
  await build({ ...cli, outfile: startBundle, plugins: [startPlugin, ...plugins] });
  await bundleLibraries(packagesIn(Object.values(result.metafile.outputs)[0]!.inputs));
  await build({
    entryPoints: [join(root, 'src/cli/launcher.cts')],
    outfile: launcher,
    bundle: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    define: { MACH_NIX_CODE_CACHES: JSON.stringify(codeCaches) },
    banner: { js: `#!/usr/bin/env -S node ${nodeOptions.join(' ')}` },
    logLevel: 'warning',
  });
  chmodSync(launcher, 0o755);
  writeFileSync(shellLauncher, shLauncher(), { mode: 0o755 });
}

/**
 * The package's `bin`. A shell in front of node costs no measurable time (bench/resolver/RESULTS.md),
 * and only a process started without NODE_EXTRA_CA_CERTS skips node's certificate store at start.
 * npm links `bin` into a bin folder (a symlink): the script finds its own folder through it. The
 * node is the one on PATH, as `#!/usr/bin/env node` would find it.
 */
function shLauncher(): string {
  const handover = readFileSync(join(root, 'src/cli/extra-ca-certs.sh'), 'utf8');
  return `#!/bin/sh
# mach-nix, as the npm package installs it: the bundled CLI (mach-nix.cjs beside this file) on node.
${handover}self=$0
case $self in */*) ;; *) self=./$self ;; esac
if [ -L "$self" ]; then self=$(readlink -f "$self"); fi
exec node ${nodeOptions.join(' ')} "\${self%/*}/mach-nix.cjs" "$@"
`;
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

/** A zip archive of uncompressed (stored) members: one local header each, a central directory, its end record. */
function storedZip(members: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(members)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A tiny PEP 503 index in `dir`, for a loopback HTTP server: a project with a wheel (its METADATA
 * read from the zip: yauzl) that requires one with an sdist only (its PKG-INFO read from the
 * tar.gz: tar), each listed on an HTML page (htmlparser2).
 */
function trainingIndex(dir: string): void {
  const files = join(dir, 'files');
  mkdirSync(files, { recursive: true });
  writeFileSync(join(files, 'webapp-1.0-py3-none-any.whl'), storedZip({
    'webapp/__init__.py': '',
    'webapp-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: webapp\nVersion: 1.0\nRequires-Dist: webtool>=2\n',
  }));
  const sdistTree = join(dir, 'sdist');
  mkdirSync(join(sdistTree, 'webtool-2.0'), { recursive: true });
  writeFileSync(join(sdistTree, 'webtool-2.0/PKG-INFO'), 'Metadata-Version: 2.2\nName: webtool\nVersion: 2.0\n');
  execFileSync('tar', ['-czf', join(files, 'webtool-2.0.tar.gz'), '-C', sdistTree, 'webtool-2.0']);
  for (const [project, file] of [['webapp', 'webapp-1.0-py3-none-any.whl'], ['webtool', 'webtool-2.0.tar.gz']] as const) {
    const sha256 = createHash('sha256').update(readFileSync(join(files, file))).digest('hex');
    mkdirSync(join(dir, 'simple', project), { recursive: true });
    writeFileSync(join(dir, 'simple', project, 'index.html'), `<!DOCTYPE html>\n<html><body><a href="../../files/${file}#sha256=${sha256}">${file}</a></body></html>\n`);
  }
}

/**
 * Serves the files of `dir` over HTTP on 127.0.0.1 (a Nix build's sandbox has a loopback
 * interface), a folder's index.html for a path ending in `/`; stopped by the returned function.
 */
async function serveFolder(dir: string): Promise<{ origin: string; stop: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url!, 'http://127.0.0.1').pathname);
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': file.endsWith('.html') ? 'text/html' : 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { origin: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Runs the built command the way users do; throws with its stderr when it fails. */
async function runBuilt(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  // Not execFileSync: the training index's server answers from this process meanwhile.
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeOptions, launcher, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return stdout;
}

async function trainCodeCache(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mach-nix-build-'));
  try {
    const tree = trainingTree(dir);
    const index = join(dir, 'index.sqlite');
    const version = await runBuilt(['--version'], { MACH_NIX_WRITE_CODE_CACHE: startCodeCache });
    if (version !== `${packageVersion}\n`) throw new Error(`the start bundle says it is version ${version}`);
    const help = await runBuilt(['help', 'resolve'], { MACH_NIX_WRITE_CODE_CACHE: codeCache('help') });
    if (!help.startsWith('Usage: mach-nix resolve')) throw new Error(`the bundle's help of resolve is ${help}`);
    await runBuilt(['db', 'build', '--deps', tree.deps, '--files', tree.files, '--out', index], { MACH_NIX_WRITE_CODE_CACHE: codeCache('db') });
    const output = await runBuilt(
      ['resolve', 'app[fast]', 'tool', '--python', '3.11', '--platform', 'x86_64-linux', '--glibc', '2.17', '--deps-db', index,
        '--providers', '{"_default": "wheel,sdist"}', '--provider-defaults', '{}', '--json'],
      { MACH_NIX_WRITE_CODE_CACHE: codeCache('resolve') },
    );
    const resolved = (json: string) => Object.entries((JSON.parse(json) as { packages: Record<string, { version: string }> }).packages)
      .map(([name, p]) => `${name} ${p.version}`).sort().join(', ');
    const versions = resolved(output);
    if (versions !== 'app 1.0, helper 0.3, lib 2.0, tool 3.1') throw new Error(`the bundle resolved the training tree to ${versions}`);
    // The separate libraries' caches, from a resolve against a package index (without writing the
    // bundle's), with extra CA certificates handed over as the launchers do, so that its requests
    // go through undici's fetch (src/index/extra-ca-certs.ts). A Nix build has no openssl to make
    // a certificate for an HTTPS server with: the index is served over HTTP, and the certificate
    // handed over is one of node's roots.
    if (rootCertificates.length === 0) throw new Error('this node has no bundled root certificates to train the CA certificates\' path with');
    const extraCaCerts = join(dir, 'extra-ca-certs.pem');
    writeFileSync(extraCaCerts, rootCertificates[0]!);
    trainingIndex(join(dir, 'index'));
    const server = await serveFolder(join(dir, 'index'));
    let fromIndex: string;
    try {
      fromIndex = resolved(await runBuilt(
        ['resolve', 'webapp', '--index-url', `${server.origin}/simple/`, '--python', '3.11', '--platform', 'x86_64-linux', '--json'],
        { MACH_NIX_CACHE_DIR: join(dir, 'cache'), MACH_NIX_WRITE_LIBRARY_CODE_CACHES: join(dist, 'lib'), MACH_NIX_DEFERRED_EXTRA_CA_CERTS: extraCaCerts },
      ));
    } finally {
      await server.stop();
    }
    if (fromIndex !== 'webapp 1.0, webtool 2.0') throw new Error(`the bundle resolved the training index to ${fromIndex}`);
    const environmentYml = join(dir, 'environment.yml');
    writeFileSync(environmentYml, 'name: training\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - numpy>=1.20\n  - pip:\n    - requests[socks]==2.31.0\n');
    const pyproject = join(dir, 'pyproject.toml');
    writeFileSync(pyproject, '[project]\nname = "training"\nversion = "1.0"\ndependencies = ["flask>=2", "click; python_version >= \'3.8\'"]\n\n[project.optional-dependencies]\nfast = ["ujson"]\n\n[build-system]\nrequires = ["setuptools"]\n');
    const read = await runBuilt(['requirements', '-r', environmentYml, '-r', pyproject, '--json'], {
      MACH_NIX_WRITE_CODE_CACHE: codeCache('requirements'),
      MACH_NIX_WRITE_LIBRARY_CODE_CACHES: join(dist, 'lib'),
    });
    if (!read.includes('"requests') || !read.includes('"flask')) throw new Error(`the bundle read the training inputs as ${read}`);
    for (const library of Object.keys(separateLibraries)) {
      if (!existsSync(libraryCodeCache(library))) throw new Error(`the training run did not use ${library}`);
    }
    for (const cache of [startCodeCache, ...Object.values(codeCaches).map(codeCache)]) {
      if (!existsSync(cache)) throw new Error(`no training run wrote ${cache}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

rmSync(dist, { recursive: true, force: true });
await bundleCli();
await trainCodeCache();
