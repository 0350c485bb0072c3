/**
 * Generators of the fuzzer's inputs, one per kind of text mach-nix reads: well-formed pieces put
 * together at random, then (mostly) mutated, sometimes nested deeply or given a long run of one
 * character — the shapes that crashed or hung the parsers before (issue 12).
 */
import { type Random, longRun, mutate, mutateBytes, nested } from './random.js';

const NAMES = ['requests', 'flask', 'zope.interface', 'Foo_Bar', 'a', 'x-y', 'numpy', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'pkg1'];
const VERSIONS = ['1.0', '2.0.1', '1!2.0', '1.0a1', '1.0.post1', '1.0.dev0', '1.0+local.7', 'v1.0', '1.*', '2', '0.0.0.0.1', '1.0rc2.post3.dev4', '  1.0  ', '99999999999999999999'];
const OPERATORS = ['==', '>=', '<=', '!=', '~=', '<', '>', '===', ''];
const VARIABLES = ['python_version', 'python_full_version', 'os_name', 'sys_platform', 'platform_machine', 'implementation_name', 'extra', 'platform_release', 'extras'];
const MARKER_OPS = ['==', '!=', '<', '>=', 'in', 'not in', '~=', '==='];
const EXTRAS = ['security', 'socks', 'dev', 'constructor', 'toString', '__proto__', 'a.b', 'x_y'];

export function version(random: Random): string {
  const base = random.pick(VERSIONS);
  return random.chance(0.5) ? mutate(random, base) : base;
}

export function specifier(random: Random): string {
  const clauses = random.some(3, () => `${random.pick(OPERATORS)}${random.pick(VERSIONS)}`).join(random.pick([',', ', ', ' ,']));
  return random.chance(0.6) ? mutate(random, clauses) : clauses;
}

function markerAtom(random: Random): string {
  const value = JSON.stringify(random.pick([...VERSIONS, ...EXTRAS, 'linux', 'cpython', 'x86_64']));
  return random.chance(0.5) ? `${random.pick(VARIABLES)} ${random.pick(MARKER_OPS)} ${value}` : `${value} ${random.pick(MARKER_OPS)} ${random.pick(VARIABLES)}`;
}

export function marker(random: Random): string {
  let text = markerAtom(random);
  for (let n = random.int(4); n > 0; n--) text = `${random.chance(0.5) ? `(${text})` : text} ${random.pick(['and', 'or'])} ${markerAtom(random)}`;
  if (random.chance(0.05)) text = nested('(', text, ')', 50 + random.int(3000));
  return text;
}

/** A PEP 508 requirement string, possibly with extras, a URL, a marker. */
export function requirement(random: Random): string {
  let text = random.pick(NAMES);
  if (random.chance(0.3)) text += `[${random.some(3, () => random.pick(EXTRAS)).join(',')}]`;
  if (random.chance(0.2)) text += ` @ ${random.pick(['https://example.org/x-1.0-py3-none-any.whl', 'file:///tmp/x.tar.gz', 'git+https://x/y.git#egg=y'])}`;
  else if (random.chance(0.7)) text += random.chance(0.3) ? ` (${specifier(random)})` : specifier(random);
  if (random.chance(0.4)) text += `; ${marker(random)}`;
  return random.chance(0.5) ? mutate(random, text) : text;
}

const OPTION_LINES = ['-r other.txt', '-c constraints.txt', '--index-url https://x/simple', '--extra-index-url=https://y', '--no-binary :all:', '--only-binary numpy', '--pre', '--require-hashes', '-f ./links', '--trusted-host x', '-e .', '-e ./pkg[dev]', './local', '../x.tar.gz', 'https://x/y-1.0-py3-none-any.whl', 'numpy 1.*', 'openjdk =8|11', 'blas 1.* openblas'];

