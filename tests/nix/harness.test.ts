/**
 * The harness's Nix settings, as each Nix version reads them: the tests' settings are added to a
 * user's nix.conf and NIX_CONFIG (the user's other settings stay), and host builds run as the
 * build users that .ci/setup-nix creates, the way a multi-user install builds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { nix, nixBuild, nixVersions, run, scratchDir } from './harness.js';

const dir = mkdtempSync(join(scratchDir, 'mach-nix-harness-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Setting {
  value: unknown;
}

describe('Nix test harness', { concurrency: true }, () => {
  for (const variant of nixVersions()) {
    test(`${variant}: adds to the user's nix.conf and NIX_CONFIG`, async () => {
      const conf = join(dir, `nix-${variant}.conf`);
      writeFileSync(conf, 'max-jobs = 3\nsandbox = true\n');
      const show = variant === 'host-2.8' ? ['show-config', '--json'] : ['config', 'show', '--json'];
      const { stdout } = await nix(variant, show, {
        env: { NIX_USER_CONF_FILES: conf },
        userNixConfig: 'cores = 1\nkeep-outputs = true\nexperimental-features = ca-derivations',
      });
      const config = JSON.parse(stdout) as Record<string, Setting>;
      const value = (name: string) => config[name]?.value;
      // the user's own settings, from nix.conf and NIX_CONFIG
      assert.deepEqual([value('max-jobs'), value('cores'), value('keep-outputs')], [3, 1, true]);
      // the tests' settings on top: offline, unsandboxed, the user's features plus ours
      assert.deepEqual([value('substituters'), value('sandbox')], [[], false]);
      // (Nix 2.8 prints the features as numbers, 2.26 by name, with fetch-tree implied by flakes)
      const features = value('experimental-features') as Array<string | number>;
      if (variant === 'host-2.8') assert.equal(features.length, 3, JSON.stringify(features));
      else for (const f of ['ca-derivations', 'nix-command', 'flakes']) assert.ok(features.includes(f), JSON.stringify(features));
    });
  }

  if (nixVersions().includes('host-2.8')) test('host builds run as a nixbld build user', async () => {
    const expr = `derivation { name = "mach-nix-build-user-${process.pid}"; system = "x86_64-linux"; builder = "/bin/sh";
      args = [ "-c" "/usr/bin/id -un > $out; /usr/bin/id -gn >> $out" ]; }`;
    const { out } = await nixBuild('host-2.8', { expr });
    const { stdout } = await run('host-2.8', 'cat', [out]);
    assert.match(stdout, /^nixbld\d+\nnixbld\n$/);
  });
});
