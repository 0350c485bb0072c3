/**
 * The Nix tests' settings (tests/nix/harness.ts nixEnv) add to a user's NIX_CONFIG instead of
 * replacing it. No Nix needed; tests/nix/harness.test.ts checks the same with real Nix and a nix.conf.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nixEnv } from './nix/harness.js';

const settings = (config: string): string[] => config.split('\n').map((line) => line.split('=')[0]!.trim());

describe('nixEnv', () => {
  it("keeps the user's NIX_CONFIG lines first and appends the tests' own", () => {
    const user = 'max-jobs = 3\nexperimental-features = ca-derivations\n\nkeep-outputs = true\n';
    const { NIX_CONFIG: config, NIX_REMOTE: remote } = nixEnv('host-2.8', user);
    assert.equal(remote, 'local');
    const lines = config!.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['max-jobs = 3', 'experimental-features = ca-derivations', 'keep-outputs = true']);
    // later lines win in Nix: ours come after, and features are added, not replaced
    assert.ok(lines.includes('extra-experimental-features = nix-command flakes'));
    assert.ok(!lines.slice(3).some((line) => line.startsWith('experimental-features')), config);
    assert.ok(lines.includes('substituters ='));
    assert.ok(lines.includes('sandbox = false'));
  });

  it('reads $NIX_CONFIG by default and works without one', () => {
    const saved = process.env.NIX_CONFIG;
    try {
      process.env.NIX_CONFIG = 'cores = 1';
      assert.equal(nixEnv('host-2.8').NIX_CONFIG!.split('\n')[0], 'cores = 1');
      delete process.env.NIX_CONFIG;
      assert.equal(settings(nixEnv('host-2.8').NIX_CONFIG!)[0], 'substituters');
    } finally {
      if (saved === undefined) delete process.env.NIX_CONFIG;
      else process.env.NIX_CONFIG = saved;
    }
  });

  it('builds as root only in the chroot (the host has build users)', () => {
    assert.ok(!settings(nixEnv('host-2.8', '').NIX_CONFIG!).includes('build-users-group'));
    assert.ok(nixEnv('chroot-2.26', '').NIX_CONFIG!.split('\n').includes('build-users-group ='));
  });
});
