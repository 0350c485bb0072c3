/**
 * `mach-nix env` and `mach-nix gen` for real, under Nix 2.8 and Nix 2.26: the folder env writes is
 * entered with nix-shell and nix develop (with import-from-derivation off: its lock is complete),
 * copied elsewhere it is the same environment, run again it keeps edited files; gen's expression
 * builds as it is, and with other sources passed as arguments. Pinned to this checkout (a copy of
 * its files), the nixpkgs stand-in and the pinned-data corpus (tests/nix/data.ts) — or, for the
 * default pin, to the checkout's commit and the Nix package's recorded source.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import { pypiData, seedTestData, wheelFilesOf, writeTestData } from './data.js';
import { type NixVariant, type RunOptions, checkoutCopy, nix, nixEnv, nixVersions, repoDir, run, scratchDir, seedStore, standInDir } from './harness.js';

const workDir = mkdtempSync(join(scratchDir, 'mach-nix-cli-env-gen-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

/** The variant's settings (the harness's nixEnv already builds unsandboxed). */
function options(variant: NixVariant, extra: RunOptions = {}): RunOptions {
  return { ...extra, env: { ...nixEnv(variant), ...extra.env } };
}

const cli = (variant: NixVariant, args: string[], extra: RunOptions = {}) => run(variant, join(repoDir, 'bin/mach-nix'), args, options(variant, extra));

/** The wheels a lock (or gen's expression with its lock inline) names. */
function wheelsIn(text: string): string[] {
  return [...text.matchAll(/"?filename"? ?[:=] ?"([^"]+\.whl)"/g)].map((m) => m[1]!);
}

const settings = ['-p', '3.11', '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}'];

