/**
 * Determinism of the commands that write what users commit or scripts read: `resolve` (tree and
 * `--json`) and `lock` give byte-identical output over 10 runs, each in another working
 * directory, time zone, locale (LANG, LC_ALL) and order of the environment variables. (gen and
 * env, which need Nix to lock, are run the same way in tests/nix/determinism.test.ts.) It runs the
 * built CLI (`npm run build`, as test:unit does first), as the Nix package and npm ship it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { conformanceDir, repoDir } from '../helpers/paths.js';
import { VARIATIONS, environment } from '../helpers/variations.js';

const corpus = join(conformanceDir, 'resolver/localpypi-2026');
const workDir = mkdtempSync(join(tmpdir(), 'mach-nix-determinism-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

const target = ['--python', '3.11.9', '--platform', 'x86_64-linux', '--glibc', '2.36', '--deps-db', corpus, '--providers', '{"_default": "wheel,sdist"}', '--provider-defaults', '{}'];

describe('determinism across runs, directories, time zones, locales and environment order', () => {
  it('resolve (tree and --json) and lock write the same bytes in 10 differing runs', () => {
    const outputs: string[][] = [];
    VARIATIONS.forEach((variation, run) => {
      const cwd = mkdtempSync(join(workDir, `run-${run}-`));
      writeFileSync(join(cwd, 'requirements.txt'), 'flask\nrequests[socks]>=2\nidna; python_version >= "3"\n');
      const machNix = (...args: string[]) => {
        const result = spawnSync(process.execPath, [join(repoDir, 'dist/mach-nix.cjs'), ...args], { cwd, env: environment(run, variation), encoding: 'utf8' });
        assert.equal(result.status, 0, `run ${run} ${args[0]}: ${result.stderr}`);
        return result.stdout;
      };
      outputs.push([
        machNix('resolve', '-r', 'requirements.txt', ...target),
        machNix('resolve', '-r', 'requirements.txt', ...target, '--json'),
        machNix('lock', '-r', 'requirements.txt', ...target, '-o', 'the.lock.json'),
        readFileSync(join(cwd, 'the.lock.json'), 'utf8'),
      ]);
    });
    assert.ok(JSON.parse(outputs[0]![3]!).packages.flask, 'a real resolution');
    for (const [run, output] of outputs.entries()) assert.deepEqual(output, outputs[0], `run ${run} differs from run 0`);
  });
});
