import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputFileError, InvalidMarker, InvalidRequirement } from '../src/errors.js';
import { assertError } from './helpers/errors.js';
import { SpecifierSet } from '../src/pep440.js';
import {
  type RequirementLine,
  type RequirementsFile,
  parseRequirementLine,
  parseRequirementsFile,
  parseRequirementsText,
} from '../src/requirements-txt.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'requirements-txt');
const SHA_A = `sha256:${'a'.repeat(64)}`;
const SHA_B = `sha256:${'b'.repeat(64)}`;

/** Reads files from an in-memory map, failing like the file system for names not in it. */
function memoryFiles(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return content;
  };
}

function parseFiles(files: Record<string, string>, top = 'project/requirements.txt'): RequirementsFile {
  return parseRequirementsFile(top, { readFile: memoryFiles(files) });
}

/** Parses text as the file `req.txt` in folder `/base`. */
function parse(text: string): RequirementsFile {
  return parseFiles({ '/base/req.txt': text }, '/base/req.txt');
}

function only(text: string): RequirementLine {
  const { requirements } = parse(text);
  assert.equal(requirements.length, 1, `one requirement in ${JSON.stringify(text)}`);
  return requirements[0]!;
}

/** A compact description of a line for comparisons. */
function describeLine(line: RequirementLine): string {
  switch (line.kind) {
    case 'requirement':
      return `requirement ${String(line.requirement)}`;
    case 'conda':
      return `conda ${line.name}${line.extras.length ? `[${line.extras.join(',')}]` : ''} ${line.anyOf.map(String).join(' | ')} build=${line.build}${line.marker ? ` ; ${String(line.marker)}` : ''}`;
    case 'editable':
      return `editable ${line.target}${line.extras.length ? `[${line.extras.join(',')}]` : ''}`;
    case 'path':
      return `path ${line.target}${line.extras.length ? `[${line.extras.join(',')}]` : ''}${line.marker ? ` ; ${String(line.marker)}` : ''}`;
  }
}

describe('logical lines', () => {
  it('drops comments and blank lines', () => {
    const { requirements } = parse('# a comment\n\n   \nfoo  # trailing comment\n    # indented comment\nbar\n');
    assert.deepEqual(requirements.map(describeLine), ['requirement foo', 'requirement bar']);
    assert.deepEqual(requirements.map((line) => line.source.line), [4, 6]);
  });

  it('keeps a # that does not follow whitespace (URL fragments)', () => {
    const line = only('https://example.org/pkg-1.0.zip#egg=pkg');
    assert.equal(describeLine(line), 'requirement pkg @ https://example.org/pkg-1.0.zip#egg=pkg');
  });

  it('joins continuation lines and locates them at their first line', () => {
    const { requirements } = parse('first\nfoo\\\n>=1.0\\\n,<2\nlast\n');
    assert.deepEqual(requirements.map(describeLine), ['requirement first', 'requirement foo<2,>=1.0', 'requirement last']);
    assert.deepEqual(requirements.map((line) => line.source.line), [1, 2, 5]);
  });

  it('ends a continuation at a comment line', () => {
    const { requirements } = parse('foo>=1 \\\n# a comment \\\nbar\n');
    assert.deepEqual(requirements.map(describeLine), ['requirement foo>=1', 'requirement bar']);
    assert.deepEqual(requirements.map((line) => line.source.line), [1, 3]);
  });

  it('accepts a continuation on the last line', () => {
    assert.equal(describeLine(only('foo==1.0 \\')), 'requirement foo==1.0');
  });

  it('reads CRLF line ends and a byte order mark', () => {
    const { requirements } = parse('\uFEFFfoo\r\nbar \\\r\n  >=2\r\n');
    assert.deepEqual(requirements.map(describeLine), ['requirement foo', 'requirement bar>=2']);
  });
});