describe('mach-nix env and gen', { concurrency: true }, () => {
  let source = '';
  let pins: string[] = [];
  before(() => {
    writeTestData();
    source = checkoutCopy(workDir);
    pins = ['--mach-nix', `path:${source}`, '--nixpkgs', `path:${standInDir}`, '--pypi-deps-db', `path:${pypiData}`];
  });

  for (const variant of nixVersions()) {
    describe(variant, { concurrency: 1 }, () => {
      before(async () => {
        await seedStore(variant);
        await seedTestData(variant);
      });

      test('gen: an expression nix-build builds as it is, pinned, its lock inline', async () => {
        const file = join(workDir, `gen-${variant}.nix`);
        const made = await cli(variant, ['gen', 'flask', 'requests', ...settings, ...pins, '-o', file], { cwd: workDir });
        assert.match(made.stdout, /^wrote .*gen-.*\.nix: 12 packages for Python 3\.11\.\d+ on x86_64-linux; nix-build .* builds it\n$/);
        const expression = readFileSync(file, 'utf8');
        await seedTestData(variant, wheelsIn(expression));
        // the lock is inline: building needs no resolution (import-from-derivation off)
        const built = await run(variant, 'nix-build', [file, '--no-out-link', '--option', 'allow-import-from-derivation', 'false'], options(variant));
        const out = built.stdout.trim();
        const python = await run(variant, `${out}/bin/python`, ['-c', 'import flask, requests, markupsafe._speedups, sys; print(sys.version_info[:2])'], options(variant));
        assert.equal(python.stdout.trim(), '(3, 11)');
        // the sources are arguments: another mach-nix, nixpkgs and data can be passed
        const passed = await run(variant, 'nix-build', [
          file, '--no-out-link',
          '--arg', 'pkgs', `import ${standInDir} { }`,
          '--arg', 'pypiData', pypiData,
          '--arg', 'mach-nix', `import ${repoDir} { pkgs = import ${standInDir} { }; pypiData = ${pypiData}; }`,
        ], options(variant));
        assert.equal(passed.stdout.trim(), out, 'the same environment from the same sources');
        const printed = await cli(variant, ['gen', 'flask', 'requests', ...settings, ...pins], { cwd: workDir });
        assert.equal(printed.stdout, expression, 'without -o it is printed, byte for byte the same');
      });

      test('env: a folder nix-shell and nix develop enter, reproduced when copied, updated without clobbering edits', async () => {
        const dir = join(workDir, `env-${variant}`);
        const requirements = join(workDir, `requirements-${variant}.txt`);
        writeFileSync(requirements, 'flask\nrequests\n');
        const made = await cli(variant, ['env', dir, '-r', requirements, ...settings, ...pins], { cwd: workDir });
        assert.match(made.stdout, /^wrote .*env-.*: 12 packages for Python 3\.11\.\d+ on x86_64-linux, locked in .*mach-nix\.lock\.json\n/);
        assert.match(made.stdout, /\nenter it with: nix-shell .*env-\S+ {3}or {3}nix develop .*env-\S+\n/);
        assert.equal(readFileSync(join(dir, 'requirements.txt'), 'utf8'), 'flask\nrequests\n');
        const lock = JSON.parse(readFileSync(join(dir, 'mach-nix.lock.json'), 'utf8')) as Resolution;
        await seedTestData(variant, wheelFilesOf(join(dir, 'mach-nix.lock.json')));

        const noIfd = ['--option', 'allow-import-from-derivation', 'false'];
        const shell = await run(variant, 'nix-shell', [dir, ...noIfd, '--run', 'python -c "import flask; print(flask.__version__)"'], options(variant, { cwd: workDir }));
        assert.equal(shell.stdout.trim(), lock.packages.flask!.version);
        const develop = await nix(variant, ['develop', dir, ...noIfd, '-c', 'python', '-c', 'import requests; print(requests.__version__)'], options(variant, { cwd: workDir }));
        assert.equal(develop.stdout.trim(), lock.packages.requests!.version);

        // copied elsewhere, the folder is the same environment (everything in it is pinned by hash)
        const copy = join(workDir, `copy-${variant}`);
        cpSync(dir, copy, { recursive: true });
        const drv = async (folder: string) => (await run(variant, 'nix-instantiate', [folder], options(variant, { cwd: workDir }))).stdout.trim();
        assert.equal(await drv(copy), await drv(dir));

        // requirements edited in the folder: entering it says which part of the request changed
        writeFileSync(join(dir, 'requirements.txt'), 'flask\nrequests\nsix\n');
        const stale = await run(variant, 'nix-shell', [dir, '--run', 'true'], options(variant, { cwd: workDir, allowFailure: true }));
        assert.notEqual(stale.status, 0);
        assert.match(stale.stderr, /mach-nix\.lock\.json is stale: the requirements: line 3 is "" in the lock, "six" here/);
        // a lock of an older mach-nix, without its request, is still read: stale, without the part
        const lockFile = join(dir, 'mach-nix.lock.json');
        const saved = readFileSync(lockFile, 'utf8');
        const { request: _request, ...older } = JSON.parse(saved) as Resolution;
        writeFileSync(lockFile, JSON.stringify(older));
        const olderStale = await run(variant, 'nix-shell', [dir, '--run', 'true'], options(variant, { cwd: workDir, allowFailure: true }));
        assert.match(olderStale.stderr, /mach-nix\.lock\.json is stale: it answers other requirements, providers, Python, platform or data than this call gives/);
        writeFileSync(lockFile, saved);

        // run again: the lock follows requirements.txt, an edited env.nix is kept
        const envNix = join(dir, 'env.nix');
        const edited = `${readFileSync(envNix, 'utf8')}# my own note\n`;
        writeFileSync(envNix, edited);
        const again = await cli(variant, ['env', dir], { cwd: workDir });
        assert.match(again.stderr, /warning: kept .*env\.nix: it was changed since mach-nix env wrote it \(delete it to have it written again\)/);
        assert.equal(readFileSync(envNix, 'utf8'), edited);
        const relocked = JSON.parse(readFileSync(join(dir, 'mach-nix.lock.json'), 'utf8')) as Resolution;
        assert.ok(relocked.packages.six, 'six is locked now');
        await seedTestData(variant, wheelFilesOf(join(dir, 'mach-nix.lock.json')));
        const six = await run(variant, 'nix-shell', [dir, ...noIfd, '--run', 'python -c "import six, flask; print(six.__name__)"'], options(variant, { cwd: workDir }));
        assert.equal(six.stdout.trim(), 'six');

        // requirements given again do not replace the edited requirements.txt; nothing is touched
        writeFileSync(join(dir, 'requirements.txt'), 'flask\nrequests\nsix\nidna\n');
        const files = () => ['requirements.txt', 'env.nix', 'flake.lock', 'mach-nix.lock.json'].map((f) => readFileSync(join(dir, f), 'utf8'));
        const state = files();
        const refused = await cli(variant, ['env', dir, '-r', requirements], { cwd: workDir, allowFailure: true });
        assert.equal(refused.status, 1);
        assert.match(refused.stderr, /requirements\.txt: was changed since mach-nix env wrote it, so the requirements given do not replace it/);
        assert.deepEqual(files(), state);
        // a resolution that fails leaves the folder as it was
        writeFileSync(join(dir, 'requirements.txt'), 'flask<1\n');
        const state2 = files();
        const failed = await cli(variant, ['env', dir], { cwd: workDir, allowFailure: true });
        assert.equal(failed.status, 1);
        assert.match(failed.stderr, /error: the requirements cannot be resolved:\nBecause you require flask<1/);
        assert.deepEqual(files(), state2);
      });

      if (variant === 'host-2.8') {
        // git is the host's (the chroot has none); the checkout's commit is what Nix fetches
        test('the default pin: the checkout\'s commit, and the Nix package\'s recorded source', async () => {
          // a repository of this checkout's files, committed: its commit is the flake's self.rev
          const repository = join(workDir, 'repository');
          cpSync(source, repository, { recursive: true });
          const git = (...args: string[]) => {
            const result = spawnSync('git', ['-C', repository, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
            assert.equal(result.status, 0, result.stderr);
            return result.stdout.trim();
          };
          git('init', '-q');
          git('add', '-A');
          git('commit', '-qm', 'the checkout');
          // its flake.lock pins the stand-in and the test data (nix-offline-lab.md §2: locked by
          // path, original as flake.nix says), committed: with a lock Nix has to change
          // (--override-input) a flake has no self.rev
          type Lock = { nodes: Record<string, { original: unknown }> };
          const lockFile = join(repository, 'flake.lock');
          const original = JSON.parse(readFileSync(lockFile, 'utf8')) as Lock;
          await nix(variant, ['flake', 'lock', `git+file://${repository}`, '--override-input', 'nixpkgs', `path:${standInDir}`, '--override-input', 'pypi-deps-db', `path:${pypiData}`], options(variant));
          const doctored = JSON.parse(readFileSync(lockFile, 'utf8')) as Lock;
          for (const name of ['nixpkgs', 'pypi-deps-db']) doctored.nodes[name]!.original = original.nodes[name]!.original;
          writeFileSync(lockFile, `${JSON.stringify(doctored, null, 2)}\n`);
          git('commit', '-qam', 'pinned to the stand-in and the test data');
          const rev = git('rev-parse', 'HEAD');
          symlinkSync(join(repoDir, 'node_modules'), join(repository, 'node_modules')); // git ignores it
          const metadata = JSON.parse((await nix(variant, ['flake', 'metadata', '--json', `git+file://${repository}`], options(variant))).stdout) as { locked: { narHash: string } };
          const built = JSON.parse((await nix(variant, ['build', '--no-link', '--json', `git+file://${repository}#mach-nix`], options(variant))).stdout) as { outputs: { out: string } }[];
          const out = built[0]!.outputs.out;
          const recorded = JSON.parse(readFileSync(join(out, 'share/mach-nix/source.json'), 'utf8')) as { url: string; rev: string; narHash: string };
          assert.deepEqual([recorded.url, recorded.rev, recorded.narHash], ['github:mach-nix/mach-nix', rev, metadata.locked.narHash]);

          // the package pins itself: github:mach-nix/mach-nix/<rev>, found in the store by its hash
          const dir = join(workDir, 'default-pin');
          mkdirSync(dir);
          writeFileSync(join(dir, 'requirements.txt'), 'flask\nrequests\n');
          const data = ['--nixpkgs', `path:${standInDir}`, '--pypi-deps-db', `path:${pypiData}`];
          await run(variant, `${out}/bin/mach-nix`, ['env', dir, '-r', join(dir, 'requirements.txt'), ...settings, ...data], options(variant, { cwd: workDir }));
          const flakeLock = JSON.parse(readFileSync(join(dir, 'flake.lock'), 'utf8')) as { nodes: Record<string, { locked: Record<string, unknown> }> };
          assert.deepEqual(flakeLock.nodes['mach-nix']!.locked, { type: 'github', owner: 'mach-nix', repo: 'mach-nix', rev, narHash: metadata.locked.narHash, lastModified: flakeLock.nodes['mach-nix']!.locked.lastModified });
          assert.match(readFileSync(join(dir, 'flake.nix'), 'utf8'), new RegExp(`mach-nix\\.url = "github:mach-nix/mach-nix/${rev}";`));
          const shell = await run(variant, 'nix-shell', [dir, '--run', 'python -c "import flask; print(flask.__name__)"'], options(variant, { cwd: workDir }));
          assert.equal(shell.stdout.trim(), 'flask');

          // run from a checkout, mach-nix pins the checkout's commit (here: the repository's copy of bin/mach-nix)
          const fromCheckout = await run(variant, join(repository, 'bin/mach-nix'), ['gen', 'flask', ...settings, ...data], options(variant, { cwd: workDir }));
          assert.match(fromCheckout.stderr, new RegExp(`warning: pinned mach-nix github:mach-nix/mach-nix/${rev}, the commit of the checkout at ${repository}/`));
          assert.match(fromCheckout.stdout, new RegExp(`rev = "${rev}";`));
        });
      }
    });
  }
});
