/** An index sdist's Requires-Dist in setuptools' form, and the prefetch plan's choices, for a target. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProjectListing } from '../../src/index/client.js';
import { parseCoreMetadata } from '../../src/index/core-metadata.js';
import { setuptoolsRequirements } from '../../src/index/data-tree.js';
import { targetPlan } from '../../src/index/plan.js';
import type { IndexFile } from '../../src/index/project-files.js';
import { parseTarget } from '../../src/target.js';

const linux = parseTarget({ python: '3.11.2', platform: 'x86_64-linux', glibc: '2.36' });

test("Requires-Dist as install_requires (markers kept) and extras_require (each extra's lines for the target, markers dropped)", () => {
  const metadata = parseCoreMetadata(
    [
      'Metadata-Version: 2.2', 'Name: x', 'Version: 1.0',
      'Requires-Dist: six>=1.0', 'Requires-Dist: tomli; python_version < "3.11"',
      'Requires-Dist: idna; extra == "net"', 'Requires-Dist: pywin32; extra == "net" and sys_platform == "win32"',
      'Requires-Dist: rich[jupyter]>=13; extra == "Pretty-UI" or extra == "net"', 'Provides-Extra: net', 'Provides-Extra: Pretty_UI', '',
    ].join('\n'),
    { file: 'PKG-INFO' },
  );
  assert.deepEqual(setuptoolsRequirements(metadata, linux), {
    installRequires: ['six>=1.0', 'tomli; python_version < "3.11"'],
    extrasRequire: { net: ['idna', 'rich[jupyter]>=13'], 'pretty-ui': ['rich[jupyter]>=13'] },
  });
});

function file(filename: string, version: string, extra: Partial<IndexFile> = {}): IndexFile {
  return {
    filename, url: `https://i.example/files/${filename}`, hashes: {}, requiresPython: null, yanked: null, coreMetadata: null, size: null,
    project: 'x', version, kind: filename.endsWith('.whl') ? 'wheel' : 'sdist', sha256: null, index: 'https://i.example/simple/', ...extra,
  };
}

test('the plan guesses what the providers take first: the newest wheel for the target the request admits, else the newest sdist; yanked files only for a pin', () => {
  const plan = targetPlan(linux);
  const listing = (files: IndexFile[]): ProjectListing => ({ name: 'x', files, skipped: [], sources: [] });
  const files = [
    file('x-3.0b1-py3-none-any.whl', '3.0b1'),
    file('x-2.1-cp312-cp312-manylinux_2_17_x86_64.whl', '2.1'),
    file('x-2.1.tar.gz', '2.1'),
    file('x-2.0-py3-none-any.whl', '2.0', { requiresPython: '>=3.12' }),
    file('x-1.5-cp311-cp311-manylinux_2_17_x86_64.whl', '1.5', { yanked: 'broken' }),
    file('x-1.0-py3-none-any.whl', '1.0'),
    file('x-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', '1.0'),
  ];
  const choose = (specifier?: string) => plan.choose(listing(files), { name: 'x', ...(specifier === undefined ? {} : { specifier }) })?.filename ?? null;
  assert.equal(choose(), 'x-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', 'no prerelease, no wheel for another Python, none whose page excludes 3.11, none yanked');
  assert.equal(choose('>=3.0b1'), 'x-3.0b1-py3-none-any.whl');
  assert.equal(choose('==1.5'), 'x-1.5-cp311-cp311-manylinux_2_17_x86_64.whl');
  assert.equal(choose('>1.2,<2'), null);
  assert.equal(plan.choose(listing(files.filter((f) => f.kind === 'sdist')), { name: 'x' })?.filename, 'x-2.1.tar.gz');
  const metadata = parseCoreMetadata('Name: x\nVersion: 1.0\nRequires-Dist: a>=1\nRequires-Dist: b; sys_platform == "win32"\nRequires-Dist: c[d]; extra == "e"\nRequires-Dist: u @ https://u.example/u.whl\n', { file: 'METADATA' });
  assert.deepEqual(plan.dependencies(metadata, files[0]!, []), [{ name: 'a', extras: [], specifier: '>=1' }]);
  assert.deepEqual([...plan.dependencies(metadata, files[0]!, ['e'])].map((request) => request.name), ['a', 'c']);
});