describe('PEP 508 requirements', () => {
  it('keeps name, extras, specifier and marker', () => {
    const line = only('requests[socks,security] >=2.0,<3 ; python_version > "3.6"');
    assert.equal(line.kind, 'requirement');
    assert.equal(line.kind === 'requirement' && line.requirement.key, 'requests');
    assert.equal(describeLine(line), 'requirement requests[security,socks]<3,>=2.0; python_version > "3.6"');
    assert.deepEqual(line.source, { file: '/base/req.txt', line: 1 });
  });

  it('keeps direct references whole (unlike mach-nix, which dropped everything after @)', () => {
    const line = only('foo @ https://example.org/foo-1.0-py3-none-any.whl ; python_version >= "3"');
    assert.equal(line.kind, 'requirement');
    if (line.kind === 'requirement') {
      assert.equal(line.requirement.url, 'https://example.org/foo-1.0-py3-none-any.whl');
      assert.equal(String(line.requirement.marker), 'python_version >= "3"');
    }
  });

  it('does not turn extra markers into extras (a mach-nix quirk)', () => {
    const line = only("certifi ; extra == 'certs'");
    assert.equal(line.kind === 'requirement' && line.requirement.extras.length, 0);
    assert.equal(describeLine(line), 'requirement certifi; extra == "certs"');
  });

  it('reads `pytz>dev` and `pytz (>dev)` as pytz without a version constraint (pip special case)', () => {
    for (const text of ['pytz>dev', 'pytz (>dev)', 'pytz > dev']) {
      const line = only(text);
      assert.equal(line.kind, 'requirement', text);
      assert.equal(describeLine(line), 'requirement pytz', text);
    }
    assert.equal(describeLine(only('pytz>dev ; python_version < "3"')), 'requirement pytz; python_version < "3"');
  });

  it('reports an unparseable line as InvalidRequirement at file:line with the PEP 508 reason', () => {
    assertError(() => parse('ok\nfoo bar baz qux\n'), InvalidRequirement, '/base/req.txt:2', 'foo bar baz qux', 'expected');
    assertError(() => parse('foo >= 1.0 ; python_version >> "3"'), InvalidRequirement, '/base/req.txt:1', 'python_version');
    assertError(() => parse('foo==1.0[extra]'), InvalidRequirement, '/base/req.txt:1', 'foo==1.0[extra]');
    assertError(() => parse('requests lates'), InvalidRequirement, 'requests lates');
  });
});

describe('hashes', () => {
  it('attaches --hash=… and --hash … values, also from continuation lines', () => {
    const line = only(`foo==1.0 \\\n    --hash=${SHA_A} \\\n    --hash ${SHA_B}\n`);
    assert.equal(line.kind, 'requirement');
    assert.deepEqual(line.kind === 'requirement' && line.hashes, [SHA_A, SHA_B]);
  });

  it('accepts quoted values and sha384/sha512', () => {
    const sha512 = `sha512:${'c'.repeat(128)}`;
    const line = only(`foo==1.0 --hash="${SHA_A}" --hash='${sha512}' --hash=sha384:${'d'.repeat(96)}`);
    assert.deepEqual(line.kind === 'requirement' && line.hashes, [SHA_A, sha512, `sha384:${'d'.repeat(96)}`]);
  });

  it('attaches hashes to conda-style and path lines too', () => {
    assert.deepEqual((only(`foo 1.0 --hash=${SHA_A}`) as { hashes: string[] }).hashes, [SHA_A]);
    assert.deepEqual((only(`./foo-1.0.tar.gz --hash=${SHA_A}`) as { hashes: string[] }).hashes, [SHA_A]);
  });

  it('refuses weak or malformed hashes', () => {
    assertError(() => parse('foo --hash=md5:abc'), InputFileError, '/base/req.txt:1', '--hash', 'md5:abc');
    assertError(() => parse('foo --hash=sha256:xyz'), InputFileError, 'sha256:xyz');
    assertError(() => parse('foo --hash'), InputFileError, '--hash needs a value');
  });

  it('refuses --hash without a requirement', () => {
    assertError(() => parse(`--hash=${SHA_A}`), InputFileError, '/base/req.txt:1', '--hash', 'needs a requirement');
  });
});

