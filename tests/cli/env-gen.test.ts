/** `mach-nix env` and `gen` before Nix runs: their usage, the inputs they refuse, a machine without Nix (tests/nix/cli-env-gen.test.ts runs them for real). */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

const machNix = (env: Record<string, string>, ...argv: string[]) => runCli(argv, { env });

const pin = ['--mach-nix', 'path:/nonexistent/mach-nix'];

describe('mach-nix env and gen, before Nix', () => {
  it('refuse wrong usage with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-env-'));
    writeFileSync(join(dir, 'file'), '');
    assert.deepEqual(Object.values(await machNix({}, 'gen', ...pin)).slice(0, 1), [2]);
    assert.match((await machNix({}, 'gen', ...pin)).stderr, /no requirements: give requirement strings or -r FILE/);
    assert.match((await machNix({}, 'env', join(dir, 'file'), 'flask', ...pin)).stderr, /file exists and is not a folder/);
    const empty = await machNix({}, 'env', join(dir, 'new'), ...pin);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /has no requirements\.txt yet: give -r FILE or requirement strings/);
    const python = await machNix({}, 'gen', 'flask', '-p', '3', ...pin);
    assert.deepEqual([python.code, python.stderr], [2, 'error: --python 3: give the version as X.Y, e.g. 3.11\n']);
  });

  it('refuse a local project before anything is written, pointing to packagesExtra', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-env-'));
    writeFileSync(join(dir, 'requirements.txt'), 'flask\n-e ./pkg\n');
    const result = await machNix({}, 'env', join(dir, 'env'), '-r', join(dir, 'requirements.txt'), ...pin);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /requirements\.txt:2: -e \.\/pkg is a local project .* packagesExtra = \[ \.\/pkg \]/);
  });

  it('say that they need Nix on a machine without it', async () => {
    const result = await machNix({ PATH: '/nonexistent' }, 'gen', 'flask', ...pin);
    assert.deepEqual([result.code, result.stderr], [1, 'error: nix is not on PATH: mach-nix env and gen need Nix (https://nixos.org/download)\n']);
  });
});
