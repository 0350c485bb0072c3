import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../src/errors.js';
import { checkMetadataIdentity, dynamicDependencyReason, parseCoreMetadata, parseHeaders } from '../../src/index/core-metadata.js';
import { assertError } from '../helpers/errors.js';

const at = { file: 'https://example.org/files/demo-1.0-py3-none-any.whl', key: 'METADATA' };

test('core metadata: the resolver fields, multiple-use fields in order, folded lines unfolded, body ignored', () => {
  const text = [
    'Metadata-Version: 2.1',
    'Name: Demo.Pkg',
    'Version: 1.0rc1',
    'Summary: a summary that is',
    '  folded over two lines',
    'Requires-Python: >=3.8,',
    '\t<4',
    'Requires-Dist: requests (>=2.0)',
    "Requires-Dist: tomli; python_version < '3.11'",
    'requires-dist: pytest; extra == "test"',
    'Provides-Extra: test',
    'Provides-Extra: Docs_Extra',
    '',
    'Requires-Dist: not-a-header-this-is-the-description',
  ].join('\r\n');
  const metadata = parseCoreMetadata(new TextEncoder().encode(text), at);
  assert.deepEqual(metadata, {
    metadataVersion: '2.1',
    name: 'Demo.Pkg',
    version: '1.0rc1',
    requiresDist: ['requests (>=2.0)', "tomli; python_version < '3.11'", 'pytest; extra == "test"'],
    requiresPython: '>=3.8,\t<4',
    providesExtra: ['test', 'Docs_Extra'],
    dynamic: [],
  });
  assert.deepEqual(parseHeaders('Summary: a\n  b\nName: x'), [['summary', 'a  b'], ['name', 'x']]);
});

test('core metadata: missing Name or Version is one error naming the file; no Metadata-Version counts as 1.0', () => {
  assertError(() => parseCoreMetadata('Metadata-Version: 2.1\nVersion: 1\n', at), DataError, at.file, 'METADATA', 'no Name');
  assertError(() => parseCoreMetadata('Name: x\n', at), DataError, 'no Version');
  assert.equal(parseCoreMetadata('Name: x\nVersion: 1\n', at).metadataVersion, '1.0');
  // Undecodable bytes in free text do not break parsing.
  assert.equal(parseCoreMetadata(Buffer.concat([Buffer.from('Name: x\nVersion: 1\nSummary: '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]), at).name, 'x');
});

test('PEP 643: an sdist PKG-INFO is trusted for dependencies from Metadata-Version 2.2 on, unless they are Dynamic', () => {
  const pkgInfo = (version: string, ...dynamic: string[]) =>
    parseCoreMetadata(`Metadata-Version: ${version}\nName: x\nVersion: 1\n${dynamic.map((field) => `Dynamic: ${field}\n`).join('')}`, at);
  assert.equal(dynamicDependencyReason(pkgInfo('2.2')), null);
  assert.equal(dynamicDependencyReason(pkgInfo('2.4', 'License', 'Classifier')), null);
  assert.match(dynamicDependencyReason(pkgInfo('2.1'))!, /Metadata-Version 2\.1, older than 2\.2/);
  assert.match(dynamicDependencyReason(pkgInfo('1.0'))!, /older than 2\.2/);
  assert.match(dynamicDependencyReason(pkgInfo('2.2', 'requires-dist'))!, /marks Requires-Dist as Dynamic/);
  assert.match(dynamicDependencyReason(pkgInfo('2.3', 'Requires-Python', 'Requires-Dist'))!, /Requires-Dist and Requires-Python as Dynamic/);
  assert.match(dynamicDependencyReason(pkgInfo('garbage'))!, /older than 2\.2/);
});

test('metadata must describe the file it came from (name by PEP 503, version by PEP 440)', () => {
  const metadata = parseCoreMetadata('Name: Demo_Pkg\nVersion: 1.0-RC1\n', at);
  checkMetadataIdentity(metadata, 'demo-pkg', '1.0rc1', at);
  assertError(() => checkMetadataIdentity(metadata, 'other', '1.0rc1', at), DataError, 'names project "Demo_Pkg", expected "other"');
  assertError(() => checkMetadataIdentity(metadata, 'demo-pkg', '1.0', at), DataError, 'version "1.0-RC1"', '"1.0"');
});