describe('global options', () => {
  it('records every supported option', () => {
    const { options, requirements } = parse(
      [
        '--index-url https://first.example.org/simple',
        '-i https://second.example.org/simple',
        '--extra-index-url=https://extra1.example.org/simple',
        '--extra-index-url https://extra2.example.org/simple',
        '--no-index',
        '-f https://links.example.org/',
        '--find-links ./wheels',
        '-f/abs/wheels',
        '--no-binary :all:',
        '--no-binary=foo,Bar_baz',
        '--only-binary :none:',
        '--only-binary numpy',
        '--prefer-binary',
        '--pre',
        '--trusted-host host.example.org',
        '--require-hashes',
      ].join('\n'),
    );
    assert.deepEqual(requirements, []);
    const { given, ...state } = options;
    assert.deepEqual(state, {
      // pip: each -i replaces the list, --extra-index-url appends, --no-index empties it for good.
      indexUrls: [],
      findLinks: ['https://links.example.org/', '/base/wheels', '/abs/wheels'],
      noIndex: true,
      // pip's FormatControl: --only-binary :none: cleared only-binary, numpy moved there.
      noBinary: [':all:', 'bar-baz', 'foo'],
      onlyBinary: ['numpy'],
      preferBinary: true,
      pre: true,
      trustedHosts: ['host.example.org'],
      requireHashes: true,
    });
    assert.deepEqual(
      given.map(({ option, value, source }) => [option, value, source.line]),
      [
        ['--index-url', 'https://first.example.org/simple', 1],
        ['--index-url', 'https://second.example.org/simple', 2],
        ['--extra-index-url', 'https://extra1.example.org/simple', 3],
        ['--extra-index-url', 'https://extra2.example.org/simple', 4],
        ['--no-index', null, 5],
        ['--find-links', 'https://links.example.org/', 6],
        ['--find-links', '/base/wheels', 7],
        ['--find-links', '/abs/wheels', 8],
        ['--no-binary', ':all:', 9],
        ['--no-binary', 'foo,Bar_baz', 10],
        ['--only-binary', ':none:', 11],
        ['--only-binary', 'numpy', 12],
        ['--prefer-binary', null, 13],
        ['--pre', null, 14],
        ['--trusted-host', 'host.example.org', 15],
        ['--require-hashes', null, 16],
      ],
    );
  });

  it('reads index options line by line, as pip does', () => {
    const urls = (text: string) => parse(text).options.indexUrls;
    assert.deepEqual(urls('--extra-index-url https://a.example.org\n--index-url https://b.example.org'), ['https://b.example.org']);
    assert.deepEqual(urls('--index-url https://b.example.org\n--extra-index-url https://a.example.org'), ['https://b.example.org', 'https://a.example.org']);
    assert.deepEqual(urls('--extra-index-url https://a.example.org'), ['https://pypi.org/simple', 'https://a.example.org']);
    assert.deepEqual(urls('--no-index\n--index-url https://b.example.org'), []);
    assert.equal(urls('foo'), null);
  });

  it("keeps pip's FormatControl: :all:, :none:, names moving between the two lists", () => {
    const formats = (text: string) => {
      const { noBinary, onlyBinary } = parse(text).options;
      return { noBinary, onlyBinary };
    };
    assert.deepEqual(formats('--no-binary :all:\n--only-binary numpy'), { noBinary: [':all:'], onlyBinary: ['numpy'] });
    assert.deepEqual(formats('--only-binary numpy\n--no-binary :all:'), { noBinary: [':all:'], onlyBinary: [] });
    assert.deepEqual(formats('--no-binary :all:,:none:,Foo'), { noBinary: ['foo'], onlyBinary: [] });
    assert.deepEqual(formats('--no-binary foo\n--only-binary FOO'), { noBinary: [], onlyBinary: ['foo'] });
  });

  it('applies --no-binary and --only-binary written on a requirement line file-wide, as pip does', () => {
    const { requirements, options } = parse('psycopg2==2.8.2 --no-binary psycopg2\nflask --only-binary=:all:');
    assert.deepEqual(requirements.map(describeLine), ['requirement psycopg2==2.8.2', 'requirement flask']);
    assert.deepEqual(options.noBinary, []);
    assert.deepEqual(options.onlyBinary, [':all:']);
    assert.deepEqual(parse('psycopg2==2.8.2 --no-binary psycopg2').options.noBinary, ['psycopg2']);
    assert.deepEqual(options.given.map((line) => [line.option, line.source.line]), [['--no-binary', 1], ['--only-binary', 2]]);
  });

  it('refuses a tab before an option, which pip reads as part of the requirement', () => {
    assertError(() => parse(`foo==1.0\t--hash=${SHA_A}`), InputFileError, '/base/req.txt:1', '--hash', 'spaces only');
  });

  it('has empty defaults', () => {
    assert.deepEqual(parse('foo').options, {
      indexUrls: null,
      given: [],
      findLinks: [],
      noIndex: false,
      noBinary: [],
      onlyBinary: [],
      preferBinary: false,
      pre: false,
      trustedHosts: [],
      requireHashes: false,
    });
  });

  it('splits --only-binary values at commas only inside one value', () => {
    // `numpy , scipy` is the value `numpy` followed by stray words: an error, as below.
    assert.deepEqual(parse('--only-binary=numpy,scipy').options.onlyBinary, ['numpy', 'scipy']);
  });

  it('accepts several options on one line, the --pypi-url alias and a glued short value', () => {
    const { options } = parse('--pre --prefer-binary -ihttps://glued.example.org --pypi-url https://alias.example.org');
    assert.equal(options.pre, true);
    assert.equal(options.preferBinary, true);
    assert.deepEqual(options.indexUrls, ['https://alias.example.org']);
  });

  it('refuses unknown options, naming them with file:line', () => {
    for (const option of ['--foo', '-x', '--global-option', '--config-settings', '--use-feature', '--index']) {
      assertError(() => parse(`foo\n${option}=value`), InputFileError, '/base/req.txt:2', `unsupported option ${option}`);
    }
    assertError(() => parse('foo --install-option=--prefix=/x'), InputFileError, '/base/req.txt:1', '--install-option');
  });

  it('refuses a value on a flag, a missing value and stray words', () => {
    assertError(() => parse('--pre=yes'), InputFileError, '/base/req.txt:1', '--pre takes no value');
    assertError(() => parse('--index-url'), InputFileError, '--index-url needs a value');
    assertError(() => parse('-i --pre'), InputFileError, '-i needs a value');
    assertError(() => parse('--no-binary ,'), InputFileError, '--no-binary needs package names');
    assertError(() => parse('--only-binary numpy , scipy'), InputFileError, 'unexpected ","');
    assertError(() => parse('-r a.txt b.txt'), InputFileError, '/base/req.txt:1', 'unexpected "b.txt"');
    assertError(() => parse('--index-url "https://unclosed'), InputFileError, 'unbalanced quotes');
  });

  it('refuses options that apply to the whole file on a requirement line (pip ignores them)', () => {
    assertError(() => parse('foo==1.0 --pre'), InputFileError, '/base/req.txt:1', '--pre', 'line of its own');
    assertError(() => parse('foo -i https://x.org'), InputFileError, '-i');
    assertError(() => parse('foo -r other.txt'), InputFileError, '-r');
  });
});

