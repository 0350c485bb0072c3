/**
 * Every `console` example of the README is run: `$ mach-nix …` lines are commands (run from the
 * checkout's root with its CLI), the lines after them the exact expected output; and the data
 * they run against (examples/data/flask-closure) is checked to be the shared corpus's, entry by
 * entry. The README's `sh` commands and the quick start need Nix: tests/nix/readme.test.ts.
 *
 * A command reading PyPI (`--index-url https://pypi.org/simple`) reads, on these machines without
 * PyPI, the local PyPI mirror pip is configured with instead (its first `file://…/simple` index).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { conformanceDir, repoDir } from './helpers/paths.js';

interface Example {
  command: string;
  expected: string;
}

function examples(markdown: string): Example[] {
  const found: Example[] = [];
  for (const block of markdown.matchAll(/```console\n([\s\S]*?)```/g)) {
    let current: Example | null = null;
    for (const line of block[1]!.split('\n')) {
      if (line.startsWith('$ ')) {
        current = { command: line.slice(2), expected: '' };
        found.push(current);
      } else if (current && line !== '') {
        current.expected += `${line}\n`;
      }
    }
  }
  return found;
}

const PYPI = 'https://pypi.org/simple';

/** The first `file://…/simple` index of pip's configuration: the machine's PyPI mirror. */
function pipMirror(): string {
  const config = spawnSync('pip', ['config', 'list'], { encoding: 'utf8' });
  const mirror = /file:\/\/\S*?\/simple\b/.exec(config.stdout ?? '')?.[0];
  assert.ok(mirror !== undefined, `pip config list names no local mirror (file://…/simple):\n${config.stdout}${config.stderr}`);
  return mirror;
}

describe('README examples', () => {
  const readme = readFileSync(join(repoDir, 'README.md'), 'utf8');
  const all = examples(readme);
  it('has examples', () => assert.ok(all.length > 0));
  for (const example of all) {
    it(example.command, () => {
      assert.match(example.command, /^mach-nix /, 'examples run the mach-nix CLI');
      const command = example.command.includes(PYPI) ? example.command.replaceAll(PYPI, pipMirror()) : example.command;
      const run = spawnSync('sh', ['-c', `${join(repoDir, 'bin/mach-nix')} ${command.slice('mach-nix '.length)}`], {
        cwd: repoDir,
        encoding: 'utf8',
      });
      assert.equal(run.stdout + run.stderr, example.expected);
    });
  }
});

describe("the README's dependency data", () => {
  const tree = join(repoDir, 'examples/data/flask-closure');
  const corpus = join(conformanceDir, 'resolver/localpypi-2026');
  for (const part of ['deps/wheel', 'files/pypi']) {
    it(`${part}: every entry is the shared corpus's, unchanged`, () => {
      const names: string[] = [];
      for (const bucket of readdirSync(join(tree, part))) {
        const ours = JSON.parse(readFileSync(join(tree, part, bucket), 'utf8')) as Record<string, unknown>;
        const theirs = JSON.parse(readFileSync(join(corpus, part, bucket), 'utf8')) as Record<string, unknown>;
        for (const [name, entry] of Object.entries(ours)) {
          assert.deepEqual(entry, theirs[name], `${part}/${bucket}: ${name}`);
          names.push(name);
        }
      }
      assert.deepEqual(names.sort(), ['blinker', 'certifi', 'charset-normalizer', 'click', 'flask', 'idna', 'itsdangerous', 'jinja2', 'markupsafe', 'requests', 'urllib3', 'werkzeug']);
    });
  }
});
