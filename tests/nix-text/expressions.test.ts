/**
 * The files `mach-nix env` and `mach-nix gen` write mean what they should: hostile package names,
 * versions, URLs, hashes, requirements and providers — quotes, `${…}`, `''`, newlines,
 * backslashes — evaluate to exactly the strings intended (where `nix-instantiate` is on PATH).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Resolution } from '../../src/generated/resolution.js';
import { INPUTS_NIX, envNix, flakeNix, genExpression, pinsValue, pythonAttribute } from '../../src/nix/expressions.js';
import { inputsText, type PinnedInputs } from '../../src/nix/pins.js';

const hasNix = spawnSync('nix-instantiate', ['--version'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'mach-nix-expressions-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** As JSON has it (fast-check's dictionaries have no prototype). */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function evalNix(expression: string): unknown {
  const run = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '--read-write-mode', '-E', expression], {
    encoding: 'utf8',
    env: { ...process.env, NIX_CONFIG: 'substituters =\nexperimental-features = nix-command' },
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

/** Strings with everything that matters to Nix's lexer, and any other code point (NUL excepted). */
const hostile = fc.array(
  fc.oneof(fc.constantFrom('"', '\\', '$', '${', '$${', '${x}', '\n', '\r', '\t', "''", "''$", "'''", '#', '/*', '*/', '}', '{', ';', 'é', '😀'), fc.string({ unit: 'grapheme' })),
  { maxLength: 6 },
).map((parts) => parts.join('').replace(/\0/g, ''));

/** A lock whose every string a hostile data set could hold. */
const hostileLock = fc.record({
  name: hostile, version: hostile, url: hostile, hash: hostile, filename: hostile, note: hostile, extra: fc.dictionary(hostile, hostile, { maxKeys: 3 }),
}).map(({ name, version, url, hash, filename, note, extra }) => ({
  lockVersion: 1, generator: note, inputHash: null,
  target: { python: version, platform: 'x86_64-linux', glibc: null, macos: null },
  data: { depsTimestamp: 1685526402, fetcherCommit: hash },
  providers: { _default: ['wheel'], [name]: [note] },
  roots: [name],
  packages: {
    [name]: {
      name, version, provider: 'wheel', source: { type: 'wheel', filename, url, hash },
      dependencies: [name], buildDependencies: null, extras: Object.keys(extra), root: true, cycleDependencies: [], notes: Object.values(extra),
    },
  },
  localSources: [], notes: [note],
}) as unknown as Resolution);

const hostilePins = fc.record({ url: hostile, path: hostile, rev: hostile, narHash: hostile }).map(({ url, path, rev, narHash }): PinnedInputs => ({
  nixpkgs: { type: 'github', owner: url, repo: path, rev, narHash, lastModified: 1 },
  'pypi-deps-db': { type: 'path', path, narHash },
  'mach-nix': { type: 'tarball', url, narHash },
}));

describe("mach-nix gen's expression", () => {
  it('maps X.Y to the interpreter attribute', () => {
    assert.equal(pythonAttribute('3.11'), 'python311');
    assert.equal(pythonAttribute('3.9'), 'python39');
    assert.throws(() => pythonAttribute('3'));
  });

  it('evaluates to exactly the requirements, settings and lock given', { skip: !hasNix && 'nix-instantiate is not on PATH' }, () => {
    const cases = fc.sample(fc.record({
      requirements: hostile, python: hostile, from: hostile, lock: hostileLock, pins: hostilePins,
      providers: fc.dictionary(hostile, fc.oneof(hostile, fc.array(hostile, { maxLength: 2 })), { maxKeys: 3 }),
    }), { numRuns: 25, seed: 20261201 });
    for (const [i, c] of cases.entries()) {
      const file = join(dir, `gen-${i}.nix`);
      writeFileSync(file, genExpression({
        settings: { python: c.python, providers: c.providers, providerDefaults: {} },
        requirements: c.requirements, pins: c.pins, lock: c.lock, from: c.from, generator: 'mach-nix test',
      }));
      const read = evalNix(`let r = import ${file} { pkgs = null; pypiData = null; mach-nix = { mkPython = args: args; }; }; in
        { inherit (r) requirements python providers _providerDefaults; lock = builtins.fromJSON (builtins.readFile r.lockFile); }`);
      assert.deepEqual(read, plain({ requirements: c.requirements, python: c.python, providers: c.providers, _providerDefaults: {}, lock: c.lock }), `case ${i}`);
    }
  });

  it('pins what flake.lock pins, every string as it is', { skip: !hasNix && 'nix-instantiate is not on PATH' }, () => {
    const samples = fc.sample(hostilePins, { numRuns: 50, seed: 7 });
    assert.deepEqual(evalNix(`[ ${samples.map((pins) => `(${pinsValue(pins)})`).join(' ')} ]`), samples.map((pins) => ({ nixpkgs: pins.nixpkgs, 'pypi-deps-db': pins['pypi-deps-db'], 'mach-nix': pins['mach-nix'] })));
  });
});

describe("mach-nix env's files", () => {
  it('write the settings and the input references as given', { skip: !hasNix && 'nix-instantiate is not on PATH' }, () => {
    const samples = fc.sample(fc.record({ python: hostile, providers: fc.dictionary(hostile, hostile, { maxKeys: 3 }), reference: hostile, system: hostile }), { numRuns: 25, seed: 3 });
    for (const [i, s] of samples.entries()) {
      const folder = join(dir, `env-${i}`);
      writeFileSync(`${folder}-env.nix`, envNix({ python: s.python, providers: s.providers, providerDefaults: null }, 'mach-nix test'));
      writeFileSync(join(dir, 'requirements.txt'), 'flask\n');
      const settings = evalNix(`let f = import ${folder}-env.nix; in (f { mach-nix = { mkPython = a: a; mkPythonShell = a: a; }; lockFile = null; }).python`);
      assert.deepEqual(settings, plain({ requirements: 'flask\n', python: s.python, providers: s.providers, lockFile: null }), `case ${i}`);
      const flake = `${folder}-flake.nix`;
      writeFileSync(flake, flakeNix(inputsText({ 'mach-nix': s.reference, nixpkgs: s.reference, 'pypi-deps-db': s.reference }), s.system, 'mach-nix test'));
      const read = evalNix(`let f = import ${flake}; in { inherit (f) inputs; }`) as { inputs: { 'mach-nix': { url: string }; nixpkgs: { url: string }; 'pypi-deps-db': { url: string; flake: boolean } } };
      assert.deepEqual([read.inputs['mach-nix'].url, read.inputs.nixpkgs.url, read.inputs['pypi-deps-db'].url, read.inputs['pypi-deps-db'].flake], [s.reference, s.reference, s.reference, false]);
    }
    assert.match(INPUTS_NIX, /builtins\.fromJSON \(builtins\.readFile \.\/flake\.lock\)/);
  });
});

describe('gen and env with the hostile vectors of issue 12, builtins.exec enabled', () => {
  const marker = join(dir, 'ran');
  const exec = `builtins.exec [ "sh" "-c" "touch ${marker} && echo '\\"\\"'" ]`;
  const vectors = ['"', "''", "''$", '\\', '\n', '${x}', `\${${exec}}`, `"; x = ${exec}; y = "`, `'' + ${exec} + ''`, '/nix/store/00000000000000000000000000000000-x', '# c', '*/'];
  const text = vectors.join('');
  const unsafe = { ...process.env, NIX_CONFIG: 'substituters =\nexperimental-features = nix-command\nallow-unsafe-native-code-during-evaluation = true' };
  const instantiate = (...args: string[]) => spawnSync('nix-instantiate', args, { encoding: 'utf8', env: unsafe });
  const skip = !hasNix && 'nix-instantiate is not on PATH';

  it('parse, evaluate to exactly the strings written, and run nothing', { skip }, () => {
    const lock = {
      lockVersion: 1, generator: text, inputHash: text,
      packages: { [text]: { name: text, version: text, source: { type: 'wheel', filename: text, url: text, hash: text }, extras: vectors } },
    } as unknown as Resolution;
    const pins: PinnedInputs = {
      nixpkgs: { type: 'github', owner: text, repo: text, rev: text, narHash: text, lastModified: 1 },
      'pypi-deps-db': { type: 'path', path: text, narHash: text },
      'mach-nix': { type: 'tarball', url: text, narHash: text },
    };
    const providers = Object.fromEntries(vectors.map((v) => [v, v]));
    const gen = join(dir, 'hostile-gen.nix');
    writeFileSync(gen, genExpression({ settings: { python: text, providers, providerDefaults: providers }, requirements: text, pins, lock, from: text, generator: 'mach-nix test' }));
    const env = join(dir, 'hostile-env.nix');
    writeFileSync(env, envNix({ python: text, providers, providerDefaults: providers }, 'mach-nix test'));
    for (const file of [gen, env]) {
      const parsed = instantiate('--parse', file);
      assert.equal(parsed.status, 0, parsed.stderr);
    }
    const read = instantiate('--eval', '--strict', '--json', '--read-write-mode', '-E', `let
        r = import ${gen} { pkgs = null; pypiData = null; mach-nix = { mkPython = args: args; }; };
        e = (import ${env} { mach-nix = { mkPython = a: a; mkPythonShell = a: a; }; lockFile = null; }).python;
      in { inherit (r) requirements python providers _providerDefaults; lock = builtins.fromJSON (builtins.readFile r.lockFile); env = { inherit (e) python providers _providerDefaults; }; }`);
    assert.equal(read.status, 0, read.stderr);
    assert.deepEqual(JSON.parse(read.stdout), {
      requirements: text, python: text, providers, _providerDefaults: providers, lock: plain(lock),
      env: { python: text, providers, _providerDefaults: providers },
    });
    const pinned = instantiate('--eval', '--strict', '--json', '-E', pinsValue(pins));
    assert.equal(pinned.status, 0, pinned.stderr);
    assert.deepEqual(JSON.parse(pinned.stdout), plain(pins));
    assert.equal(existsSync(marker), false);
  });
});
