/**
 * The README's commands that need Nix, under Nix 2.8 and Nix 2.26: every line of its ```sh
 * blocks (tests/readme.test.ts runs the ```console ones) — except the test runners themselves
 * (`npm test`, `npm run test:*`, which run this file) and `./quickstart`, which the last test runs
 * the way the README says, non-interactively (MACH_NIX_QUICKSTART_ONCE=1).
 *
 * What this machine cannot give a user's command, and is given instead (said once, here):
 * `mach-nix env` and `gen` pin this mach-nix's flake.lock, whose nixpkgs and pypi-deps-db are on
 * GitHub; they get `--mach-nix`, `--nixpkgs` and `--pypi-deps-db` naming this checkout, the
 * nixpkgs stand-in and the test data (tests/nix/data.ts) — the options the README's CLI table
 * documents for other sources. A command reading PyPI (pip's index when none is configured, or
 * `-i https://pypi.org/simple`) reads the machine's PyPI mirror served by nginx on loopback
 * instead: PIP_INDEX_URL names it, and the URL of PyPI in the command is replaced by it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Service } from '../helpers/services.js';
import { Nginx } from '../index/servers/nginx.js';
import { fetcherDir, pypiData, seedTestData, wheelFilesOf, writeTestData } from './data.js';
import { checkoutCopy, nixEnv, nixVersions, repoDir, run, scratchDir, seedStore, standInDir, standInTarget } from './harness.js';

const workDir = mkdtempSync(join(scratchDir, 'mach-nix-readme-'));
let pypi: Nginx;
before(async () => {
  pypi = await Nginx.start([{ prefix: '/pypi/', root: '/opt/pypi' }]);
});
after(async () => {
  await pypi.stop();
  rmSync(workDir, { recursive: true, force: true });
});
const readme = readFileSync(join(repoDir, 'README.md'), 'utf8');

/** The lines of the README's ```sh blocks, per block, without comments and blank lines. */
function shBlocks(): string[][] {
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((block) =>
    block[1]!.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line !== '' && !line.startsWith('#')),
  );
}

const testRunner = (line: string) => /^npm (test|run test:\w+)$/.test(line);

/**
 * `output` has the README's sample lines in their order: `…` in a line stands for any text, a
 * line that is only `…` for any number of lines.
 */
