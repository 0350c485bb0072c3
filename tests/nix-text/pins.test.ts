/** What env and gen pin: references as users write them, this mach-nix's own source, flake.lock's pins. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { type FlakeLock, inputReference, inputsText, ownSource, pinnedInputs } from '../../src/nix/pins.js';

const toolLock: FlakeLock = {
  nodes: {
    nixpkgs: { locked: { type: 'github', owner: 'NixOS', repo: 'nixpkgs', rev: 'a'.repeat(40), narHash: 'sha256-n' }, original: { type: 'github', owner: 'NixOS', repo: 'nixpkgs', rev: 'a'.repeat(40) } },
    'pypi-deps-db': { flake: false, locked: { type: 'github', owner: 'DavHau', repo: 'pypi-deps-db', rev: 'b'.repeat(40), narHash: 'sha256-p' }, original: { type: 'github', owner: 'DavHau', repo: 'pypi-deps-db' } },
    root: { inputs: { nixpkgs: 'nixpkgs', 'pypi-deps-db': 'pypi-deps-db' } },
  },
  root: 'root',
  version: 7,
};

describe('pins', () => {
  afterEach(() => delete process.env.MACH_NIX_SOURCE);

  it('reads a reference as a flake reference, a path, or a branch/tag/commit of the upstream repository', () => {
    assert.equal(inputReference('nixpkgs', 'nixos-24.05'), 'github:NixOS/nixpkgs/nixos-24.05');
    assert.equal(inputReference('pypi-deps-db', 'ba35683c35218acb5258b69a9916994979dc73a9'), 'github:DavHau/pypi-deps-db/ba35683c35218acb5258b69a9916994979dc73a9');
    assert.equal(inputReference('mach-nix', 'git+file:///src/mach-nix?rev=abc'), 'git+file:///src/mach-nix?rev=abc');
    assert.equal(inputReference('nixpkgs', '/srv/nixpkgs'), 'path:/srv/nixpkgs');
    assert.match(inputReference('nixpkgs', './nixpkgs'), /^path:\/.*\/nixpkgs$/);
    assert.throws(() => inputReference('nixpkgs', ' '), UsageError);
  });

  it('writes the inputs, the overridden ones followed by mach-nix', () => {
    assert.equal(inputsText({ 'mach-nix': 'github:mach-nix/mach-nix/abc', nixpkgs: null, 'pypi-deps-db': null }), '  inputs = {\n    mach-nix.url = "github:mach-nix/mach-nix/abc";\n  };');
    assert.equal(inputsText({ 'mach-nix': 'path:/m', nixpkgs: 'path:/n', 'pypi-deps-db': 'path:/d' }), [
      '  inputs = {', '    mach-nix.url = "path:/m";', '    nixpkgs.url = "path:/n";', '    mach-nix.inputs.nixpkgs.follows = "nixpkgs";',
      '    pypi-deps-db = { url = "path:/d"; flake = false; };', '    mach-nix.inputs.pypi-deps-db.follows = "pypi-deps-db";', '  };',
    ].join('\n'));
  });

  it("knows the Nix package's recorded source, and refuses one of a tree with uncommitted changes", () => {
    process.env.MACH_NIX_SOURCE = JSON.stringify({ url: 'github:mach-nix/mach-nix', rev: 'c'.repeat(40), narHash: 'sha256-m', lastModified: 5, flakeLock: toolLock });
    const own = ownSource();
    assert.equal(own.reference, `github:mach-nix/mach-nix/${'c'.repeat(40)}`);
    assert.deepEqual(own.node, {
      inputs: { nixpkgs: 'nixpkgs', 'pypi-deps-db': 'pypi-deps-db' },
      locked: { type: 'github', owner: 'mach-nix', repo: 'mach-nix', rev: 'c'.repeat(40), narHash: 'sha256-m', lastModified: 5 },
      original: { type: 'github', owner: 'mach-nix', repo: 'mach-nix', rev: 'c'.repeat(40) },
    });
    process.env.MACH_NIX_SOURCE = JSON.stringify({ url: 'github:mach-nix/mach-nix', rev: null, narHash: 'sha256-m' });
    assert.throws(() => ownSource(), (error: unknown) => error instanceof UsageError && /uncommitted changes.*pass --mach-nix REF/.test(error.message));
  });

  it('takes the three pins from flake.lock, following `follows`, each pinned by a hash', () => {
    const lock: FlakeLock = {
      nodes: {
        'mach-nix': { inputs: { nixpkgs: ['nixpkgs'], 'pypi-deps-db': 'pypi-deps-db' }, locked: { type: 'path', path: '/m', narHash: 'sha256-m' } },
        nixpkgs: { locked: { type: 'path', path: '/n', narHash: 'sha256-n' } },
        'pypi-deps-db': { locked: { type: 'github', owner: 'DavHau', repo: 'pypi-deps-db', rev: 'b'.repeat(40), narHash: 'sha256-p' } },
        root: { inputs: { 'mach-nix': 'mach-nix', nixpkgs: 'nixpkgs' } },
      },
      root: 'root',
      version: 7,
    };
    assert.deepEqual(Object.fromEntries(Object.entries(pinnedInputs(lock)).map(([name, locked]) => [name, locked.narHash])), { 'mach-nix': 'sha256-m', nixpkgs: 'sha256-n', 'pypi-deps-db': 'sha256-p' });
    const dirty = structuredClone(lock) as { nodes: Record<string, { locked: Record<string, unknown> }> };
    dirty.nodes['mach-nix']!.locked = { type: 'git', url: 'file:///m', narHash: 'sha256-m' };
    assert.throws(() => pinnedInputs(dirty as unknown as FlakeLock), (error: unknown) => error instanceof UsageError && /mach-nix is not pinned by a hash/.test(error.message));
  });
});