describe('environment variables', () => {
  it('refuses ${VAR} references, naming the variable and why', () => {
    process.env.MACH_NIX_TEST_TOKEN = 'secret';
    try {
      assertError(
        () => parse('foo\n--index-url https://${MACH_NIX_TEST_TOKEN}@pypi.example.org/simple'),
        InputFileError,
        '/base/req.txt:2',
        '${MACH_NIX_TEST_TOKEN}',
        'machine',
      );
      assertError(() => parse('foo @ https://example.org/${VERSION}/foo.whl'), InputFileError, '${VERSION}');
    } finally {
      delete process.env.MACH_NIX_TEST_TOKEN;
    }
  });

  it('ignores references in comments', () => {
    assert.equal(describeLine(only('foo  # uses ${HOME}')), 'requirement foo');
  });
});

describe('includes', () => {
  it('reads -r and -c relative to the including file, recursively, in order', () => {
    const result = parseFiles({
      'project/requirements.txt': 'first\n-r sub/more.txt\n--constraint=constraints.txt\nlast\n',
      'project/sub/more.txt': 'middle\n-r ../shared/common.txt\n',
      'project/shared/common.txt': 'common\n',
      'project/constraints.txt': 'urllib3<2\n-r constraints-more.txt\n',
      'project/constraints-more.txt': 'idna<4\n--pre\n',
    });
    assert.deepEqual(result.requirements.map(describeLine), [
      'requirement first',
      'requirement middle',
      'requirement common',
      'requirement last',
    ]);
    assert.deepEqual(result.constraints.map(describeLine), ['requirement urllib3<2', 'requirement idna<4']);
    assert.deepEqual(result.files, [
      'project/requirements.txt',
      'project/sub/more.txt',
      'project/shared/common.txt',
      'project/constraints.txt',
      'project/constraints-more.txt',
    ]);
    // Options in included files count, constraint files included.
    assert.equal(result.options.pre, true);
    assert.deepEqual(result.requirements[2]!.source, { file: 'project/shared/common.txt', line: 1 });
    assert.deepEqual(result.constraints[1]!.source, { file: 'project/constraints-more.txt', line: 1 });
  });

  it('accepts -rFILE, --requirement FILE, quoted names and absolute paths', () => {
    const result = parseFiles({
      'project/requirements.txt': '-ra.txt\n--requirement "with space.txt"\n-r /abs/c.txt\n',
      'project/a.txt': 'a\n',
      'project/with space.txt': 'b\n',
      '/abs/c.txt': 'c\n',
    });
    assert.deepEqual(result.requirements.map(describeLine), ['requirement a', 'requirement b', 'requirement c']);
  });

  it('reads a file included twice (not a cycle) twice but lists it once', () => {
    const result = parseFiles({
      'project/requirements.txt': '-r a.txt\n-r b.txt\n',
      'project/a.txt': '-r common.txt\n',
      'project/b.txt': '-r common.txt\n',
      'project/common.txt': 'shared\n',
    });
    assert.deepEqual(result.requirements.map(describeLine), ['requirement shared', 'requirement shared']);
    assert.deepEqual(result.files, ['project/requirements.txt', 'project/a.txt', 'project/common.txt', 'project/b.txt']);
  });

  it('reports an include cycle with its chain at the including line', () => {
    assertError(
      () =>
        parseFiles(
          { 'a.txt': 'foo\n-r b.txt\n', 'b.txt': '\n\n-r ./a.txt\n' },
          'a.txt',
        ),
      InputFileError,
      'b.txt:3',
      'a.txt -> b.txt -> a.txt',
    );
    assertError(() => parseFiles({ 'x/a.txt': '-c a.txt\n' }, 'x/a.txt'), InputFileError, 'x/a.txt:1', 'x/a.txt -> x/a.txt');
  });

  it('reports a missing included file at the including line', () => {
    assertError(
      () => parseFiles({ 'project/requirements.txt': 'foo\n\n-r missing.txt\n' }),
      InputFileError,
      'project/requirements.txt:3',
      'project/missing.txt',
      'no such file',
    );
  });

  it('reports a missing top-level file', () => {
    assertError(() => parseFiles({}, 'nowhere/requirements.txt'), InputFileError, 'nowhere/requirements.txt', 'no such file');
  });

  it('refuses to include a URL', () => {
    assertError(() => parse('-r https://example.org/requirements.txt'), InputFileError, '/base/req.txt:1', 'https://example.org/requirements.txt');
  });

  it('refuses editables and unnamed locations as constraints', () => {
    const files = (constraints: string) => ({ 'project/requirements.txt': '-c c.txt\n', 'project/c.txt': constraints });
    assertError(() => parseFiles(files('-e ./pkg\n')), InputFileError, 'project/c.txt:1', 'editable');
    assertError(() => parseFiles(files('ok\n./pkg\n')), InputFileError, 'project/c.txt:2', 'project name');
  });
});

