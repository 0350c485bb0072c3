import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonObjectEntries } from '../../src/db/json-entries.js';

/** The value of each name as found through the entries (parsed from its span), or null. */
function valueOf(text: string, name: string): unknown {
  const entries = jsonObjectEntries(text);
  if (entries === null) return null;
  const span = entries.get(name);
  return span === undefined ? undefined : JSON.parse(text.slice(span[0], span[1]));
}

describe('jsonObjectEntries', () => {
  it('finds every top-level value of any kind, however the text is laid out', () => {
    const object: Record<string, unknown> = { a: { b: [1, { c: '}"]' }] }, 'd\\"e': 'x', n: -1.5e3, t: true, z: null, arr: [], '': {} };
    for (const text of [JSON.stringify(object), JSON.stringify(object, null, 2), JSON.stringify(object, null, '\t\n ')]) {
      for (const name of Object.keys(object)) assert.deepEqual(valueOf(text, name), object[name], `${name} in ${text}`);
      assert.equal(valueOf(text, 'absent'), undefined);
    }
  });

  it('decodes escaped names and takes the last of duplicate names, as JSON.parse does', () => {
    assert.equal(valueOf('{"zope\\u002einterface": 1}', 'zope.interface'), 1);
    assert.equal(valueOf('{"a": 1, "b": 1, "a": 2}', 'a'), 2);
    assert.equal(valueOf('{"a": 1, "b": 1, "\\u0061": 3}', 'a'), 3);
  });

  it('refuses what is not one balanced object', () => {
    const malformed = ['', '[]', '"a"', '{"a": {"b": 1}', '{"a": "b}', '{"a": 1} x', '{"a" 1}', '{"a" 1, "b": 2}', '{"a": 1 "b": 2}', '{"a": 1,, "b": 2}', '{"a": }', '{\u00a0"a": 1}'];
    for (const text of malformed) assert.equal(jsonObjectEntries(text), null, text);
  });

  it('agrees with JSON.parse on random objects (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom(undefined, 1, 2, '\t'), fc.string(), (object, indent, other) => {
        const text = JSON.stringify(object, null, indent);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        for (const name of [...Object.keys(parsed), other]) assert.deepEqual(valueOf(text, name), Object.hasOwn(parsed, name) ? parsed[name] : undefined);
      }),
      { numRuns: 500 },
    );
  });
});
