/** `mach-nix requirements`: what it read, all of it, in text and JSON; no input is a usage error. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

const machNix = (cwd: string, ...argv: string[]) => runCli(argv, { cwd });

const SHA = `sha256:${'a'.repeat(64)}`;

describe('mach-nix requirements', () => {
  it('refuses to run without input, as a usage error', async () => {
    const result = await machNix(tmpdir(), 'requirements');
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'error: nothing to show: give requirement strings or -r FILE\n');
  });

  it('shows in JSON everything it read: hashes, options with their places, index settings, build requirements', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-requirements-'));
    writeFileSync(
      join(dir, 'requirements.txt'),
      `--extra-index-url https://a.example.org\n--index-url https://b.example.org\npsycopg2==2.8.2 --no-binary psycopg2 --hash=${SHA}\n-e .[ci]\nhttps://example.org/pkg-1.0.tar.gz#egg=pkg[x]\n`,
    );
    writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.10"\n[build-system]\nrequires = ["hatchling>=1"]\n');
    const result = await machNix(dir, 'requirements', '-r', 'requirements.txt', '-r', 'pyproject.toml', '--json');
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(json.requirements, [
      { kind: 'requirement', text: 'psycopg2==2.8.2', name: 'psycopg2', url: null, hashes: [SHA], source: 'requirements.txt:3' },
      { kind: 'editable', text: '-e .[ci]', location: '.', hashes: [], source: 'requirements.txt:4' },
      { kind: 'requirement', text: 'pkg[x] @ https://example.org/pkg-1.0.tar.gz#egg=pkg[x]', name: 'pkg', url: 'https://example.org/pkg-1.0.tar.gz#egg=pkg[x]', hashes: [], source: 'requirements.txt:5' },
    ]);
    assert.deepEqual(json.buildRequirements, [{ kind: 'requirement', text: 'hatchling>=1', name: 'hatchling', url: null, hashes: [], source: 'pyproject.toml (build-system.requires[0])' }]);
    assert.deepEqual(json.requiresPython, [{ specifier: '>=3.10', source: 'pyproject.toml (project.requires-python)' }]);
    assert.deepEqual(json.options.indexUrls, ['https://b.example.org']);
    assert.deepEqual(json.options.noBinary, ['psycopg2']);
    assert.deepEqual(json.options.given, [
      { option: '--extra-index-url', value: 'https://a.example.org', source: 'requirements.txt:1' },
      { option: '--index-url', value: 'https://b.example.org', source: 'requirements.txt:2' },
      { option: '--no-binary', value: 'psycopg2', source: 'requirements.txt:3' },
    ]);
  });

  it('lists options, build requirements and requires-python in the text output too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-requirements-'));
    writeFileSync(join(dir, 'requirements.txt'), 'flask\n--pre\n');
    writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.10"\n[build-system]\nrequires = ["hatchling"]\n');
    const result = await machNix(dir, 'requirements', '-r', 'requirements.txt', '-r', 'pyproject.toml');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        'flask                    # requirements.txt:1',
        'build: hatchling         # pyproject.toml (build-system.requires[0])',
        'requires-python: >=3.10  # pyproject.toml (project.requires-python)',
        'option: --pre            # requirements.txt:2',
        '',
      ].join('\n'),
    );
  });
});
