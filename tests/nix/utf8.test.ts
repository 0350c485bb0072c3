/**
 * Text that is not UTF-8 in the Nix library, under Nix 2.8 and Nix 2.26: nix/util.nix's
 * utf8Problem finds the byte src/utf8-text.ts finds (generated and byte-mutated texts read with
 * builtins.readFile); mkPython's requirements text holding such bytes is refused by our throw —
 * with import-from-derivation and with a lockFile — in the CLI's words, where Nix 2.8 hashed the
 * raw bytes (a lock made by the CLI was stale forever) and Nix 2.26's toJSON threw its own
 * "JSON serialization error"; and a lock file holding them is refused naming the lock, where
 * fromJSON threw nlohmann's parse error. The requirements are refused before any derivation
 * attribute is evaluated, so that Nix 2.26 prints one frame before the message, not a trace.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Random, mutateBytes } from '../../bench/fuzz/random.js';
import { utf8Problem } from '../../src/utf8-text.js';
import { runCli } from '../helpers/cli.js';
import { fetcherDir, pypiData, writeTestData } from './data.js';
import { type NixVariant, nix, nixEval, nixVersions, repoDir, scratchDir, seedStore, standInDir, standInTarget } from './harness.js';

const workDir = mkdtempSync(join(scratchDir, 'mach-nix-utf8-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

const prelude = `let pkgs = import ${standInDir} { pythonVersion = "3.11"; }; m = import ${repoDir}/nix { inherit pkgs; pypiData = ${pypiData}; }; in`;
const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

const BAD: readonly (readonly [string, number[]])[] = [
  ['a lone continuation byte', [0x80]], ['a sequence cut short', [0xe2, 0x82]], ['an overlong encoding', [0xc0, 0xaf]],
  ['a surrogate code point', [0xed, 0xa0, 0x80]], ['0xff', [0xff]],
];

/** Generated texts damaged at the byte level (no NUL: a Nix string cannot hold one), one file each. */
function generatedCases(variant: NixVariant, count: number): string[] {
  const dir = join(workDir, `${variant}-generated`);
  mkdirSync(dir, { recursive: true });
  const random = new Random(20261201);
  const bases = ['flask\nrequests>=2  # é\n', 'é😀\nx\u0800\u{10ffff}\n', '[project]\nname = "x"\n', 'six'];
  return Array.from({ length: count }, (_, i) => {
    const file = join(dir, `${i}.txt`);
    writeFileSync(file, mutateBytes(random, Buffer.from(random.pick(bases), 'utf8')));
    return file;
  });
}

async function failure(variant: NixVariant, expr: string): Promise<string> {
  const result = await nix(variant, ['eval', '--impure', '--expr', expr], { allowFailure: true });
  assert.notEqual(result.status, 0, `expected ${expr} to fail`);
  return result.stderr;
}

/** The error Nix prints, from our `mach-nix:` on; and that it is the only error, not Nix's JSON one. */
function ourError(stderr: string): string {
  assert.doesNotMatch(stderr, /JSON|json\.exception|invalid UTF-8/, stderr);
  assert.equal(stderr.match(/error: mach-nix:/g)?.length, 1, stderr);
  return stderr.slice(stderr.indexOf('error: mach-nix:') + 'error: '.length).split('\n')[0]!;
}

