import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidMarker, InvalidRequirement, MarkerEvaluationError } from '../src/errors.js';
import { type MarkerEnvironment, parseMarker, parseRequirement } from '../src/pep508.js';

const linux311: MarkerEnvironment = {
  python_version: '3.11',
  python_full_version: '3.11.9',
  os_name: 'posix',
  sys_platform: 'linux',
  platform_release: '6.1.0',
  platform_system: 'Linux',
  platform_version: '#1 SMP',
  platform_machine: 'x86_64',
  platform_python_implementation: 'CPython',
  implementation_name: 'cpython',
  implementation_version: '3.11.9',
};

describe('requirements', () => {
  it('parses names, extras, specifiers, markers and URLs', () => {
    const r = parseRequirement('Requests[socks, Security] >=2.0,<3 ; python_version >= "3.8"');
    assert.equal(r.name, 'Requests');
    assert.equal(r.key, 'requests');
    assert.deepEqual(r.extras, ['Security', 'socks']);
    assert.equal(r.specifier.toString(), '<3,>=2.0');
    assert.equal(r.marker?.toString(), 'python_version >= "3.8"');
    assert.equal(r.toString(), 'Requests[Security,socks]<3,>=2.0; python_version >= "3.8"');

    const old = parseRequirement('foo (>=1.0, !=1.5) ; extra == "Test_Tools"');
    assert.equal(old.specifier.toString(), '!=1.5,>=1.0');
    assert.equal(old.marker?.toString(), 'extra == "test-tools"', 'extra literals are PEP 685-normalised');

    const url = parseRequirement('pkg @ https://example.org/pkg-1.0.tar.gz ; os_name == "posix"');
    assert.equal(url.url, 'https://example.org/pkg-1.0.tar.gz');
    assert.equal(url.toString(), 'pkg @ https://example.org/pkg-1.0.tar.gz ; os_name == "posix"');
    assert.equal(parseRequirement('pkg@file:///tmp/x;y').url, 'file:///tmp/x;y', 'a URL runs to the next whitespace');
  });

  it('refuses malformed requirements with the reason and the position', () => {
    const cases: [string, RegExp][] = [
      ['', /package name/],
      ['foo >=1.0 bar', /semicolon/],
      ['foo[bar', /\]/],
      ['foo[a b]', /comma between extra names/],
      ['foo >=1.0.*', /\.\* suffix can only be used with `==` or `!=`/],
      ['foo ==1.0a1.*', /cannot be used with pre-release/],
      ['foo <1.0+local', /local version label/],
      ['foo @ https://x.org/a.whl; os_name == "a"', /whitespace after URL|semicolon/],
      ['foo ; os_name = "a"', /marker operator/],
      ['-e .', /package name/],
    ];
    for (const [text, reason] of cases) {
      assert.throws(
        () => parseRequirement(text),
        (error: unknown) => error instanceof InvalidRequirement && reason.test(error.message) && /at position \d+/.test(error.message),
        text,
      );
    }
  });
});

describe('markers', () => {
  const evaluate = (text: string, env: Partial<MarkerEnvironment> = {}) => parseMarker(text).evaluate({ ...linux311, ...env });

  it('compares version-like variables as versions', () => {
    assert.ok(evaluate('python_version >= "3.8"'));
    assert.ok(!evaluate('python_version < "3.10"'), '3.11 is not < 3.10, though "3.11" < "3.10" as text');
    assert.ok(evaluate('python_full_version ~= "3.11.0"'));
    assert.ok(evaluate('"3.8" < python_version'), 'a literal on the left works too');
    assert.ok(evaluate('python_version == "3.11.*"'));
  });

  it('compares other variables as strings, where only equality and membership mean something', () => {
    assert.ok(evaluate('sys_platform == "linux" and os_name != "nt"'));
    assert.ok(evaluate('"linux" in sys_platform'));
    assert.ok(!evaluate('sys_platform > "a"'), 'ordering is undefined for strings and never true');
    assert.ok(evaluate('sys_platform >= "linux"'), '>= on strings is equality');
    assert.throws(() => evaluate('sys_platform ~= "linux"'), MarkerEvaluationError);
  });

  it('evaluates extra, normalised; no extra means ""', () => {
    assert.ok(!evaluate('extra == "socks"'));
    assert.ok(evaluate('extra == "socks"', { extra: 'SOCKS' }));
    assert.ok(evaluate('extra == "Dev_Tools"', { extra: 'dev-tools' }));
    assert.ok(parseMarker('extra == "a" or python_version < "3"').mentionsExtra);
    assert.ok(!parseMarker('python_version < "3"').mentionsExtra);
  });

  it('binds and tighter than or, and evaluates every comparison', () => {
    assert.ok(evaluate('os_name == "nt" and python_version < "3" or sys_platform == "linux"'));
    assert.ok(!evaluate('os_name == "nt" and (python_version < "3" or sys_platform == "linux")'));
    assert.throws(() => evaluate('sys_platform == "linux" or os_name ~= "x"'), MarkerEvaluationError, 'no short circuit');
  });

  it('decodes Python string escapes in literals', () => {
    assert.ok(evaluate('sys_platform == "lin\\x75x"'));
    assert.throws(() => parseMarker('sys_platform == "a\\"'), InvalidMarker);
  });

  it('normalises its text', () => {
    assert.equal(parseMarker("  (os_name=='nt')  ").toString(), 'os_name == "nt"');
    assert.equal(parseMarker("((a_x == 'b'))".replace('a_x', 'os_name')).toString(), 'os_name == "b"');
    assert.equal(parseMarker("os.name == 'a' and (python_implementation == 'b' or sys.platform == 'c')").toString(),
      'os_name == "a" and (platform_python_implementation == "b" or sys_platform == "c")');
    assert.equal(parseMarker(`platform_version == 'say "hi"'`).toString(), `platform_version == 'say "hi"'`);
  });

  it('refuses malformed markers', () => {
    for (const text of ['', 'os_name', 'os_name == ', 'foo == "a"', '(os_name == "a"', 'os_name == "a" and', 'os_name not "a"']) {
      assert.throws(() => parseMarker(text), InvalidMarker, text);
    }
  });

  it('reports unknown variables in the environment as evaluation errors', () => {
    assert.throws(() => parseMarker('"a" == "b"').evaluate(linux311), MarkerEvaluationError);
  });
});
