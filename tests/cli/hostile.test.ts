/**
 * Hostile inputs through the whole command (issue 12): each ends in one `error:` line and exit 1
 * (or the right answer), never `internal error` (exit 70) or a stack trace; a bad data entry met
 * by `resolve --request` still gives its document.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import type { ResolveRequest } from '../../src/generated/resolve-request.js';
import { bucketOf } from '../../src/db/buckets.js';
import { projectTree, writeTree } from '../helpers/data-tree.js';
import { runCli } from '../helpers/cli.js';

const machNix = (...argv: string[]) => runCli(argv);

const nested = (depth: number) => `${'('.repeat(depth)}python_version > "3"${')'.repeat(depth)}`;
const tree = projectTree({
  alpha: { wheels: { '2.0': { requires: [`beta; ${nested(1900)}`] }, '1.0': {} } },
  beta: { wheels: { '1.0': {} } },
  constructor: { wheels: { '1.0': {} } },
});
const target = ['--python', '3.11', '--platform', 'x86_64-linux', '--deps-db', tree, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}'];

function assertOneError(outcome: { code: number; stderr: string }, ...parts: string[]): void {
  assert.equal(outcome.code, 1, outcome.stderr);
  assert.doesNotMatch(outcome.stderr, /internal error|\n\s+at /);
  assert.match(outcome.stderr, /^error: /);
  for (const part of parts) assert.ok(outcome.stderr.includes(part), `${JSON.stringify(outcome.stderr.slice(0, 500))} contains ${JSON.stringify(part)}`);
}

describe('hostile inputs through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mach-nix-hostile-cli-'));

  it('pyproject --extra constructor / --group constructor: an unknown extra or group, exit 1', async () => {
    const pyproject = join(dir, 'pyproject.toml');
    writeFileSync(pyproject, '[project]\nname = "x"\nversion = "1"\ndependencies = ["beta"]\n[project.optional-dependencies]\na = ["alpha"]\n');
    assertOneError(await machNix('resolve', '-r', pyproject, '--extra', 'constructor', ...target), 'extra "constructor" not defined');
    assertOneError(await machNix('resolve', '-r', pyproject, '--group', 'constructor', ...target), 'dependency group "constructor" not defined');
  });

  it('an extra, a group and a provider key named constructor are kept, not dropped', async () => {
    mkdirSync(join(dir, 'kept'));
    const copy = join(dir, 'kept', 'pyproject.toml');
    writeFileSync(copy, '[project]\nname = "x"\nversion = "1"\n[project.optional-dependencies]\nconstructor = ["beta"]\n[dependency-groups]\nprototype = ["alpha"]\n');
    const extra = await machNix('resolve', '-r', copy, '--extra', 'constructor', '--group', 'prototype', ...target, '--json');
    assert.equal(extra.code, 0, extra.stderr);
    assert.deepEqual(Object.keys((JSON.parse(extra.stdout) as Resolution).packages).sort(), ['alpha', 'beta']);
    const providers = await machNix('resolve', 'constructor', ...target.slice(0, -4), '--providers', '{"_default": "nixpkgs", "constructor": "wheel"}', '--provider-defaults', '{}', '--json');
    assert.equal(providers.code, 0, providers.stderr);
    assert.equal((JSON.parse(providers.stdout) as Resolution).packages[String('constructor')]!.provider, 'wheel');
  });

  it('1,900 nested parentheses in a requirement: the file and line, exit 1', async () => {
    const file = join(dir, 'deep.txt');
    writeFileSync(file, `beta; ${nested(1900)}\n`);
    assertOneError(await machNix('resolve', '-r', file, ...target), 'deep.txt:1: invalid requirement', 'the limit');
  });

  it("1,900 nested parentheses in a data file's requires_dist: that version is unusable, the request still gets its document", async () => {
    const request: ResolveRequest = {
      requirements: 'alpha\n', python: '3.11.9', platform: 'x86_64-linux', glibc: '2.40', macos: null,
      providers: { _default: 'wheel' }, providerDefaults: {}, condaChannels: [], cudaVersion: null, dataTimestamp: null,
    };
    writeFileSync(join(dir, 'request.json'), JSON.stringify(request));
    const answered = await machNix('resolve', '--request', join(dir, 'request.json'), '--deps-db', tree, '--out', join(dir, 'out.json'));
    assert.equal(answered.code, 0, answered.stderr);
    const resolution = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Resolution;
    assert.equal(resolution.packages.alpha!.version, '1.0');
    // the skip is recorded, for `mach-nix why alpha`: the version, and why, shortly
    const skipped = resolution.packages.alpha!.why!.skipped!;
    assert.deepEqual(skipped.map((group) => group.versions), [['2.0']]);
    assert.match(skipped[0]!.reason, /^unusable: has an invalid requirement "beta; \(+"… \(3826 characters\) \(parentheses nest deeper than 100 levels, the limit/);
    assertOneError(await machNix('resolve', 'alpha==2.0', ...target), 'alpha 2.0 has an invalid requirement', 'the limit');
  });

  it('a 1,400-deep -r chain ends at the include limit, exit 1', async () => {
    for (let i = 0; i < 1400; i++) writeFileSync(join(dir, `r${i}.txt`), `-r r${i + 1}.txt\n`);
    writeFileSync(join(dir, 'r1400.txt'), 'beta\n');
    assertOneError(await machNix('resolve', '-r', join(dir, 'r0.txt'), ...target), 'r99.txt:1:', 'the limit');
  });

  it('a deeply nested environment.yml ends at the nesting limit, exit 1', async () => {
    const file = join(dir, 'environment.yml');
    writeFileSync(file, `dependencies:\n  - pip: ${'['.repeat(3000)}${']'.repeat(3000)}\n`);
    assertOneError(await machNix('resolve', '-r', file, ...target), 'environment.yml:2: lists and mappings nest deeper than 100 levels, the limit');
  });

  it('mach-nix why constructor on a resolution without it: a usage error', async () => {
    const lock = join(dir, 'out.json');
    const why = await machNix('why', 'constructor', '--lock', lock);
    assert.equal(why.code, 2, why.stderr);
    assert.match(why.stderr, /constructor is not in the resolution/);
  });
});

describe('big dependency data', () => {
  /** One project with `count` wheels in one bucket, each with `requires`: the bucket file's size grows with both. */
  function bigProject(count: number, requires: readonly string[]): string {
    const versions: Record<string, unknown> = {};
    const files: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const filename = `big-1.${i}-py3-none-any.whl`;
      versions[`1.${i}`] = { [filename]: requires.length > 0 ? { requires_dist: requires } : {} };
      files[`1.${i}`] = { wheels: { [filename]: [Buffer.alloc(32, 1).toString('base64'), 'py3'] } };
    }
    const root = writeTree({ wheel: { big: { py3: versions } }, files: { big: files } });
    after(() => rmSync(root, { recursive: true, force: true })); // 100 MB: not left behind
    return root;
  }
  const bigTarget = (root: string) => ['--python', '3.11', '--platform', 'x86_64-linux', '--deps-db', root, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}', '--json'];

  it('a 100 MB bucket file is read and resolved from', { timeout: 300_000 }, async () => {
    const requires = Array.from({ length: 10 }, (_, i) => `other${i}>=1.0; extra == "e${'x'.repeat(500)}"`);
    const root = bigProject(20_000, requires);
    assert.ok(statSync(join(root, 'deps/wheel', `${bucketOf('big')}.json`)).size > 100_000_000);
    const resolved = await machNix('resolve', 'big', ...bigTarget(root));
    assert.equal(resolved.code, 0, resolved.stderr);
    assert.equal((JSON.parse(resolved.stdout) as Resolution).packages.big!.version, '1.19999');
  });

  it('a project with 130,000 candidates (more than a call may spread as arguments)', { timeout: 300_000 }, async () => {
    const resolved = await machNix('resolve', 'big', ...bigTarget(bigProject(130_000, [])));
    assert.equal(resolved.code, 0, resolved.stderr);
    assert.equal((JSON.parse(resolved.stdout) as Resolution).packages.big!.version, '1.129999');
  });
});

describe('lock files found by bench/fuzz', () => {
  it('a lock naming a root or dependency it has no package for (constructor) is refused naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-hostile-lock-'));
    const lock = join(dir, 'mach-nix.lock.json');
    const made = await machNix('lock', 'beta', ...target, '-o', lock);
    assert.equal(made.code, 0, made.stderr);
    const resolution = JSON.parse(readFileSync(lock, 'utf8')) as Resolution;
    writeFileSync(lock, JSON.stringify({ ...resolution, roots: [...resolution.roots, 'constructor'] }));
    for (const argv of [['graph', '--lock', lock], ['why', 'beta', '--lock', lock]]) {
      assertOneError(await machNix(...argv), 'mach-nix.lock.json (roots): names "constructor" as a root, but has no such package');
    }
    resolution.packages.beta!.dependencies = ['toString'];
    writeFileSync(lock, JSON.stringify(resolution));
    assertOneError(await machNix('graph', '--lock', lock), 'mach-nix.lock.json (packages.beta.dependencies): names "toString", which is not a package of the lock');
  });
});