describe('editables', () => {
  it('takes a local path relative to the working directory, as pip does, and keeps extras', () => {
    assert.equal(describeLine(only('-e ./pkg[dev,test]')), 'editable ./pkg[dev,test]');
    assert.equal(describeLine(only('--editable=..')), 'editable ..');
    assert.equal(describeLine(only('-e .')), 'editable .');
    assert.equal(describeLine(only('-e .[ci]')), 'editable .[ci]');
    assert.equal(describeLine(only('-e /abs/pkg')), 'editable /abs/pkg');
    const relative = parseFiles({ 'project/requirements.txt': '-e .\n-e ../other\n-e sub/pkg\n' });
    assert.deepEqual(relative.requirements.map(describeLine), ['editable .', 'editable ../other', 'editable ./sub/pkg']);
  });

  it('keeps a VCS or URL target as written', () => {
    const target = 'git+https://github.com/org/repo.git@v1.0#egg=repo';
    assert.equal(describeLine(only(`-e ${target}`)), `editable ${target}`);
  });

  it('refuses other options beside -e, and -e after a requirement', () => {
    assertError(() => parse(`-e ./pkg --hash=${SHA_A}`), InputFileError, '/base/req.txt:1', '--hash');
    assertError(() => parse('-e ./a -e ./b'), InputFileError, '-e');
    assertError(() => parse('foo -e ./pkg'), InputFileError, '-e', 'cannot follow a requirement');
  });
});

