/**
 * `mach-nix gen` and `mach-nix env`, which lock through Nix, write the same bytes over 10 runs,
 * each in another working directory, time zone, locale and order of the environment variables
 * (tests/helpers/variations.ts), under Nix 2.8 and Nix 2.26. Comparing the text is enough: what
 * Nix builds of it is tested in tests/nix/cli-env-gen.test.ts. A `name @ file:///…` requirement
 * is among them: env and gen record its sha256, as `mach-nix lock` does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import { VARIATIONS, environment } from '../helpers/variations.js';
import { pypiData, writeTestData } from './data.js';
import { type NixVariant, checkoutCopy, nixEnv, nixVersions, repoDir, run, scratchDir, standInDir } from './harness.js';

const workDir = mkdtempSync(join(scratchDir, 'mach-nix-determinism-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

/** Every file under `dir`, by relative path, with its content. */
function folderText(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else found[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return found;
}

/**
 * The CLI in run `i`'s environment: on the host the whole environment, reordered; in the chroot
 * (whose environment the harness sets from nothing) the variables that differ, in the run's order.
 */
async function cli(variant: NixVariant, i: number, cwd: string, args: string[]): Promise<string> {
  const variation = VARIATIONS[i]!;
  if (variant === 'host-2.8') {
    const result = spawnSync(join(repoDir, 'bin/mach-nix'), args, { cwd, env: environment(i, { ...variation, ...nixEnv(variant) }), encoding: 'utf8' });
    assert.equal(result.status, 0, `run ${i}: ${result.stderr}`);
    return result.stdout;
  }
  const ordered = Object.fromEntries(i % 2 === 0 ? Object.entries(variation).reverse() : Object.entries(variation));
  const result = await run(variant, join(repoDir, 'bin/mach-nix'), args, { cwd, env: { ...ordered, ...nixEnv(variant) } });
  return result.stdout;
}

const settings = ['-p', '3.11', '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}'];

describe('gen and env output across runs, directories, time zones, locales and environment order', { concurrency: true }, () => {
  let pins: string[] = [];
  const localWheel = join(workDir, 'local-1.0-py3-none-any.whl');
  const localHash = `sha256-${createHash('sha256').update('a local wheel').digest('base64')}`;
  before(() => {
    writeTestData();
    writeFileSync(localWheel, 'a local wheel');
    pins = ['--mach-nix', `path:${checkoutCopy(workDir)}`, '--nixpkgs', `path:${standInDir}`, '--pypi-deps-db', `path:${pypiData}`];
  });

  for (const variant of nixVersions()) {
    test(`${variant}: gen prints, and env writes, the same bytes in 10 differing runs`, async () => {
      const gens: string[] = [];
      const envs: Record<string, string>[] = [];
      for (let i = 0; i < VARIATIONS.length; i++) {
        const cwd = join(workDir, `${variant}-run-${i}`);
        mkdirSync(cwd, { recursive: true });
        writeFileSync(join(cwd, 'requirements.txt'), `flask\nrequests\nlocal @ file://${localWheel}\n`);
        gens.push(await cli(variant, i, cwd, ['gen', '-r', 'requirements.txt', ...settings, ...pins]));
        await cli(variant, i, cwd, ['env', 'env', '-r', 'requirements.txt', ...settings, ...pins]);
        envs.push(folderText(join(cwd, 'env')));
      }
      assert.match(gens[0]!, /mkPython/);
      assert.ok(envs[0]!['mach-nix.lock.json'] && envs[0]!['flake.lock'], Object.keys(envs[0]!).join(', '));
      // the resolver in Nix cannot read a local file: env and gen record its sha256 as lock does
      const local = (JSON.parse(envs[0]!['mach-nix.lock.json']) as Resolution).packages.local!.source;
      assert.deepEqual(local, { type: 'url', url: `file://${localWheel}`, hash: localHash });
      assert.ok(gens[0]!.includes(localHash), 'gen\'s inline lock pins the local file');
      for (let i = 1; i < VARIATIONS.length; i++) {
        assert.equal(gens[i], gens[0], `gen: run ${i} differs from run 0`);
        assert.deepEqual(envs[i], envs[0], `env: run ${i} differs from run 0`);
      }
    });
  }
});
