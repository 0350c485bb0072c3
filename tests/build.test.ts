/**
 * The built command (scripts/build.ts, run by `npm run build` before the tests): the launcher in
 * package.json's `bin` runs the bundle with a code cache that this node accepts, and start-up
 * loads none of the libraries only some commands need and declares no subcommand's options.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { addDeferredOptions } from '../src/cli/deferred-options.js';
import { buildProgram } from '../src/cli/program.js';
import { conformanceDir, repoDir } from './helpers/paths.js';
import { makeTestCa } from './helpers/test-ca.js';
import { MIRROR } from './index/servers/fixture-index.js';
import { Nginx } from './index/servers/nginx.js';

const manifest = JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
/** package.json's `bin`: the sh launcher, which starts node on `bin`. */
const shellLauncher = join(repoDir, manifest.bin['mach-nix']!);
/** The bundle's launcher. */
const bin = join(repoDir, 'dist/mach-nix.cjs');
/** The V8 options every start of the command passes (its first line, the Nix wrapper). */
const nodeOptions = JSON.parse(readFileSync(join(repoDir, 'src/cli/node-options.json'), 'utf8')) as string[];

/**
 * A preload script that prints, when the process ends, the CommonJS files and built-in modules it
 * loaded, and the files it read with fs.readFileSync (how the launcher and the bundle read theirs).
 */
const loadedModulesHook = join(mkdtempSync(join(tmpdir(), 'mach-nix-build-test-')), 'loaded-modules.cjs');
writeFileSync(
  loadedModulesHook,
  `const fs = require('node:fs');
  const readFileSync = fs.readFileSync;
  const read = [];
  fs.readFileSync = function (file, ...rest) {
    if (typeof file === 'string') read.push(file);
    return readFileSync.call(this, file, ...rest);
  };
  // fs.writeSync: process.stderr would load Node's streams before the list is taken.
  process.on('exit', () => fs.writeSync(2, JSON.stringify({
    files: Object.keys(require.cache),
    builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)),
    read,
  })));\n`,
);

interface Loaded {
  files: string[];
  builtins: string[];
  read: string[];
}

/** What a node process with these arguments loaded; it must succeed. */
function loadedModules(nodeArgs: string[]): Loaded {
  const run = spawnSync(process.execPath, ['--require', loadedModulesHook, ...nodeArgs], { cwd: repoDir, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stderr) as Loaded;
}

const libraryLoaded = (loaded: Loaded, library: string) => loaded.files.some((file) => file.includes(`/node_modules/${library}/`));

/** The files of dist/ (and any package.json) a process read. */
const inDist = (loaded: Loaded) => loaded.read.filter((file) => file.startsWith(join(repoDir, 'dist/')) || file.endsWith('package.json'));
const dist = (...files: string[]) => files.map((file) => join(repoDir, 'dist', file));

/** What the built command loaded for `args`, with MACH_NIX_DEBUG set; it must succeed and say nothing on stderr (e.g. that a cache does not fit). */
function debug(args: string[], env: NodeJS.ProcessEnv = {}): Loaded {
  const run = spawnSync(process.execPath, ['--require', loadedModulesHook, ...nodeOptions, bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env, MACH_NIX_DEBUG: '1' } });
  assert.equal(run.status, 0, run.stderr);
  // Only the hook's line: MACH_NIX_DEBUG would say here that a cache does not fit.
  assert.equal(run.stderr.split('\n').length, 1, run.stderr);
  return JSON.parse(run.stderr) as Loaded;
}