describe('paths and URLs without a name', () => {
  it('keeps bare local paths relative to the working directory, as pip does', () => {
    assert.equal(describeLine(only('./pkg')), 'path ./pkg');
    assert.equal(describeLine(only('.')), 'path .');
    assert.equal(describeLine(only('.[ci]')), 'path .[ci]');
    assert.equal(describeLine(only('../dist/x-1.0.tar.gz')), 'path ../dist/x-1.0.tar.gz');
    assert.equal(describeLine(only('/abs/dir')), 'path /abs/dir');
    assert.equal(describeLine(only('sub/dir')), 'path ./sub/dir');
    assert.equal(describeLine(only('foo-1.0-py3-none-any.whl')), 'path ./foo-1.0-py3-none-any.whl');
    assert.equal(describeLine(only('foo-1.0+local.tar.gz')), 'path ./foo-1.0+local.tar.gz');
  });

  it('keeps extras and markers of a path', () => {
    assert.equal(describeLine(only('./pkg[b,a] ; python_version < "3.12"')), 'path ./pkg[a,b] ; python_version < "3.12"');
    assertError(() => parse('./pkg ; python_version <<< "3"'), InvalidMarker, '/base/req.txt:1');
  });

  it('keeps file: URLs as written', () => {
    assert.equal(describeLine(only('file:///srv/pkgs/foo-1.0.tar.gz')), 'path file:///srv/pkgs/foo-1.0.tar.gz');
  });

  it('names a web URL as pip does: a wheel by its file name, anything else by #egg=, extras kept', () => {
    assert.equal(describeLine(only('https://example.org/foo-1.0-py3-none-any.whl')), 'requirement foo @ https://example.org/foo-1.0-py3-none-any.whl');
    assert.equal(
      describeLine(only('https://example.org/pkg-1.0.tar.gz#egg=pkg[b,a] ; sys_platform == "linux"')),
      'requirement pkg[a,b] @ https://example.org/pkg-1.0.tar.gz#egg=pkg[b,a] ; sys_platform == "linux"',
    );
    const hashed = only(`https://example.org/pkg.zip#egg=pkg --hash=${SHA_A}`);
    assert.deepEqual(hashed.kind === 'requirement' && hashed.hashes, [SHA_A]);
  });

  it('refuses a web URL it cannot name, saying what to write', () => {
    assertError(() => parse('https://example.org/a;b/foo.zip ; sys_platform == "linux"'), InputFileError, '/base/req.txt:1', 'https://example.org/a;b/foo.zip', '`name @ https://example.org/a;b/foo.zip`');
  });

  it('refuses version-control URLs, bare or named, saying how to build them instead', () => {
    for (const text of ['git+https://github.com/org/repo.git@main#egg=repo', 'repo @ git+https://github.com/org/repo.git@v1.0', 'hg+https://example.org/repo']) {
      assertError(() => parse(`ok\n${text}`), InputFileError, '/base/req.txt:2', 'version-control requirements are not supported', 'builtins.fetchGit', 'packagesExtra');
    }
  });

  it('needs a base directory for relative paths in text', () => {
    assertError(() => parseRequirementsText('./pkg', { name: '<requirements>' }), InputFileError, '<requirements>:1', './pkg', 'base directory');
    assert.equal(describeLine(parseRequirementsText('/abs/pkg', { name: '<requirements>' }).requirements[0]!), 'path /abs/pkg');
  });
});