/** A requirements.txt: requirements, options, comments, continuations, blank lines. */
export function requirementsTxt(random: Random): string {
  const lines = random.some(12, () => {
    const kind = random.int(10);
    if (kind < 5) return requirement(random) + (random.chance(0.2) ? ` --hash=sha256:${'a'.repeat(64)}` : '');
    if (kind < 7) return random.pick(OPTION_LINES);
    if (kind < 8) return `# ${random.pick(NAMES)}`;
    if (kind < 9) return `${requirement(random)} \\`;
    return '';
  });
  if (random.chance(0.02)) for (let i = 0; i < 5000; i++) lines.push(`${random.pick(NAMES)}>=1.${i}`);
  const text = lines.join(random.pick(['\n', '\r\n', '\n\n']));
  return random.chance(0.6) ? mutate(random, text) : text;
}

/** A pyproject.toml with [project], optional dependencies, dependency groups and [build-system]. */
export function pyprojectToml(random: Random): string {
  const list = () => `[${random.some(3, () => JSON.stringify(requirement(random))).join(', ')}]`;
  const parts = [`[project]\nname = ${JSON.stringify(random.pick(NAMES))}\nversion = ${JSON.stringify(random.pick(VERSIONS))}\ndependencies = ${list()}`];
  if (random.chance(0.5)) parts.push(`requires-python = ${JSON.stringify(specifier(random))}`);
  if (random.chance(0.6)) parts.push(`[project.optional-dependencies]\n${random.some(3, () => `${JSON.stringify(random.pick(EXTRAS))} = ${list()}`).join('\n')}`);
  if (random.chance(0.5)) {
    const groups = random.some(4, () => random.pick(['dev', 'test', 'docs', 'constructor']));
    parts.push(`[dependency-groups]\n${groups.map((g) => `${g} = [${random.chance(0.4) ? `{include-group = ${JSON.stringify(random.pick(groups))}}` : JSON.stringify(requirement(random))}]`).join('\n')}`);
  }
  if (random.chance(0.4)) parts.push(`[build-system]\nrequires = ${list()}\nbuild-backend = "setuptools.build_meta"`);
  if (random.chance(0.03)) parts.push(`[tool.x]\na = ${nested('[', '1', ']', 100 + random.int(2000))}`);
  const text = parts.join('\n');
  return random.chance(0.6) ? mutate(random, text) : text;
}

