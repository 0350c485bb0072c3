/**
 * `npm run build` after the type check: the CLI as one bundled file and its V8 code cache, in dist/.
 *
 * - `dist/mach-nix-bundle.cjs`: src/cli/main.ts and everything it imports, yaml, smol-toml,
 *   cli-progress, commander, valibot, the generated validators and better-sqlite3's JavaScript
 *   included; only better-sqlite3's native addon is loaded from node_modules. A CommonJS script: its modules are evaluated in the
 *   order they are first needed, and a CommonJS entry starts faster than an ES module one. The
 *   file is one function expression with the parameters of Node's module wrapper.
 * - `dist/mach-nix.cjs`: the launcher of the bundle (src/cli/launcher.cts); its first line starts
 *   node with the node options, for `node dist/mach-nix.cjs` and for running it directly.
 * - `dist/mach-nix`: package.json's `bin`, a POSIX sh script (`shLauncher`) that hands
 *   NODE_EXTRA_CA_CERTS over to the index client (src/cli/extra-ca-certs.sh) and starts node with
 *   the node options on `mach-nix.cjs` beside it.
 * - `dist/mach-nix-bundle.v8-cache`: the bytecode of every function a resolve compiles, written by
 *   a training run: the bundle builds the index of a tiny generated tree and resolves against it
 *   (which also checks that the bundle works). The cache fits only the node that ran the build,
 *   started with the same V8 options; in the Nix package that is the node the command runs with.
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
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Plugin, build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const bundle = join(dist, 'mach-nix-bundle.cjs');
const launcher = join(dist, 'mach-nix.cjs');
const shellLauncher = join(dist, 'mach-nix');
const codeCache = join(dist, 'mach-nix-bundle.v8-cache');
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

async function bundleCli(): Promise<void> {
  await build({
    entryPoints: [join(root, 'src/cli/main.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Only looked up at run time: by the sqlite-addon plugin's module; undici only by an HTTPS
    // request that has extra CA certificates to trust (src/index/extra-ca-certs.ts), so that it is
    // not in the bundle every start reads.
    external: ['better-sqlite3/package.json', 'undici'],
    plugins: [onDemandPlugin, lazyChildProcessPlugin, sqliteAddonPlugin],
    // src/version.ts finds package.json from its own URL: in the bundle, the bundle's.
    define: { 'import.meta.url': '__bundleUrl' },
    // The bundle is the function the launcher calls, as Node's module wrapper would make it: the
    // launcher compiles the file's text as read. Wrapping it there with node:module's `wrap` (a
    // concatenated copy of the 1 MB text for V8 to flatten) cost 1–3 ms of every start
    // (bench/resolver/RESULTS.md).
    banner: { js: '(function (exports, require, module, __filename, __dirname) {\nvar __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    footer: { js: '})' },
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
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
      { MACH_NIX_WRITE_CODE_CACHE: codeCache },
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