describe('the built command', () => {
  it('runs with the code cache the build made for this node', () => {
    const run = spawnSync(process.execPath, [...nodeOptions, bin, '--version'], { encoding: 'utf8', env: { ...process.env, MACH_NIX_DEBUG: '1' } });
    assert.equal(run.stdout, `${manifest.version}\n`);
    assert.equal(run.stderr, '');
  });

  it('runs the bundle with the code cache trained for the command an argument names, the start bundle when none does, and each cache fits', () => {
    const codeCaches = JSON.parse(readFileSync(join(repoDir, 'src/cli/code-caches.json'), 'utf8')) as Record<string, string>;
    const program = buildProgram({ stdout() {}, stderr() {} });
    const commands = program.commands.map((command) => command.name());
    assert.deepEqual(Object.keys(codeCaches).sort(), [...commands, 'help'].sort());
    // The launcher's rule (src/cli/launcher.cts): a command runs only when an argument is its name,
    // which holds while no option of the root takes a value (`mach-nix --opt resolve`), and no command has an alias.
    assert.ok(program.options.every((option) => !option.required && !option.optional), 'a root option takes a value');
    assert.ok(program.commands.every((command) => command.aliases().length === 0), 'a command has an alias');
    const read = (args: string[]) => {
      const run = spawnSync(process.execPath, ['--require', loadedModulesHook, ...nodeOptions, bin, ...args], { encoding: 'utf8', env: { ...process.env, MACH_NIX_DEBUG: '1' } });
      // The hook's line is the last; MACH_NIX_DEBUG would say before it that the cache does not fit.
      assert.doesNotMatch(run.stderr, /code cache/, run.stderr);
      return inDist(JSON.parse(run.stderr.split('\n').at(-1)!) as Loaded);
    };
    for (const command of commands) {
      assert.deepEqual(read([command, '--help']), dist('mach-nix.cjs', `mach-nix-bundle.${codeCaches[command]}.v8-cache`, 'mach-nix-bundle.cjs'), command);
    }
    for (const args of [['help', 'resolve'], ['--help', 'resolve'], ['-x', 'help']]) {
      assert.deepEqual(read(args), dist('mach-nix.cjs', `mach-nix-bundle.${codeCaches[args.find((word) => word in codeCaches)!]}.v8-cache`, 'mach-nix-bundle.cjs'), args.join(' '));
    }
    for (const args of [['--version'], ['--help'], [], ['resolv', 'six'], ['constructor'], ['../../etc/passwd']]) {
      assert.deepEqual(read(args), dist('mach-nix.cjs', 'mach-nix-start.v8-cache', 'mach-nix-start.cjs'), args.join(' '));
    }
  });

  it('answers every command line that names no command from the start bundle as from the whole bundle', () => {
    // Each bundle run as the launcher runs it, without a code cache.
    const harness = join(mkdtempSync(join(tmpdir(), 'mach-nix-build-test-')), 'run-bundle.cjs');
    writeFileSync(harness, `const fs = require('node:fs');
      const path = require('node:path');
      const vm = require('node:vm');
      const file = process.argv.splice(2, 1)[0];
      const folder = path.dirname(file);
      const launcherRequire = require('node:module').createRequire(path.join(folder, 'mach-nix.cjs'));
      const bundleModule = { exports: {} };
      new vm.Script(fs.readFileSync(file, 'utf8'), { filename: file }).runInThisContext().call(bundleModule.exports, bundleModule.exports, launcherRequire, bundleModule, file, folder);\n`);
    const answer = (bundle: string, args: string[]) => {
      const run = spawnSync(process.execPath, [...nodeOptions, harness, join(repoDir, 'dist', bundle), ...args], { encoding: 'utf8' });
      return { status: run.status, stdout: run.stdout, stderr: run.stderr };
    };
    const lines = [[], ['--version'], ['-V'], ['--help'], ['-h'], ['-V', '-h'], ['resolv'], ['RESOLVE', 'six'], ['--bogus'], ['-x', 'y'], ['--', 'x'], ['--version=1'], ['\u00e9\u2028'], ['--help', '--version']];
    for (const args of lines) {
      const whole = answer('mach-nix-bundle.cjs', args);
      assert.deepEqual(answer('mach-nix-start.cjs', args), whole, args.join(' '));
      assert.ok(whole.status === 0 || whole.status === 1 || whole.status === 2, `${args.join(' ')}: exit ${whole.status}\n${whole.stderr}`);
    }
    assert.match(answer('mach-nix-start.cjs', ['--help']).stdout, /resolve \[options\] \[requirement\.\.\.\]/);
  });

  it('is run from a checkout by bin/mach-nix while no source is newer, and the sources through tsx when one is', () => {
    // A checkout whose bundle and sources say which of them ran.
    const checkout = mkdtempSync(join(tmpdir(), 'mach-nix-build-test-'));
    for (const folder of ['bin', 'dist', 'src/cli', 'src/sub']) mkdirSync(join(checkout, folder), { recursive: true });
    cpSync(join(repoDir, 'bin/mach-nix'), join(checkout, 'bin/mach-nix'));
    cpSync(join(repoDir, 'src/cli/extra-ca-certs.sh'), join(checkout, 'src/cli/extra-ca-certs.sh'));
    symlinkSync(join(repoDir, 'node_modules'), join(checkout, 'node_modules'));
    writeFileSync(join(checkout, 'dist/mach-nix'), '#!/bin/sh\necho "bundle $*"\n', { mode: 0o755 });
    writeFileSync(join(checkout, 'src/cli/main.ts'), "console.log(`sources ${process.argv.slice(2).join(' ')}`);\n");
    writeFileSync(join(checkout, 'src/sub/module.ts'), 'export {};\n');
    writeFileSync(join(checkout, 'src/gone.ts'), 'export {};\n');
    writeFileSync(join(checkout, 'package.json'), '{}\n');
    const sources = ['package.json', 'src', 'src/cli', 'src/sub', 'src/cli/main.ts', 'src/cli/extra-ca-certs.sh', 'src/sub/module.ts', 'src/gone.ts'];
    const now = Date.now() / 1000;
    const age = (seconds: number) => now - seconds;
    const built = () => {
      for (const source of sources) utimesSync(join(checkout, source), age(100), age(100));
      writeFileSync(join(checkout, 'dist/mach-nix-bundle.cjs'), '');
      utimesSync(join(checkout, 'dist/mach-nix-bundle.cjs'), age(50), age(50));
    };
    const ran = (command = join(checkout, 'bin/mach-nix'), cwd = checkout) => spawnSync(command, ['--version'], { cwd, encoding: 'utf8' }).stdout;
    built();
    assert.equal(ran(), 'bundle --version\n');
    assert.equal(ran('bin/mach-nix'), 'bundle --version\n');
    const linked = join(mkdtempSync(join(tmpdir(), 'mach-nix-build-test-')), 'mach-nix');
    symlinkSync(join(checkout, 'bin/mach-nix'), linked);
    assert.equal(ran(linked, tmpdir()), 'bundle --version\n');
    for (const source of sources.filter((source) => source !== 'src/gone.ts')) {
      built();
      utimesSync(join(checkout, source), age(10), age(10));
      assert.equal(ran(), 'sources --version\n', `${source} edited`);
      assert.equal(ran(linked, tmpdir()), 'sources --version\n', `${source} edited, through a link`);
    }
    built();
    rmSync(join(checkout, 'dist/mach-nix-bundle.cjs'));
    assert.equal(ran(), 'sources --version\n', 'no bundle');
    built();
    rmSync(join(checkout, 'src/gone.ts'));
    assert.equal(ran('bin/mach-nix'), 'sources --version\n', 'a source removed');
    // bin/mach-nix looks three levels into src/.
    const deepest = Math.max(...readdirSync(join(repoDir, 'src'), { recursive: true }).map((path) => String(path).split(sep).length));
    assert.ok(deepest <= 3, `src/ has a file or folder ${deepest} levels deep; bin/mach-nix looks at three`);
  });

  it('has the version of the package it was built from compiled in, and reads no package.json for it', () => {
    const copy = mkdtempSync(join(tmpdir(), 'mach-nix-build-test-'));
    cpSync(join(repoDir, 'dist'), join(copy, 'dist'), { recursive: true });
    const run = spawnSync(process.execPath, [...nodeOptions, join(copy, 'dist/mach-nix.cjs'), '--version'], { encoding: 'utf8' });
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, `${manifest.version}\n`);
  });

  it('knows the checkout it runs from as the folder above dist/ (gen and env pin its commit)', () => {
    // A git that records how it was asked and answers "not a repository".
    const fakeBin = mkdtempSync(join(tmpdir(), 'mach-nix-build-test-'));
    const asked = join(fakeBin, 'asked');
    writeFileSync(join(fakeBin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${asked}'\nexit 128\n`);
    chmodSync(join(fakeBin, 'git'), 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` };
    delete env.MACH_NIX_SOURCE;
    const run = spawnSync(process.execPath, [...nodeOptions, bin, 'gen', 'flask'], { cwd: fakeBin, encoding: 'utf8', env });
    assert.match(run.stderr, /cannot tell which mach-nix this is/);
    assert.deepEqual(readFileSync(asked, 'utf8').split('\n').slice(0, 2), ['-C', `${repoDir}/`]);
  });

  it('starts node with the package\'s node options from its first line', () => {
    assert.equal(readFileSync(bin, 'utf8').split('\n')[0], `#!/usr/bin/env -S node ${nodeOptions.join(' ')}`);
    const run = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, MACH_NIX_DEBUG: '1' } });
    assert.equal(run.stdout, `${manifest.version}\n`);
    assert.equal(run.stderr, '');
  });

  it('is started by package.json\'s `bin`, a sh launcher, with the package\'s node options and the code cache', () => {
    assert.equal(readFileSync(shellLauncher, 'utf8').split('\n')[0], '#!/bin/sh');
    assert.match(readFileSync(shellLauncher, 'utf8'), new RegExp(`\nexec node ${nodeOptions.join(' ')} "\\$\\{self%/\\*\\}/mach-nix\\.cjs" "\\$@"\n$`));
    const run = spawnSync(shellLauncher, ['--version'], { encoding: 'utf8', env: { ...process.env, MACH_NIX_DEBUG: '1' } });
    assert.equal(run.stdout, `${manifest.version}\n`);
    assert.equal(run.stderr, '');
  });

  it('compiles the bundle when the cache does not fit, with the same result', () => {
    // Another V8 flag makes V8 refuse the cache, as another node version would.
    const run = spawnSync(process.execPath, [...nodeOptions, '--no-lazy-feedback-allocation', bin, '--version'], {
      encoding: 'utf8',
      env: { ...process.env, MACH_NIX_DEBUG: '1' },
    });
    assert.equal(run.stdout, `${manifest.version}\n`);
    assert.match(run.stderr, /the code cache does not fit node v\d+/);
  });

  it('compiles a library from its file when its cache does not fit, with the same result', () => {
    const work = mkdtempSync(join(tmpdir(), 'mach-nix-build-test-'));
    const environmentYml = join(work, 'environment.yml');
    writeFileSync(environmentYml, 'name: x\ndependencies:\n  - numpy>=1.20\n  - pip:\n    - requests==2.31.0\n');
    const read = (extra: string[]) => spawnSync(process.execPath, [...nodeOptions, ...extra, bin, 'requirements', '-r', environmentYml, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, MACH_NIX_DEBUG: '1' },
    });
    const fitting = read([]);
    const refused = read(['--no-lazy-feedback-allocation']);
    assert.equal(fitting.stderr, '');
    assert.match(refused.stderr, /the code cache of \S+\/dist\/lib\/yaml\.cjs does not fit node v\d+/);
    assert.equal(refused.status, 0);
    assert.equal(refused.stdout, fitting.stdout);
  });

  it('starts without SQLite, crypto, child processes, Node\'s streams or any file outside the bundle', () => {
    const loaded = loadedModules([bin, '--version']);
    assert.deepEqual(loaded.files.filter((file) => file !== loadedModulesHook), [bin]);
    for (const builtin of ['crypto', 'child_process', 'readline']) assert.ok(!loaded.builtins.includes(builtin), `${builtin} loaded`);
    // Output goes to the descriptors (src/cli/process-output.ts): process.stdout, a pipe here, would load stream and net.
    for (const builtin of ['stream', 'net', 'tty']) assert.ok(!loaded.builtins.includes(builtin), `${builtin} loaded`);
  });

  it('shows help and usage errors into a pipe without Node\'s streams, and wraps help at a terminal\'s width', () => {
    // Commander would ask process.stdout and process.stderr whether they are terminals (src/cli/program.ts).
    for (const args of [['--help'], ['help', 'resolve'], ['resolve', '--help']]) {
      const loaded = loadedModules([...nodeOptions, bin, ...args]);
      for (const builtin of ['stream', 'net', 'tty']) assert.ok(!loaded.builtins.includes(builtin), `${args.join(' ')}: ${builtin} loaded`);
    }
    const usageError = spawnSync(process.execPath, ['--require', loadedModulesHook, ...nodeOptions, bin, 'resolv'], { encoding: 'utf8' });
    assert.equal(usageError.status, 2);
    assert.match(usageError.stderr, /^error: unknown command 'resolv'\n\(Did you mean resolve\?\)/);
    const builtins = (JSON.parse(usageError.stderr.trimEnd().split('\n').at(-1)!) as Loaded).builtins;
    for (const builtin of ['stream', 'net', 'tty']) assert.ok(!builtins.includes(builtin), `resolv: ${builtin} loaded`);
    // On a terminal 120 columns wide (util-linux's script gives the command one) the descriptions
    // wrap at 120; into a pipe commander takes 80, too narrow for them to wrap at all.
    const onTerminal = spawnSync('script', ['-qec', `stty cols 120; '${process.execPath}' ${nodeOptions.join(' ')} '${bin}' --help`, '/dev/null'], { encoding: 'utf8' });
    assert.equal(onTerminal.status, 0, onTerminal.stderr);
    const widest = (text: string) => Math.max(...text.split(/\r?\n/).map((line) => line.length));
    assert.ok(widest(onTerminal.stdout) <= 120, onTerminal.stdout);
    assert.ok(widest(spawnSync(process.execPath, [...nodeOptions, bin, '--help'], { encoding: 'utf8' }).stdout) > 120);
  });

  it('opens an index with better-sqlite3\'s JavaScript from the bundle and only its native addon from node_modules', () => {
    const work = mkdtempSync(join(tmpdir(), 'mach-nix-build-test-'));
    const corpus = join(conformanceDir, 'resolver', 'packse-post-post-equal-available');
    const index = join(work, 'index.sqlite');
    const built = loadedModules([...nodeOptions, bin, 'db', 'build', '--deps', join(corpus, 'deps'), '--files', join(corpus, 'files'), '--out', index]);
    const resolved = loadedModules([...nodeOptions, bin, 'resolve', 'a==1.2.3.post0', '--python', '3.12', '--platform', 'x86_64-linux', '--deps-db', index, '--json']);
    const addon = realpathSync(join(repoDir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
    for (const loaded of [built, resolved]) assert.deepEqual(loaded.files.filter((file) => file !== loadedModulesHook), [bin, addon]);
  });

  it('reads yaml, smol-toml and the package-index client\'s libraries, each with the code cache the build made for it, only when it uses them', () => {
    const separate = ['yaml', 'smol-toml', 'htmlparser2', 'tar', 'yauzl'];
    const bundled = readFileSync(join(repoDir, 'dist/mach-nix-bundle.cjs'), 'utf8');
    for (const library of separate) assert.ok(!bundled.includes(`node_modules/${library}/`), `${library} is in the bundle`);
    assert.deepEqual(inDist(loadedModules([...nodeOptions, bin, '--version'])), dist('mach-nix.cjs', 'mach-nix-start.v8-cache', 'mach-nix-start.cjs'));
    const work = mkdtempSync(join(tmpdir(), 'mach-nix-build-test-'));
    writeFileSync(join(work, 'environment.yml'), 'name: x\ndependencies:\n  - numpy>=1.20\n  - pip:\n    - requests==2.31.0\n');
    writeFileSync(join(work, 'pyproject.toml'), '[project]\nname = "x"\nversion = "1"\ndependencies = ["flask>=2"]\n');
    for (const [file, library] of [['environment.yml', 'yaml'], ['pyproject.toml', 'smol-toml']]) {
      const loaded = debug(['requirements', '-r', join(work, file!), '--json']);
      assert.deepEqual(inDist(loaded), dist('mach-nix.cjs', 'mach-nix-bundle.requirements.v8-cache', 'mach-nix-bundle.cjs', `lib/${library}.v8-cache`, `lib/${library}.cjs`));
    }

    // A resolve against the machine's local PEP 503 index: its page (HTML) and a wheel's METADATA (zip).
    const cache = mkdtempSync(join(tmpdir(), 'mach-nix-build-test-'));
    const loaded = debug(['resolve', 'six', '--index-url', 'file:///opt/pypi/simple', '--python', '3.11', '--platform', 'x86_64-linux', '--json'], { MACH_NIX_CACHE_DIR: cache });
    assert.deepEqual(loaded.files.filter((file) => file !== loadedModulesHook), [bin]);
    assert.deepEqual(inDist(loaded), dist(
      'mach-nix.cjs', 'mach-nix-bundle.resolve.v8-cache', 'mach-nix-bundle.cjs',
      'lib/htmlparser2.v8-cache', 'lib/htmlparser2.cjs', 'lib/yauzl.v8-cache', 'lib/yauzl.cjs',
    ));
  });

  it('reads undici, with the code cache the build made for it, for an index with handed-over CA certificates only', async () => {
    const bundled = readFileSync(join(repoDir, 'dist/mach-nix-bundle.cjs'), 'utf8');
    assert.ok(!bundled.includes('node_modules/undici/'), 'undici is in the bundle');
    const work = mkdtempSync(join(tmpdir(), 'mach-nix-build-test-'));
    const ca = makeTestCa(work, 'build');
    const nginx = await Nginx.start([{ prefix: '/pypi/', root: MIRROR }], ca.server);
    try {
      const requirements = join(work, 'requirements.txt');
      writeFileSync(requirements, 'six\n');
      const lock = ['lock', '-r', requirements, '--python', '3.11', '--platform', 'x86_64-linux', '--index-url', `${nginx.origin}/pypi/simple/`, '-o', join(work, 'lock.json')];
      // The hand-over variable, as every launcher sets it from NODE_EXTRA_CA_CERTS (src/cli/extra-ca-certs.sh).
      const loaded = debug(lock, { MACH_NIX_CACHE_DIR: mkdtempSync(join(work, 'cache-')), MACH_NIX_DEFERRED_EXTRA_CA_CERTS: ca.caCertificate });
      assert.deepEqual(loaded.files.filter((file) => file !== loadedModulesHook), [bin]);
      assert.deepEqual(inDist(loaded), dist(
        'mach-nix.cjs', 'mach-nix-bundle.resolve.v8-cache', 'mach-nix-bundle.cjs',
        'lib/undici.v8-cache', 'lib/undici.cjs', 'lib/htmlparser2.v8-cache', 'lib/htmlparser2.cjs', 'lib/yauzl.v8-cache', 'lib/yauzl.cjs',
      ));
      // Without certificates handed over: node's own fetch, no undici.
      const plain = debug(lock, { MACH_NIX_CACHE_DIR: mkdtempSync(join(work, 'cache-')), NODE_EXTRA_CA_CERTS: ca.caCertificate });
      assert.ok(!inDist(plain).some((file) => file.includes('undici')), 'undici read');
    } finally {
      await nginx.stop();
    }
    // A plain-HTTP index goes through the same fetch (the path the build's training run takes).
    const http = await Nginx.start([{ prefix: '/pypi/', root: MIRROR }]);
    try {
      const loaded = debug(['resolve', 'six', '--python', '3.11', '--platform', 'x86_64-linux', '--index-url', `${http.origin}/pypi/simple/`, '--json'], {
        MACH_NIX_CACHE_DIR: mkdtempSync(join(work, 'cache-')),
        MACH_NIX_DEFERRED_EXTRA_CA_CERTS: ca.caCertificate,
      });
      assert.ok(inDist(loaded).includes(join(repoDir, 'dist/lib/undici.v8-cache')), 'undici not read');
    } finally {
      await http.stop();
    }
  });

  it('loads yaml, smol-toml, cli-progress, better-sqlite3, write-file-atomic and shlex only when they are used', () => {
    // From the sources, where each library is a module of its own (the bundle leaves these out, or inlines better-sqlite3's).
    const program = `const { run } = await import('./src/cli/program.ts');
      process.exitCode = await run(['--version'], { stdout() {}, stderr() {} });`;
    const atStart = loadedModules(['--import', 'tsx', '--input-type=module', '-e', program]);
    for (const library of ['yaml', 'smol-toml', 'cli-progress', 'better-sqlite3', 'write-file-atomic', 'shlex', 'htmlparser2', 'yauzl', 'tar']) {
      assert.ok(!libraryLoaded(atStart, library), `${library} loaded`);
    }

    const pyproject = `const { parsePyproject } = await import('./src/pyproject.ts');
      parsePyproject('[project]\\nname = "x"\\n', 'pyproject.toml');`;
    assert.ok(libraryLoaded(loadedModules(['--import', 'tsx', '--input-type=module', '-e', pyproject]), 'smol-toml'));
    const options = `const { readRequirementsText } = await import('./src/inputs.ts');
      readRequirementsText('x==1.0 --hash=sha256:${'0'.repeat(64)}\\n', { name: 'requirements.txt' });`;
    assert.ok(libraryLoaded(loadedModules(['--import', 'tsx', '--input-type=module', '-e', options]), 'shlex'));
  });

  it('declares no subcommand\'s options at start-up, only those of the subcommand that runs or shows its help', () => {
    // Every start builds the whole command tree; its 107 options were a millisecond and a scavenge of each start.
    const program = buildProgram({ stdout() {}, stderr() {} });
    const subcommands = (command: Command): Command[] => command.commands.flatMap((sub) => [sub, ...subcommands(sub)]);
    const all = subcommands(program);
    assert.deepEqual(all.filter((command) => command.options.length > 0).map((command) => command.name()), []);
    for (const command of all) addDeferredOptions(command);
    const leaves = all.filter((command) => command.commands.length === 0);
    assert.deepEqual(leaves.filter((command) => command.options.length === 0).map((command) => command.name()), [], 'every command has its options deferred');
  });

  it('loads the package-index client without its HTML, zip, tar and progress libraries until it uses them', () => {
    const client = `await import('./src/index/client.ts');`;
    const loaded = loadedModules(['--import', 'tsx', '--input-type=module', '-e', client]);
    for (const library of ['htmlparser2', 'yauzl', 'tar', 'cli-progress']) assert.ok(!libraryLoaded(loaded, library), `${library} loaded`);

    const page = `const { parseSimpleHtml } = await import('./src/index/simple-html.ts');
      parseSimpleHtml('<a href="x-1.0.tar.gz">x</a>', 'https://example.org/simple/x/');`;
    assert.ok(libraryLoaded(loadedModules(['--import', 'tsx', '--input-type=module', '-e', page]), 'htmlparser2'));
  });
});