/** An environment.yml: channels, conda specs, a pip list; sometimes aliases or deep nesting. */
export function environmentYml(random: Random): string {
  const spec = () => random.pick(['numpy', 'numpy=1.2', 'numpy=1.2.3=py39_0', 'conda-forge::scipy >=1.0,<2', 'python=3.11', 'pip', '_libgcc_mutex', 'blas 1.* openblas', 'r-base 4.*|3.*']);
  let text = `name: ${random.pick(NAMES)}\nchannels:\n${random.some(3, () => `  - ${random.pick(['defaults', 'conda-forge', 'nodefaults', 'bioconda'])}`).join('\n')}\ndependencies:\n${random.some(6, () => `  - ${spec()}`).join('\n')}`;
  if (random.chance(0.5)) text += `\n  - pip:\n${random.some(4, () => `    - ${JSON.stringify(requirement(random))}`).join('\n')}`;
  if (random.chance(0.05)) {
    const levels = Array.from({ length: 6 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(8).fill(`*a${i}`).join(', ')}]`);
    text = `a0: &a0 [x, x, x, x, x, x, x, x]\n${levels.join('\n')}\n${text}\nextra: *a6`;
  }
  if (random.chance(0.03)) text += `\nx: ${nested(random.pick(['[', '{a: ']), '1', random.pick([']', '}']), 100 + random.int(3000))}`;
  return random.chance(0.6) ? mutate(random, text) : text;
}

/** A bucket of pypi-deps-db's wheel or sdist data, or of nix-pypi-fetcher-2's files, as JSON text. */
export function bucketJson(random: Random): { kind: 'wheel' | 'sdist' | 'files'; text: string } {
  const kind = random.pick(['wheel', 'sdist', 'files'] as const);
  const name = random.pick(NAMES).toLowerCase();
  const record = { requires_dist: random.some(3, () => requirement(random)), requires_python: random.chance(0.5) ? specifier(random) : undefined };
  const content =
    kind === 'wheel'
      ? { [name]: { py3: { [random.pick(VERSIONS)]: { [`${name}-1.0-py3-none-any.whl`]: record } } } }
      : kind === 'sdist'
        ? { [name]: { [random.pick(VERSIONS)]: { 311: { install_requires: random.some(3, () => requirement(random)), extras_require: { [random.pick(EXTRAS)]: [requirement(random)] }, python_requires: [specifier(random)] }, 310: '311' } } }
        : { [name]: { [random.pick(VERSIONS)]: { sdist: ['AAAA', `${name}-1.0.tar.gz`], wheels: { [`${name}-1.0-py3-none-any.whl`]: ['AAAA', 'py3'] } } } };
  const text = JSON.stringify(content);
  return { kind, text: random.chance(0.7) ? mutate(random, text) : text };
}

/** A lock file: a real one (`base`) with its JSON mutated, or with values replaced by hostile ones. */
export function lockJson(random: Random, base: string): string {
  if (random.chance(0.5)) return mutate(random, base);
  const document = JSON.parse(base) as { packages: Record<string, Record<string, unknown>>; roots: string[] };
  const names = Object.keys(document.packages);
  const hostile = () => random.pick([...NAMES, ...EXTRAS, '', '${x}', "''", '\n', '"', 1, null, [], {}, true]);
  for (let n = 1 + random.int(3); n > 0; n--) {
    const target = document.packages[random.pick(names)]!;
    const key = random.pick(['name', 'version', 'provider', 'dependencies', 'extras', 'root', 'source', 'why', 'notes']);
    target[key] = random.chance(0.5) ? hostile() : [hostile()];
  }
  if (random.chance(0.3)) document.roots.push(String(hostile()));
  return JSON.stringify(document);
}

/** Words of a mach-nix command line: real commands and options with generated or hostile values. */
export function commandLine(random: Random, files: { lock: string; tree: string; requirements: string; output: string }): string[] {
  // env, gen and db build run Nix or write files: not fuzzed; lock writes only where -o says
  const command = random.pick(['resolve', 'requirements', 'why', 'graph', 'lock', 'bogus', '--version', '--help']);
  const value = () =>
    random.pick([
      requirement(random), version(random), files.lock, files.tree, files.requirements, '{"_default": "wheel"}', '{"constructor": "wheel"}', '{x', '[]',
      '3.11', 'x86_64-linux', 'riscv-linux', '2.40', '', '-', '--', 'constructor', mutate(random, '{"_default": "wheel,sdist"}'),
    ]);
  const options = ['--python', '--platform', '--glibc', '--macos', '--deps-db', '--providers', '--provider-defaults', '--extra', '--group', '-r', '--lock', '--json', '--cuda', '--conda', '--build-system', '--check'];
  const argv = [command];
  for (let n = random.int(8); n > 0; n--) argv.push(random.chance(0.6) ? random.pick(options) : value());
  if (random.chance(0.6)) argv.push('--python', '3.11', '--platform', 'x86_64-linux', '--deps-db', files.tree, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}');
  if (command === 'lock') argv.push('-o', files.output);
  return argv;
}

/**
 * An input file damaged at the byte level (./random.ts's mutateBytes): a requirements.txt,
 * pyproject.toml, environment.yml or lock file (`baseLock`), as the name of the file and its
 * bytes. The texts are generated well-formed, so that what the reader refuses is the bytes.
 */
export function damagedFile(random: Random, baseLock: string): { name: string; bytes: Uint8Array } {
  const kind = random.int(4);
  const [name, text] =
    kind === 0 ? ['requirements.txt', random.pick(['flask\nrequests>=2  # é\n', 'six\n', requirementsTxt(random)])]
      : kind === 1 ? ['pyproject.toml', pyprojectToml(random)]
        : kind === 2 ? ['environment.yml', environmentYml(random)]
          : ['fuzzed.lock.json', baseLock];
  return { name, bytes: mutateBytes(random, Buffer.from(text.replace(/\0/g, ''), 'utf8')) };
}

export { longRun };