describe('conda-style lines (mach-nix §6.1)', () => {
  const cases: [string, string][] = [
    ['requests 2.24.0', 'conda requests ==2.24.0 build=null'],
    ['tensorflow 2.4', 'conda tensorflow ==2.4 build=null'],
    ['blas 1.* openblas', 'conda blas ==1.* build=openblas'],
    ['ixmp ==0.1.3 1', 'conda ixmp ==0.1.3 build=1'],
    ['openjdk =8|11', 'conda openjdk ==8 | ==11 build=null'],
    ['openjdk =8', 'conda openjdk ==8 build=null'],
    ['ruamel.yaml >=0.12.4,<0.16|0.16.5.*', 'conda ruamel.yaml <0.16,>=0.12.4 | ==0.16.5.* build=null'],
    ['tensorflow-base 2.0.0 gpu_py36h0ec5d1f_0', 'conda tensorflow-base ==2.0.0 build=gpu_py36h0ec5d1f_0'],
    ['hdf5 >=1.10 mpi_mpich_*', 'conda hdf5 >=1.10 build=mpi_mpich_*'],
    ['blas * openblas', 'conda blas  build=openblas'],
    ['blas 1.0 *', 'conda blas ==1.0 build=null'],
    ['numpy >= 1.0, < 2 | == 3.0', 'conda numpy <2,>=1.0 | ==3.0 build=null'],
    ['foo (>=1.0) build_1', 'conda foo >=1.0 build=build_1'],
    ['foo 1.2*', 'conda foo ==1.2.* build=null'],
    ['openssl 1.1.1k', 'conda openssl ===1.1.1k build=null'],
    ['requests[socks,security] 2.24.0', 'conda requests[security,socks] ==2.24.0 build=null'],
    ['requests 2.24.0 ; python_version > "3"', 'conda requests ==2.24.0 build=null ; python_version > "3"'],
  ];
  for (const [text, expected] of cases) {
    it(text, () => {
      const line = only(text);
      assert.equal(describeLine(line), expected);
    });
  }

  it('gives the outputs verified against mach-nix (§6.1), as PEP 508 where it applies', () => {
    const line = only("requests[socks]>=2.0; python_version>'3'");
    assert.equal(line.kind, 'requirement');
    assert.equal(describeLine(line), 'requirement requests[socks]>=2.0; python_version > "3"');
    assert.equal(describeLine(only('ruamel.yaml >=0.12.4,<0.16|0.16.5.*')), 'conda ruamel.yaml <0.16,>=0.12.4 | ==0.16.5.* build=null');
    assert.equal(describeLine(only('tensorflow 2.4')), 'conda tensorflow ==2.4 build=null');
  });

  it('has name, PEP 503 key and the source line', () => {
    const line = only('# comment\nRuamel_Yaml 0.16.5');
    assert.equal(line.kind, 'conda');
    if (line.kind === 'conda') {
      assert.equal(line.name, 'Ruamel_Yaml');
      assert.equal(line.key, 'ruamel-yaml');
      assert.deepEqual(line.source, { file: '/base/req.txt', line: 2 });
      assert.deepEqual(line.hashes, []);
    }
  });

  it('represents "any version" as [SpecifierSet.any]', () => {
    const line = only('blas * openblas');
    assert.equal(line.kind === 'conda' && line.anyOf.length, 1);
    assert.equal(line.kind === 'conda' && line.anyOf[0]!.isEmpty, true);
  });

  it('refuses what neither grammar accepts, with the PEP 508 reason', () => {
    for (const text of ['foo 1.0 build extra', 'foo bar', 'foo 1.0 bu|ld', 'foo =', 'foo 1.0|', 'foo (>=1.0', 'foo 1.0 ; nonsense', 'foo[-x] 1.0']) {
      assertError(() => parse(`ok\n${text}`), InvalidRequirement, '/base/req.txt:2', JSON.stringify(text), 'position');
    }
  });
});

describe('parseRequirementsText', () => {
  it('names the origin in locations and resolves includes against baseDir', () => {
    const result = parseRequirementsText(
      'flask\n-r extra.txt\n-e ./pkg\n',
      { name: 'mkPython requirements', baseDir: '/src' },
      { readFile: memoryFiles({ '/src/extra.txt': 'click\n' }) },
    );
    assert.deepEqual(result.requirements.map(describeLine), ['requirement flask', 'requirement click', 'editable /src/pkg']);
    assert.deepEqual(result.requirements[0]!.source, { file: 'mkPython requirements', line: 1 });
    assert.deepEqual(result.files, ['/src/extra.txt']);
  });

  it('refuses -r and -c without baseDir', () => {
    assertError(() => parseRequirementsText('flask\n-r extra.txt', { name: '<text>' }), InputFileError, '<text>:2', 'extra.txt', 'base directory');
    assertError(() => parseRequirementsText('-c c.txt', { name: '<text>' }), InputFileError, '<text>:1', 'c.txt');
  });

  it('reports syntax errors at the origin name', () => {
    assertError(() => parseRequirementsText('a\nb c d e', { name: '<text>' }), InvalidRequirement, '<text>:2', 'b c d e');
  });
});