function assertShape(output: string, shown: string): void {
  const lines = output.split('\n');
  let at = 0;
  let skipping = false;
  for (const expected of shown.trimEnd().split('\n')) {
    if (expected === '…') {
      skipping = true;
      continue;
    }
    const pattern = new RegExp(`^${expected.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    const found = lines.findIndex((line, i) => i >= at && pattern.test(line) && (skipping || i === at));
    assert.ok(found >= 0, `the quick start's output lacks, at line ${at + 1}, the README's line\n  ${expected}\nin:\n${output}`);
    at = found + 1;
    skipping = false;
  }
}

describe("the README's commands", { concurrency: true }, () => {
  const blocks = shBlocks();
  const commands = blocks.flat().filter((line) => !testRunner(line) && line !== './quickstart');
  let pins: string[] = [];
  before(() => {
    writeTestData();
    pins = ['--mach-nix', `path:${checkoutCopy(workDir)}`, '--nixpkgs', `path:${standInDir}`, '--pypi-deps-db', `path:${pypiData}`];
  });

  test('the quick start is two commands: ./quickstart and npm test', () => {
    assert.deepEqual(blocks[0], ['./quickstart', 'npm test']);
    assert.ok(commands.length >= 5, `only ${commands.length} commands found`);
    for (const start of ['mach-nix env ', 'nix-shell ', 'nix develop ', 'mach-nix gen ', 'nix-build ']) {
      assert.ok(commands.some((line) => line.startsWith(start)), `a \`${start.trim()}\` command is run`);
    }
  });

  // The quick start builds with the host's Nix 2.8 (it is what a new machine gets from Debian);
  // it is run when host-2.8 is among the variants. MACH_NIX_NIX_VARIANTS=host-2.8 keeps its
  // .ci/setup-nix from touching the chroot other test files are using at the same time.
  // one quick start at a time: they share its folder (.scratch/quickstart)
  if (nixVersions().includes('host-2.8')) describe('the quick start', { concurrency: 1 }, () => {
    test('./quickstart prints what the README shows, answers / once and leaves nothing running', async () => {
      const quick = spawnSync(join(repoDir, 'quickstart'), [], {
        cwd: repoDir,
        encoding: 'utf8',
        env: { ...process.env, MACH_NIX_QUICKSTART_ONCE: '1', MACH_NIX_NIX_VARIANTS: 'host-2.8' },
        timeout: 30 * 60_000,
      });
      assert.equal(quick.status, 0, `${quick.stdout}${quick.stderr}`);
      const shown = /```text\n(mach-nix quick start:[\s\S]*?)```/.exec(readme)?.[1];
      assert.ok(shown, "the README shows the quick start's output");
      assertShape(quick.stdout, shown);
      // what it served is gone: the app's URL and the index's no longer answer
      for (const url of quick.stdout.match(/http:\/\/127\.0\.0\.1:\d+\//g) ?? []) {
        await assert.rejects(fetch(url, { signal: AbortSignal.timeout(2000) }), `${url} still answers`);
      }
    });

    test('./quickstart serves until Ctrl-C, then stops cleanly', async () => {
      const quick = Service.start('./quickstart', join(repoDir, 'quickstart'), [], {
        cwd: repoDir,
        env: { ...process.env, MACH_NIX_QUICKSTART_ONCE: '', MACH_NIX_NIX_VARIANTS: 'host-2.8' },
      });
      try {
        await quick.waitForOutput('Ctrl-C stops it', 30 * 60_000);
        const url = /the app is served at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(quick.log)![1]!;
        assert.equal(await (await fetch(url)).text(), 'Hello, world!', 'still serving after printing');
        assert.equal(await quick.interrupt(), 0, quick.log);
        assert.match(quick.log, /\nstopping\.\n$/);
        await assert.rejects(fetch(url, { signal: AbortSignal.timeout(2000) }), `${url} still answers after Ctrl-C`);
      } finally {
        await quick.stop();
      }
    });
  });

  for (const variant of nixVersions()) {
    test(`[${variant}] every command of the README's sh blocks`, async () => {
      await seedStore(variant);
      const dir = join(workDir, `commands-${variant}`);
      mkdirSync(dir, { recursive: true });
      cpSync(join(repoDir, 'examples/flask-app/requirements.txt'), join(dir, 'requirements.txt'));
      // the wheels the commands' environments take (Python 3.11: the mirror's cp311 wheels)
      const [python, glibc] = await standInTarget(variant);
      const lockFile = join(dir, '.wheels.lock.json');
      const locked = spawnSync(join(repoDir, 'bin/mach-nix'), ['lock', '-r', join(dir, 'requirements.txt'), '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc, '--deps-db', pypiData, '--files-db', fetcherDir, '-o', lockFile], { encoding: 'utf8' });
      assert.equal(locked.status, 0, locked.stderr);
      await seedTestData(variant, wheelFilesOf(lockFile));
      rmSync(lockFile);
      for (const line of commands) {
        const loopbackPypi = `${pypi.origin}/pypi/simple`;
        const pinned = /^mach-nix (env|gen) /.test(line) ? `${line} ${pins.map((p) => `'${p}'`).join(' ')}` : line;
        const command = pinned.replace(/https:\/\/pypi\.org\/simple\/?/g, loopbackPypi);
        const result = await run(variant, 'sh', ['-c', command], {
          cwd: dir,
          env: {
            ...nixEnv(variant),
            PATH: `${join(repoDir, 'bin')}:${variant === 'host-2.8' ? process.env.PATH : '/usr/bin:/bin'}`,
            PIP_CONFIG_FILE: '/dev/null',
            PIP_INDEX_URL: loopbackPypi,
            MACH_NIX_CACHE_DIR: join(dir, '.cache'),
          },
          allowFailure: true,
        });
        assert.equal(result.status, 0, `${line}\n${result.stdout}${result.stderr}`);
      }
    });
  }
});