describe('text that is not UTF-8 in the Nix library', { concurrency: true }, () => {
  before(() => writeTestData());
  for (const variant of nixVersions()) {
    describe(variant, { concurrency: 1 }, () => {
      let python = '';
      let glibc = '';
      before(async () => {
        await seedStore(variant);
        [python, glibc] = await standInTarget(variant);
      });

      test('utf8Problem finds the line and byte the CLI finds, on 300 byte-mutated texts', async () => {
        const files = generatedCases(variant, 300);
        const found = await nixEval<({ line: number; byte: number } | null)[]>(variant,
          `${prelude} map (file: m.util.utf8Problem (builtins.readFile file)) [ ${files.join(' ')} ]`);
        const expected = files.map((file) => {
          const problem = utf8Problem(readFileSync(file));
          return problem && { line: problem.line, byte: problem.byte };
        });
        assert.deepEqual(found, expected);
        assert.ok(expected.filter((problem) => problem !== null).length > 100, 'most cases are not UTF-8');
        assert.ok(expected.some((problem) => problem === null), 'some cases are');
      });

      test("mkPython's requirements text that is not UTF-8 is refused in the CLI's words, with import-from-derivation and with a lockFile", async () => {
        // a lock of the same requirements without the bad bytes: the call's text is what differs
        const goodFile = join(workDir, `${variant}-good.txt`);
        writeFileSync(goodFile, 'six\n');
        const lockFile = join(workDir, `${variant}-six.lock.json`);
        const lock = await runCli(['lock', '-r', goodFile, '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc, '--deps-db', pypiData,
          '--files-db', fetcherDir, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}', '-o', lockFile]);
        assert.equal(lock.code, 0, lock.stderr);
        for (const [kind, bad] of BAD) {
          const file = join(workDir, `${variant}-${kind.replace(/ /g, '-')}.txt`);
          writeFileSync(file, bytes('six\nidna  # caf', bad, '\n'));
          const cli = await runCli(['lock', '-r', file, '--python', python, '--platform', 'x86_64-linux', '--deps-db', pypiData, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}', '-o', join(workDir, 'never.json')]);
          assert.equal(cli.code, 1, kind);
          // the CLI's words, less the byte's value (Nix cannot print it)
          const words = cli.stderr.trim().replace(/^error: .*?:2: /, '').replace(/ \(0x[0-9a-f]{2}\)/, '');
          assert.equal(words, 'not UTF-8 text: byte 12 of the line starts no UTF-8 character; save it as UTF-8');
          const call = (extra: string) => `${prelude} (m.mkPython { requirements = builtins.readFile ${file}; providers._default = "wheel"; _providerDefaults = { }; ${extra} }).drvPath`;
          for (const extra of ['', `lockFile = ${lockFile};`]) {
            const stderr = await failure(variant, call(extra));
            assert.equal(ourError(stderr), `mach-nix: the requirements text:2: ${words}`, `${kind} ${extra}`);
            // refused before any derivation attribute is evaluated: Nix 2.26 prints the one frame
            // of the throw itself (which it prints even for a bare `throw "x"`), Nix 2.8 none
            const frames = stderr.slice(0, stderr.indexOf('error: mach-nix:')).match(/… while/g) ?? [];
            assert.deepEqual(frames, variant === 'host-2.8' ? [] : ['… while'], stderr);
            assert.match(stderr, variant === 'host-2.8' ? /^error: mach-nix:/ : /^error:\n\s+… while calling the 'throw' builtin\n/);
          }
        }
      });

      test("mkPython's other strings that are not UTF-8 (provider names, the CUDA version, an attribute name) are refused naming where they are", async () => {
        const file = join(workDir, `${variant}-provider.txt`);
        writeFileSync(file, bytes('wheel', [0xff]));
        const reason = 'not UTF-8 text: byte 6 of the line starts no UTF-8 character; save it as UTF-8';
        const cases: readonly (readonly [string, string])[] = [
          ['providers.six = builtins.readFile FILE; _providerDefaults = { };', `providers.six: ${reason}`],
          ['providers._default = "wheel"; _providerDefaults = { six = builtins.readFile FILE; };', `_providerDefaults.six: ${reason}`],
          ['providers._default = "wheel"; _providerDefaults = { }; cudaVersion = builtins.readFile FILE;', `cudaVersion: ${reason}`],
          ['providers.${builtins.readFile FILE} = "wheel"; _providerDefaults = { };', `providers: an attribute name is ${reason}`],
        ];
        for (const [settings, message] of cases) {
          const expr = `${prelude} (m.mkPython { requirements = "six"; ${settings.replaceAll('FILE', file)} }).drvPath`;
          const stderr = await failure(variant, expr);
          assert.equal(ourError(stderr), `mach-nix: ${message}`, settings);
          assert.match(stderr, variant === 'host-2.8' ? /^error: mach-nix:/ : /^error:\n\s+… while calling the 'throw' builtin\n/);
        }
      });

      test('requirements that are not a string (a path) are refused, not copied into the store and read as a requirement', async () => {
        const file = join(workDir, `${variant}-path.txt`);
        writeFileSync(file, 'six\n');
        assert.equal(ourError(await failure(variant, `${prelude} (m.mkPython { requirements = ${file}; }).drvPath`)),
          'mach-nix: requirements must be a string: the text of a requirements.txt or environment.yml, e.g. requirements = builtins.readFile ./requirements.txt');
      });

      test('a lock file that is not UTF-8 is refused naming the lock, the line and the byte', async () => {
        const file = join(workDir, `${variant}-damaged.lock.json`);
        writeFileSync(file, bytes('{\n  "lockVersion": 1,\n  "roots": ["s', [0xf0, 0x9f, 0x98], 'x"]\n}\n'));
        const expr = `${prelude} (m.resolution.fromLock { lockFile = ${file}; request = { }; }).roots`;
        assert.equal(ourError(await failure(variant, expr)), `mach-nix: ${file}:3: not UTF-8 text: byte 15 of the line starts no UTF-8 character; save it as UTF-8`);
      });
    });
  }
});
