/**
 * Generates a synthetic pypi-deps-db + nix-pypi-fetcher-2 tree (plus a conda repodata file and a
 * nixpkgs index) with the real DB's size and shape, for `run.ts`. Deterministic: a seeded PRNG,
 * names written bucket by bucket in sorted order.
 *
 *   node --import tsx bench/db/generate.ts --scale 1 --out bench/.data/scale-100
 *
 * Shape, at scale 1 (from the figures — ~400,000 names, ~4 million releases — and from the
 * real buckets `sdist/01.json`, `wheel/01.json` and the conformance corpora):
 * - names: 400,000, uniform over the 256 buckets (sha256 spreads them, ~1,560 per bucket); word-like,
 *   `-`-joined, 1% with a dot (`zope.interface` style).
 * - releases per name: log-normal, median 4.3, mean 10, σ = 1.3, capped at 3,000: most projects have
 *   a handful of releases, a few have thousands (PyPI's heavy tail; p99 ≈ 90).
 * - per release: sdist data 75% (the rest are wheel-only or failed extraction), wheel data 45%.
 * - sdist: 55% of versions are a reference to an earlier version (the real `sdist/01.json` is mostly
 *   `"1.9.3": "1.0.1"` lines); a version with its own data has python keys 27,36–310 (65%),
 *   36–310 (30%) or a random subset (5%); 90% of those maps are one record plus references to it,
 *   the rest have a second record for Python 2.7.
 * - records: install_requires geometric, mean 3 (cap 40); python_requires 40%; extras_require 15%
 *   (1–3 extras, a marker-named one in a third of them); setup_requires 10%; tests_require 8%.
 * - wheels: 80% of wheel releases have one pure wheel (`py3` / `py2.py3`), 20% are binary with
 *   2–40 files (cpXY × manylinux/macOS/windows); 60% of records are `version@file` references to
 *   an earlier release's file of the same tag, as in the real `wheel/01.json`.
 * - fetcher: every release has an entry, with its sdist (`.tar.gz`) and wheel files.
 * - conda: one channel, 0.5 records per name; nixpkgs: 8,000 attributes (real nixpkgs has ~7,000
 *   python packages), scaled with the rest but at least 200.
 * Files are written pretty-printed with 2 spaces like the real DB, which makes their size
 * comparable (the real buckets are ~1.5 MB sdist, ~2.2 MB wheel, ~3.8 MB fetcher).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BUCKETS, bucketOf } from '../../src/db/buckets.js';
import { prng } from './prng.js';

const FULL_NAMES = 400_000;
const PYTHON_KEYS_ALL = ['27', '36', '37', '38', '39', '310'];
const SYLLABLES = ['py', 'flask', 'django', 'data', 'net', 'json', 'web', 'cli', 'test', 'auth', 'aws', 'cloud', 'ml', 'lib', 'tools', 'api', 'async', 'http', 'db', 'sql', 'graph', 'log', 'conf', 'util', 'core', 'kit', 'io', 'nano', 'zen', 'ops'];
const PLATFORMS = ['manylinux_2_17_x86_64.manylinux2014_x86_64', 'manylinux_2_17_aarch64.manylinux2014_aarch64', 'macosx_10_9_x86_64', 'macosx_11_0_arm64', 'win_amd64', 'win32', 'musllinux_1_1_x86_64'];

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, out: { type: 'string' }, seed: { type: 'string', default: '1' } } });
const scale = Number(values.scale);
const out = values.out ?? join('bench/.data', `scale-${scale * 100}`);
const random = prng(Number(values.seed));

const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const chance = (p: number) => random() < p;
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const geometric = (mean: number, cap: number) => Math.min(cap, Math.floor(Math.log(1 - random()) / Math.log(1 - 1 / (mean + 1))));

// Names, grouped by bucket.
const nameCount = Math.round(FULL_NAMES * scale);
const names = new Set<string>();
while (names.size < nameCount) {
  let name = Array.from({ length: int(1, 3) }, () => pick(SYLLABLES)).join('-');
  if (chance(0.6)) name += `-${int(0, 99_999).toString(36)}`;
  if (chance(0.01)) name = `${pick(SYLLABLES)}.${name}`;
  names.add(name);
}
const allNames = [...names];
const byBucket = new Map<string, string[]>(BUCKETS.map((bucket) => [bucket, []]));
for (const name of allNames) byBucket.get(bucketOf(name))?.push(name);

function requirement(metadataStyle: boolean): string {
  const name = pick(allNames);
  if (chance(0.4)) return name;
  const spec = pick(['>=', '==', '<', '~=', '!=']) + `${int(0, 9)}.${int(0, 30)}`;
  return metadataStyle ? `${name} (${spec})` : `${name}${spec}`;
}

const requirements = (mean: number, metadataStyle = false) => Array.from({ length: geometric(mean, 40) }, () => requirement(metadataStyle));

function sdistRecord(): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const install = requirements(3);
  if (install.length > 0) record.install_requires = install;
  if (chance(0.4)) record.python_requires = [pick(['>=3.6', '>=3.7', '>=2.7, !=3.0.*, !=3.1.*', '>=3.8,<4', '~=3.5'])];
  if (chance(0.15)) {
    const extras: Record<string, string[]> = {};
    for (let i = int(1, 3); i > 0; i--) extras[pick(['dev', 'test', 'docs', 'socks', 'all', 'crypto'])] = requirements(2);
    if (chance(0.33)) extras[':python_version == "2.7"'] = ['enum34', 'futures'];
    record.extras_require = extras;
  }
  if (chance(0.1)) record.setup_requires = requirements(1.5);
  if (chance(0.08)) record.tests_require = requirements(2);
  return record;
}

function versionList(count: number): string[] {
  const versions: string[] = [];
  let [major, minor, patch] = [0, int(0, 3), 0];
  for (let i = 0; i < count; i++) {
    if (chance(0.1)) [major, minor, patch] = [major + 1, 0, 0];
    else if (chance(0.3)) [minor, patch] = [minor + 1, 0];
    else patch++;
    versions.push(`${major}.${minor}.${patch}`);
  }
  return versions;
}

function pythonKeyMap(): Record<string, unknown> {
  const roll = random();
  const keys = roll < 0.65 ? PYTHON_KEYS_ALL : roll < 0.95 ? PYTHON_KEYS_ALL.slice(1) : PYTHON_KEYS_ALL.filter(() => chance(0.5));
  if (keys.length === 0) keys.push('310');
  const [first, ...rest] = keys as [string, ...string[]];
  const map: Record<string, unknown> = { [first]: sdistRecord() };
  for (const key of rest) map[key] = first === '27' && key !== '27' && chance(0.1) ? sdistRecord() : first;
  return map;
}

function wheelFiles(name: string, version: string): [string, string][] {
  const dist = name.replace(/[-.]/g, '_');
  if (chance(0.8)) {
    const tag = pick(['py3', 'py2.py3']);
    return [[`${dist}-${version}-${tag}-none-any.whl`, tag]];
  }
  const files: [string, string][] = [];
  const count = Math.min(40, 2 + geometric(6, 38));
  for (let i = 0; i < count; i++) {
    const tag = `cp3${int(6, 11)}`;
    const filename = `${dist}-${version}-${tag}-${tag}-${pick(PLATFORMS)}.whl`;
    if (!files.some(([existing]) => existing === filename)) files.push([filename, tag]);
  }
  return files;
}

const sha = () => Buffer.from(Array.from({ length: 32 }, () => int(0, 255))).toString('base64');

mkdirSync(join(out, 'deps', 'sdist'), { recursive: true });
mkdirSync(join(out, 'deps', 'wheel'), { recursive: true });
mkdirSync(join(out, 'files', 'pypi'), { recursive: true });
let releaseCount = 0;
const samples: string[] = [];
for (const bucket of BUCKETS) {
  const sdist: Record<string, unknown> = {};
  const wheel: Record<string, Record<string, Record<string, Record<string, unknown>>>> = {};
  const fetcher: Record<string, unknown> = {};
  for (const name of (byBucket.get(bucket) ?? []).sort()) {
    const count = Math.max(1, Math.min(3000, Math.round(Math.exp(1.458 + 1.3 * normal()))));
    releaseCount += count;
    const versions: Record<string, unknown> = {};
    const ownData: string[] = [];
    const tags: Record<string, Record<string, Record<string, unknown>>> = {};
    const earlierFiles = new Map<string, string[]>();
    const releases: Record<string, unknown> = {};
    const versionNames = versionList(count);
    for (const version of versionNames) {
      const release: { sdist?: [string, string]; wheels?: Record<string, [string, string]> } = {};
      if (chance(0.75)) {
        if (ownData.length > 0 && chance(0.55)) versions[version] = pick(ownData);
        else {
          versions[version] = pythonKeyMap();
          ownData.push(version);
        }
        release.sdist = [sha(), `${name}-${version}.tar.gz`];
      }
      if (chance(0.45)) {
        release.wheels = {};
        for (const [filename, tag] of wheelFiles(name, version)) {
          const files = (tags[tag] ??= {});
          const earlier = earlierFiles.get(tag) ?? [];
          (files[version] ??= {})[filename] = earlier.length > 0 && chance(0.6)
            ? pick(earlier)
            : { requires_dist: requirements(3, true), ...(chance(0.5) ? { requires_python: '>=3.7' } : {}) };
          earlier.push(`${version}@${filename}`);
          earlierFiles.set(tag, earlier);
          release.wheels[filename] = [sha(), tag];
        }
      }
      releases[version] = release;
    }
    if (Object.keys(versions).length > 0) sdist[name] = versions;
    if (Object.keys(tags).length > 0) wheel[name] = tags;
    fetcher[name] = releases;
    samples.push(`${name}\t${pick(versionNames)}`);
  }
  writeFileSync(join(out, 'deps', 'sdist', `${bucket}.json`), JSON.stringify(sdist, null, 2));
  writeFileSync(join(out, 'deps', 'wheel', `${bucket}.json`), JSON.stringify(wheel, null, 2));
  writeFileSync(join(out, 'files', 'pypi', `${bucket}.json`), JSON.stringify(fetcher, null, 2));
}
writeFileSync(join(out, 'deps', 'UNIX_TIMESTAMP'), '1685526402\n');
writeFileSync(join(out, 'deps', 'PYPI_FETCHER_COMMIT'), '4af21269577d79bdf7f59ef6fcd7cf1550482633\n');

const conda: Record<string, unknown> = {};
for (let i = 0; i < Math.round(nameCount / 2); i++) {
  const name = allNames[i] as string;
  const version = `${int(0, 5)}.${int(0, 20)}.${int(0, 9)}`;
  const build = `py3${int(7, 11)}h${int(0, 0xffff).toString(16)}_${int(0, 3)}`;
  conda[`${name}-${version}-${build}.tar.bz2`] = {
    name, version, build, build_number: int(0, 3), depends: requirements(3).map((r) => r.replace(/([<>=!~])/, ' $1')),
    sha256: Buffer.from(sha(), 'base64').toString('hex'), subdir: 'linux-64',
  };
}
writeFileSync(join(out, 'conda-main-linux-64.json'), JSON.stringify({ info: { subdir: 'linux-64' }, packages: conda }));

const nixpkgs: Record<string, unknown> = {};
for (let i = 0; i < Math.max(200, Math.round(8000 * scale)); i++) {
  const name = allNames[(i * 7919) % allNames.length] as string;
  nixpkgs[name.replace(/[-.]/g, '_')] = { pname: name, version: `${int(0, 5)}.${int(0, 20)}`, requirements: null };
}
writeFileSync(join(out, 'nixpkgs.json'), JSON.stringify(nixpkgs));
writeFileSync(join(out, 'samples.tsv'), `${samples.join('\n')}\n`);
const summary = JSON.stringify({ scale, seed: Number(values.seed), names: nameCount, releases: releaseCount });
writeFileSync(join(out, 'summary.json'), `${summary}\n`);
process.stdout.write(`${summary}\n`);
