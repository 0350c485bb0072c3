/**
 * Shell text the Nix library writes, under Nix 2.8 and Nix 2.26, with hostile strings (quotes,
 * `$(…)`, backticks, `${…}`, `''`, newlines, backslashes): a `condaChannelsExtra` channel name
 * that is not a channel is refused at evaluation naming it, a file argument reaches the resolver's
 * build script as one literal word, and the command the stale-lock error suggests, split as
 * POSIX sh splits it (shlex), gives back exactly the providers of the call. Nothing runs: each
 * hostile string would create a marker file.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { split as shlexSplit } from 'shlex';
import { pypiData, writeTestData } from './data.js';
import { type NixVariant, nix, nixEval, nixString, nixVersions, repoDir, scratchDir, standInDir } from './harness.js';

const workDir = mkdtempSync(join(scratchDir, 'mach-nix-injection-'));
after(() => rmSync(workDir, { recursive: true, force: true }));
const marker = join(workDir, 'ran');

/** Each would create the marker if a shell ran it as code. */
const HOSTILE = [
  `$(touch ${marker})`,
  `\`touch ${marker}\``,
  `'; touch ${marker}; '`,
  `"; touch ${marker}; "`,
  `\${HOME}$(touch ${marker})`,
  `'' \${x} ''$(touch ${marker})`,
  `a\nb; touch ${marker}`,
  `\\'$(touch ${marker})\\`,
  `x' "$(touch ${marker})" 'y`,
];

function library(args = ''): string {
  return `let pkgs = import ${standInDir} { pythonVersion = "3.11"; }; m = import ${repoDir}/nix { inherit pkgs; pypiData = ${pypiData}; ${args} }; in`;
}

async function failingEval(variant: NixVariant, expr: string): Promise<string> {
  const result = await nix(variant, ['eval', '--impure', '--expr', expr], { allowFailure: true });
  assert.notEqual(result.status, 0, `expected ${expr} to fail`);
  return result.stderr;
}

describe('shell text of the Nix library', { concurrency: true }, () => {
  const repodata = join(workDir, 'repodata.json');
  const staleLock = join(workDir, 'stale.lock.json');
  before(() => {
    writeTestData();
    writeFileSync(repodata, '{"packages": {}}');
    writeFileSync(staleLock, JSON.stringify({ inputHash: 'sha256:00', localSources: [], packages: {} }));
  });

  for (const variant of nixVersions()) {
    describe(variant, { concurrency: 1 }, () => {
      test('a condaChannelsExtra channel name that is not a channel name is refused, naming it', async () => {
        for (const name of HOSTILE) {
          const stderr = await failingEval(
            variant,
            `${library(`condaChannelsExtra = { ${nixString(name)} = [ ${repodata} ]; };`)} (m.resolution.derivation { request = { }; nixpkgsIndex = "{}"; }).drvPath`,
          );
          assert.match(stderr, /mach-nix: condaChannelsExtra: invalid channel name /);
          assert.ok(stderr.includes(JSON.stringify(name).replace(/\$\{/g, '\\${')) || stderr.includes(JSON.stringify(name)), stderr);
          assert.equal(existsSync(marker), false);
        }
      });

      test("a channel's files reach the resolver's build script as one literal word each", async () => {
        const files = HOSTILE.map((text) => `/tmp/${text}.json`);
        const script = await nixEval<string>(
          variant,
          `${library(`condaChannelsExtra = { main = [ ${files.map(nixString).join(' ')} ]; conda-forge = [ ${repodata} ]; };`)} (m.resolution.derivation { request = { }; nixpkgsIndex = "{}"; }).buildCommand`,
        );
        const words = shlexSplit(script.replace(/\\\n/g, ' '));
        const conda = words.flatMap((word, i) => (word === '--conda' ? [words[i + 1]] : []));
        assert.match(conda[0]!, /^conda-forge=\/nix\/store\/[a-z0-9]{32}-repodata\.json$/, 'a path is copied to the store');
        assert.deepEqual(conda.slice(1), files.map((file) => `main=${file}`));
        assert.equal(existsSync(marker), false);
      });

      test("a channel's files reach the build script of the request's reach as one literal word each", async () => {
        const files = HOSTILE.map((text) => `/tmp/${text}.json`);
        const script = await nixEval<string>(
          variant,
          `${library(`condaChannelsExtra = { main = [ ${files.map(nixString).join(' ')} ]; };`)} (m.resolution.reach { request = { }; attributeNames = "[]"; extraRoots = [ ]; }).buildCommand`,
        );
        const words = shlexSplit(script.replace(/\\\n/g, ' '));
        assert.deepEqual(words.flatMap((word, i) => (word === '--conda' ? [words[i + 1]] : [])), files.map((file) => `main=${file}`));
        assert.equal(existsSync(marker), false);
      });

      test('the stale-lock error suggests a command that gives back the providers exactly', async () => {
        const providers: Record<string, string> = { _default: 'wheel' };
        HOSTILE.forEach((text, i) => (providers[`p${i}`] = text));
        const attrs = Object.entries(providers).map(([key, value]) => `${nixString(key)} = ${nixString(value)};`).join(' ');
        const stderr = await failingEval(
          variant,
          `${library()} (m.mkPython { requirements = "flask"; providers = { ${attrs} }; _providerDefaults = { ${attrs} }; lockFile = ${staleLock}; }).drvPath`,
        );
        const line = stderr.split('\n').find((text) => text.includes('or run: mach-nix lock'));
        assert.ok(line, stderr);
        const argv = shlexSplit(line.slice(line.indexOf('or run: ') + 'or run: '.length).replace(/<[^>]*>/g, 'PLACEHOLDER'));
        const value = (option: string) => argv[argv.indexOf(option) + 1]!;
        assert.deepEqual(JSON.parse(value('--providers')), providers);
        assert.deepEqual(JSON.parse(value('--provider-defaults')), providers);
        assert.equal(value('--platform'), 'x86_64-linux');
        assert.equal(value('-o'), 'stale.lock.json');
        assert.equal(existsSync(marker), false);
      });
    });
  }
});
