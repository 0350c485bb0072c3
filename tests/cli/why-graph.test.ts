/** `mach-nix why` and `mach-nix graph` on locks of the real-PyPI corpus. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { graphOf, toDot, toMermaid } from '../../src/cli/graph.js';
import type { Resolution } from '../../src/generated/resolution.js';
import { conformanceDir, repoDir } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';

const corpus = join(conformanceDir, 'resolver/localpypi-2026');
const dir = mkdtempSync(join(tmpdir(), 'mach-nix-why-'));

const machNix = (...argv: string[]) => runCli(argv);

const lock = (name: string, ...requirements: string[]) =>
  machNix('lock', ...requirements, '--python', '3.11.2', '--platform', 'x86_64-linux', '--deps-db', corpus,
    '--providers', '{"_default": "wheel,sdist"}', '--provider-defaults', '{}', '-o', join(dir, name));

describe('mach-nix why', () => {
  before(async () => {
    assert.equal((await lock('flask.json', 'flask', 'requests')).code, 0);
    assert.equal((await lock('pinned.json', 'pandas<3', 'scipy<1.16')).code, 0);
  });

  it('shows every requirement on a package and a chain from each requirement that pulls it in', async () => {
    const result = await machNix('why', 'MarkupSafe', '--lock', join(dir, 'flask.json'));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, [
      'markupsafe 3.0.3 — wheel markupsafe-3.0.3-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl',
      'required by:',
      '  flask 3.1.3: markupsafe>=2.1.1',
      '  jinja2 3.1.6: MarkupSafe>=2.0',
      '  werkzeug 3.1.9: markupsafe>=2.1.1',
      'pulled in by:',
      '  requirements:1: flask → flask 3.1.3 needs markupsafe>=2.1.1 → markupsafe 3.0.3',
      'this version: the most preferred candidate — the newest version of the first provider that has one (wheel)',
      'this provider: wheel; the providers for markupsafe, in the order they are preferred:',
      '  wheel: 1 candidate  ← chosen',
      '  sdist: 0 candidates',
      '',
    ].join('\n'));
  });

  it('says which preferred versions were not taken, and why', async () => {
    const scipy = await machNix('why', 'scipy', '--lock', join(dir, 'pinned.json'));
    assert.match(scipy.stdout, /\n {2}1\.17\.1, 1\.17\.0, 1\.16\.3 \(wheel\): excluded by scipy<1\.16 \(your requirements\)\n/);
    const numpy = await machNix('why', 'numpy', '--lock', join(dir, 'pinned.json'), '--json');
    const parsed = JSON.parse(numpy.stdout) as { package: { version: string }; chains: { requirement: string; steps: { package: string; requires: string | null }[] }[] };
    assert.deepEqual(parsed.chains.map((c) => [c.requirement, c.steps.map((s) => s.package)]), [['pandas<3', ['pandas', 'numpy']], ['scipy<1.16', ['scipy', 'numpy']]]);
    assert.equal(parsed.chains[0]!.steps[0]!.requires, 'numpy>=1.23.2');
  });

  it('reads locks without the record, and refuses names the lock does not have', async () => {
    const old = JSON.parse(readFileSync(join(dir, 'flask.json'), 'utf8')) as Resolution;
    for (const p of Object.values(old.packages)) delete p!.why;
    writeFileSync(join(dir, 'old.json'), JSON.stringify(old));
    const result = await machNix('why', 'jinja2', '--lock', join(dir, 'old.json'));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\n {2}requirements:1: flask → flask 3\.1\.3 → jinja2 3\.1\.6\n\(this lock does not record why this version and provider/);
    const misspelt = await machNix('why', 'jinja', '--lock', join(dir, 'flask.json'));
    assert.deepEqual([misspelt.code, misspelt.stderr], [2, `error: jinja is not in the resolution of ${join(dir, 'flask.json')}: did you mean jinja2?\n`]);
    const missing = await machNix('why', 'flask', '--lock', join(dir, 'nothing.json'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nothing\.json: no such file: write it with mach-nix lock/);
  });
});

describe('mach-nix graph', () => {
  it('writes dot, Mermaid and JSON, byte-identical for equal locks', async () => {
    assert.equal((await lock('a.json', 'flask', 'requests')).code, 0);
    const dot = await machNix('graph', '--lock', join(dir, 'a.json'));
    assert.equal(dot.code, 0, dot.stderr);
    assert.match(dot.stdout, /^digraph dependencies \{\n/);
    assert.match(dot.stdout, /\n {2}"flask" \[label="flask 3\.1\.3\\nwheel", style=bold\];\n/);
    assert.match(dot.stdout, /\n {2}"jinja2" -> "markupsafe";\n/);
    assert.equal((await machNix('graph', '--lock', join(dir, 'a.json'))).stdout, dot.stdout);
    const mermaid = await machNix('graph', '--lock', join(dir, 'a.json'), '--format', 'mermaid');
    assert.match(mermaid.stdout, /^graph LR\n/);
    const json = JSON.parse((await machNix('graph', '--lock', join(dir, 'a.json'), '--format', 'json')).stdout) as ReturnType<typeof graphOf>;
    assert.equal(json.nodes.length, 12);
    assert.ok(json.edges.some((e) => e.from === 'requests' && e.to === 'urllib3' && e.kind === 'runtime'));
    assert.equal((await machNix('graph', '--format', 'svg')).code, 2);
  });

  it("draws the README's graph: the Mermaid source of the README's lock", async () => {
    const readme = readFileSync(join(repoDir, 'README.md'), 'utf8');
    const command = /\$ mach-nix (lock -r examples\/flask-app\/requirements\.txt .*?) -o \/tmp\/mach-nix-readme\.lock\.json\n/.exec(readme)![1]!;
    const lockArgs = command.match(/'[^']*'|\S+/g)!.map((word) => word.replace(/^'(.*)'$/, '$1'));
    const before = process.cwd();
    process.chdir(repoDir);
    try {
      assert.equal((await machNix(...lockArgs, '-o', join(dir, 'readme.json'))).code, 0);
    } finally {
      process.chdir(before);
    }
    const drawn = (await machNix('graph', '--lock', join(dir, 'readme.json'), '--format', 'mermaid')).stdout;
    assert.equal(/```mermaid\n([\s\S]*?)```/.exec(readme)![1], drawn);
  });

  it('escapes names and draws build and cycle edges apart', () => {
    const pkg = (name: string, extra: Partial<Resolution['packages'][string]> = {}) => ({
      name, version: '1', provider: 'wheel', source: { type: 'url' as const, url: 'x', hash: null },
      dependencies: [], buildDependencies: [], extras: [], root: false, cycleDependencies: [], notes: [], ...extra,
    });
    const graph = graphOf({ packages: { 'a"b\\c': pkg('a"b\\c', { root: true, buildDependencies: ['d'] }), d: pkg('d', { cycleDependencies: ['a"b\\c'] }) } } as unknown as Resolution);
    assert.equal(toDot(graph), [
      'digraph dependencies {', '  rankdir=LR;', '  node [shape=box, fontname="sans-serif"];',
      '  "a\\"b\\\\c" [label="a\\"b\\\\c 1\\nwheel", style=bold];', '  "d" [label="d 1\\nwheel"];',
      '  "a\\"b\\\\c" -> "d" [style=dashed];', '  "d" -> "a\\"b\\\\c" [style=dotted];', '}', '',
    ].join('\n'));
    assert.equal(toMermaid(graph), ['graph LR', '  n0[["a#quot;b\\c 1<br>wheel"]]', '  n1["d 1<br>wheel"]', '  n0 -.-> n1', '  n1 -. cycle .-> n0', ''].join('\n'));
  });
});