describe('parseRequirementLine', () => {
  const source = { file: 'environment.yml', line: 7, key: 'dependencies[3].pip[0]' };

  it('parses one requirement with hashes, stripping a comment', () => {
    const line = parseRequirementLine(`foo==1.0 --hash=${SHA_A}  # pinned`, source, '/env');
    assert.equal(describeLine(line), 'requirement foo==1.0');
    assert.deepEqual(line.kind === 'requirement' && line.hashes, [SHA_A]);
    assert.deepEqual(line.source, source);
  });

  it('reads editables, paths and conda-style lines', () => {
    assert.equal(describeLine(parseRequirementLine('-e ./pkg', source, '/env')), 'editable /env/pkg');
    assert.equal(describeLine(parseRequirementLine('../x.tar.gz', source, '/env/sub')), 'path /env/x.tar.gz');
    assert.equal(describeLine(parseRequirementLine('numpy 1.19', source, null)), 'conda numpy ==1.19 build=null');
  });

  it('refuses options that need a file, empty lines, --hash alone and ${VAR}', () => {
    assertError(() => parseRequirementLine('-r other.txt', source, '/env'), InputFileError, 'environment.yml:7', 'dependencies[3].pip[0]', '-r');
    assertError(() => parseRequirementLine('--index-url https://x.org', source, '/env'), InputFileError, '--index-url');
    assertError(() => parseRequirementLine('foo --pre', source, '/env'), InputFileError, '--pre');
    assertError(() => parseRequirementLine('# only a comment', source, '/env'), InputFileError, 'empty requirement');
    assertError(() => parseRequirementLine(`--hash=${SHA_A}`, source, '/env'), InputFileError, '--hash', 'needs a requirement');
    assertError(() => parseRequirementLine('foo==${V}', source, '/env'), InputFileError, '${V}');
    assertError(() => parseRequirementLine('foo bar baz', source, '/env'), InvalidRequirement, 'environment.yml:7', 'foo bar baz');
  });
});

describe('on-disk files', () => {
  it('reads a fixture with includes, constraints, hashes, options and an editable', () => {
    const file = join(fixtures, 'requirements.txt');
    const result = parseRequirementsFile(file);
    assert.deepEqual(result.files, [file, join(fixtures, 'sub', 'base.txt'), join(fixtures, 'constraints.txt')]);
    assert.deepEqual(result.requirements.map(describeLine), [
      'requirement click>=8',
      'requirement flask>=2.0; python_version >= "3.8"',
      'requirement requests==2.31.0',
      'editable ./local-pkg[dev]',
    ]);
    assert.deepEqual(result.requirements.map((line) => line.source.line), [2, 6, 7, 9]);
    assert.deepEqual(
      result.requirements[2]!.kind === 'requirement' && result.requirements[2]!.hashes,
      ['sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f'],
    );
    assert.deepEqual(result.constraints.map(describeLine), ['requirement urllib3<2']);
    assert.deepEqual(result.options.indexUrls, ['https://pypi.example.org/simple']);
    assert.deepEqual(result.options.findLinks, [join(fixtures, 'wheels')]);
  });

  it('reports a missing file with its path', () => {
    assertError(() => parseRequirementsFile(join(fixtures, 'absent.txt')), InputFileError, join(fixtures, 'absent.txt'), 'no such file');
  });

  it('reports a directory given as the file', () => {
    assertError(() => parseRequirementsFile(fixtures), InputFileError, fixtures, 'is a directory');
  });
});

describe('determinism', () => {
  it('gives equal results for equal input, whatever the working directory', () => {
    const files = { 'project/requirements.txt': '-r a.txt\n-e ./pkg\n./local\nfoo 1.0\n', 'project/a.txt': 'bar>=1\n' };
    const first = parseFiles(files);
    const cwd = process.cwd();
    process.chdir('/');
    try {
      // Specifiers hold closures, so compare the serialised form.
      assert.equal(JSON.stringify(parseFiles(files)), JSON.stringify(first));
    } finally {
      process.chdir(cwd);
    }
    assert.deepEqual(first.requirements.map(describeLine), ['requirement bar>=1', 'editable ./pkg', 'path ./local', 'conda foo ==1.0 build=null']);
  });

  it('SpecifierSet.any is the unconstrained alternative', () => {
    const line = only('foo');
    assert.equal(line.kind === 'requirement' && line.requirement.specifier.toString(), SpecifierSet.any.toString());
  });
});
