/**
 * Every `console` example of the README is run: `$ mach-nix …` lines are commands (run from the
 * checkout's root with its CLI), the lines after them the exact expected output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoDir } from './helpers/paths.js';

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

describe('README examples', () => {
  const readme = readFileSync(join(repoDir, 'README.md'), 'utf8');
  const all = examples(readme);
  it('has examples', () => assert.ok(all.length > 0));
  for (const example of all) {
    it(example.command, () => {
      assert.match(example.command, /^mach-nix /, 'examples run the mach-nix CLI');
      const run = spawnSync('sh', ['-c', `${join(repoDir, 'bin/mach-nix')} ${example.command.slice('mach-nix '.length)}`], {
        cwd: repoDir,
        encoding: 'utf8',
      });
      assert.equal(run.stdout + run.stderr, example.expected);
    });
  }
});
