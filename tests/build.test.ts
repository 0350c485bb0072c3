/**
 * The built command (scripts/build.ts, run by `npm run build` before the tests): the launcher in
 * package.json's `bin` runs the bundle with a code cache that this node accepts, and start-up
 * loads none of the libraries only some commands need and declares no subcommand's options.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { addDeferredOptions } from '../src/cli/deferred-options.js';
import { buildProgram } from '../src/cli/program.js';
import { conformanceDir, repoDir } from './helpers/paths.js';

const manifest = JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
/** package.json's `bin`: the sh launcher, which starts node on `bin`. */
const shellLauncher = join(repoDir, manifest.bin['mach-nix']!);
/** The bundle's launcher. */
const bin = join(repoDir, 'dist/mach-nix.cjs');
/** The V8 options every start of the command passes (its first line, the Nix wrapper). */
const nodeOptions = JSON.parse(readFileSync(join(repoDir, 'src/cli/node-options.json'), 'utf8')) as string[];

/** A preload script that prints, when the process ends, the CommonJS files and built-in modules it loaded. */
const loadedModulesHook = join(mkdtempSync(join(tmpdir(), 'mach-nix-build-test-')), 'loaded-modules.cjs');
writeFileSync(
  loadedModulesHook,
  // fs.writeSync: process.stderr would load Node's streams before the list is taken.
  `process.on('exit', () => require('node:fs').writeSync(2, JSON.stringify({
    files: Object.keys(require.cache),
    builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)),
  })));\n`,
);

interface Loaded {
  files: string[];
  builtins: string[];
}

/** What a node process with these arguments loaded; it must succeed. */
function loadedModules(nodeArgs: string[]): Loaded {
  const run = spawnSync(process.execPath, ['--require', loadedModulesHook, ...nodeArgs], { cwd: repoDir, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stderr) as Loaded;
}

const libraryLoaded = (loaded: Loaded, library: string) => loaded.files.some((file) => file.includes(`/node_modules/${library}/`));

describe('the built command', () => {
  it('runs with the code cache the build made for this node', () => {
    const run = spawnSync(process.execPath, [...nodeOptions, bin, '--version'], { encoding: 'utf8', env: { ...process.env, MACH_NIX_DEBUG: '1' } });
    assert.equal(run.stdout, `${manifest.version}\n`);
    assert.equal(run.stderr, '');
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

  it('starts without SQLite, crypto, child processes, Node\'s streams or any file outside the bundle', () => {
    const loaded = loadedModules([bin, '--version']);
    assert.deepEqual(loaded.files.filter((file) => file !== loadedModulesHook), [bin]);
    for (const builtin of ['crypto', 'child_process', 'readline']) assert.ok(!loaded.builtins.includes(builtin), `${builtin} loaded`);
    // Output goes to the descriptors (src/cli/process-output.ts): process.stdout, a pipe here, would load stream and net.
    for (const builtin of ['stream', 'net', 'tty']) assert.ok(!loaded.builtins.includes(builtin), `${builtin} loaded`);
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

  it('loads yaml, smol-toml, cli-progress, better-sqlite3, write-file-atomic and shlex only when they are used', () => {
    // From the sources, where each library is a module of its own (the bundle inlines them).
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
