import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoDir } from '../helpers/paths.js';

const manifest = JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const version = manifest.version;
const packageBin = manifest.bin['mach-nix']!;

function cli(args: string[], cwd = repoDir) {
  return spawnSync(join(repoDir, 'bin/mach-nix'), args, { cwd, encoding: 'utf8' });
}

describe('mach-nix CLI', () => {
  it('prints its version and help', () => {
    assert.equal(cli(['--version']).stdout, `${version}\n`);
    const help = cli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /requirements/);
  });

  it('documents its exit codes and NO_COLOR in --help', () => {
    const help = cli(['--help']).stdout;
    assert.match(help, /\nExit codes:\n {2}0 {3}success\n {2}1 {3}the requirements cannot be resolved, or an input is wrong .*\n {2}2 {3}wrong usage/);
    assert.match(help, /NO_COLOR=1 turns colour off/);
    for (const command of ['db build', 'env', 'gen', 'graph', 'lock', 'requirements', 'resolve', 'why']) {
      const run = cli([...command.split(' '), '--help']);
      assert.equal(run.status, 0, command);
      assert.match(run.stdout, new RegExp(`^Usage: mach-nix ${command} `), command);
      // every option has a description: commander prints an option without one as a bare flag line
      const options = run.stdout.split('Options:\n')[1]!.split('\n').filter((line) => /^ {2}-/.test(line));
      for (const line of options) assert.match(line, /^ {2}\S.*\S {2,}\S/, `${command}: ${line}`);
    }
  });

  it('shows every command\'s options in its help, however it is asked for', () => {
    // The options are declared when commander needs them (src/cli/deferred-options.ts).
    assert.match(cli(['--help']).stdout, /\n {2}resolve \[options\] \[requirement\.\.\.\] /);
    assert.match(cli(['db', '--help']).stdout, /\n {2}update \[options\] \[requirement\.\.\.\] /);
    for (const command of ['resolve', 'why']) {
      const help = cli(['help', command]);
      assert.equal(help.status, 0);
      assert.equal(help.stdout, cli([command, '--help']).stdout);
      assert.match(help.stdout, /\n {2}--lock <file> |\n {2}--python <version> /);
    }
    const update = cli(['db', 'help', 'update']).stdout;
    assert.match(update, /^Usage: mach-nix db update \[options\]/);
    assert.match(update, /\n {2}--out <dir\|file\.sqlite> /);
  });

  it('colours errors only on a terminal, and not with NO_COLOR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-cli-'));
    const onTerminal = (env: Record<string, string>) =>
      spawnSync('script', ['-qec', `${join(repoDir, 'bin/mach-nix')} requirements -r nothing.txt`, '/dev/null'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
    const coloured = onTerminal({});
    assert.match(coloured.stdout, /^\x1b\[31merror:\x1b\[39m nothing\.txt: cannot read file/);
    assert.match(onTerminal({ NO_COLOR: '1' }).stdout, /^error: nothing\.txt/);
    assert.match(cli(['requirements', '-r', 'nothing.txt'], dir).stderr, /^error: nothing\.txt/, 'not a terminal: no colour');
  });

  it('exits 2 on wrong usage', () => {
    const run = cli(['requirements', '--no-such-option']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown option '--no-such-option'/);
  });

  it('reports bad input in one line with the place, exit 1, no stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-cli-'));
    writeFileSync(join(dir, 'requirements.txt'), 'requests\n\n--bogus-option\n');
    const run = cli(['requirements', '-r', 'requirements.txt'], dir);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^error: requirements\.txt:3: .*--bogus-option.*\n$/);
    const missing = cli(['requirements', '-r', 'nothing.txt'], dir);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^error: nothing\.txt: cannot read file/);
  });

  it('reads pyproject.toml extras and groups, and prints JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-cli-'));
    writeFileSync(
      join(dir, 'pyproject.toml'),
      '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["flask"]\n[project.optional-dependencies]\nsocks = ["pysocks"]\n[dependency-groups]\ntest = ["pytest"]\n',
    );
    const run = cli(['requirements', '-r', 'pyproject.toml', '--extra', 'socks', '--group', 'test', '--json'], dir);
    assert.equal(run.status, 0, run.stderr);
    const parsed = JSON.parse(run.stdout) as { requirements: { text: string; source: string }[] };
    assert.deepEqual(parsed.requirements.map((r) => r.text), ['flask', 'pysocks', 'pytest']);
    assert.equal(parsed.requirements[1]!.source, 'pyproject.toml (project.optional-dependencies.socks[0])');
    const unknown = cli(['requirements', '-r', 'pyproject.toml', '--extra', 'nope'], dir);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /extra "nope" not defined/);
  });

  it('runs compiled from dist/ (what the Nix package ships)', () => {
    const run = spawnSync(join(repoDir, packageBin), ['--version'], { encoding: 'utf8' });
    assert.equal(run.stdout, `${version}\n`, run.stderr);
  });
});
