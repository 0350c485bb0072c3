import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalizeName, isValidName, legacyKey } from '../src/pep503.js';

describe('names', () => {
  it('canonicalises per PEP 503', () => {
    assert.equal(canonicalizeName('Foo.Bar__baz-_-Qux'), 'foo-bar-baz-qux');
    assert.equal(canonicalizeName('zope.interface'), 'zope-interface');
  });

  it("derives mach-nix's legacy data key: dots kept", () => {
    assert.equal(legacyKey('Foo_Bar.baz'), 'foo-bar.baz');
    assert.equal(legacyKey('pdfminer.six'), 'pdfminer.six');
  });

  it('validates distribution names', () => {
    for (const name of ['a', 'A1', 'foo.bar', 'foo_bar-baz', '1a']) assert.ok(isValidName(name), name);
    for (const name of ['', '-a', 'a-', 'a b', 'a@b', '.a']) assert.ok(!isValidName(name), name);
  });
});
