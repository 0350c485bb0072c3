/** The user's own words for a requirement PEP 508 refuses, and the place kept with them. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidRequirement } from '../src/errors.js';
import { parsePyproject } from '../src/pyproject.js';
import { requirementMistake } from '../src/requirement-mistakes.js';
import { parseRequirementsFile } from '../src/requirements-txt.js';

describe('requirement mistakes', () => {
  it('says what is wrong with the version part', () => {
    const cases: [string, string][] = [
      ['flask>=', '`>=` needs a version, e.g. `flask>=1.0`'],
      ['flask (==)', '`==` needs a version, e.g. `flask==1.0`'],
      ['numpy~=1', '`~=` needs at least two release numbers: `numpy~=1.0` means >=1.0 and ==1.*'],
      ['numpy ~= 2!1', '`~=` needs at least two release numbers: `numpy~=1.0` means >=1.0 and ==1.*'],
      ['requests>>2', '`>>` is not an operator; did you mean `>=` or `>`?'],
      ['requests<<2', '`<<` is not an operator; did you mean `<=` or `<`?'],
      ['flask=>2', '`=>` is not an operator; did you mean `>=`?'],
      ['flask!2.0', '`!` is not an operator; did you mean `!=`?'],
      ['flask<=>2', '`<=>` is not an operator: use one of `===`, `==`, `~=`, `!=`, `<=`, `>=`, `<`, `>`'],
      ['flask>=abc', '`abc` is not a version: versions are numbers such as 1.0, 2.1.3 or 1.0rc1 (PEP 440)'],
      ['flask>=1.*', '`.*` only follows `==` or `!=`: write `flask==1.*`'],
      ['flask~=1.*', '`~=` takes no `.*`: write `flask~=1.0` or `flask==1.*`'],
      ['flask>=1 python_version>"3"', 'an environment marker follows a `;`: write `flask>=1; python_version>"3"`'],
      ['flask>=1,<2 foo', '`foo` cannot follow the version `2`: separate clauses with `,`'],
      ['fla$k', '`$` cannot be in a package name (letters, digits, `.`, `_` and `-`)'],
      ['flask,requests', 'one requirement names one package: write requests on a line of its own'],
      ['flask[async]>= ; python_version>"3"', '`>=` needs a version, e.g. `flask>=1.0`'],
    ];
    for (const [text, expected] of cases) assert.equal(requirementMistake(text), expected, text);
  });

  it('leaves what it does not recognise to the parser', () => {
    for (const text of ['>=1', 'flask (>=1', 'flask>=1.0', 'flask @ ', 'flask; os_name ==']) assert.equal(requirementMistake(text), null, text);
  });

  it('keeps the file and line, in requirements files and pyproject.toml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-mistakes-'));
    writeFileSync(join(dir, 'requirements.txt'), 'requests\nflask>=\n');
    assert.throws(() => parseRequirementsFile(join(dir, 'requirements.txt')), (error: unknown) =>
      error instanceof InvalidRequirement && error.message === `${join(dir, 'requirements.txt')}:2: invalid requirement "flask>=": \`>=\` needs a version, e.g. \`flask>=1.0\``);
    assert.throws(() => parsePyproject('[project]\nname = "a"\nversion = "1"\ndependencies = ["requests>>2"]\n', 'pyproject.toml'), (error: unknown) =>
      error instanceof InvalidRequirement && error.message === 'pyproject.toml (project.dependencies[0]): invalid requirement "requests>>2": `>>` is not an operator; did you mean `>=` or `>`?');
  });
});
