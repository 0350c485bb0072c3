/**
 * Wheel file names (PEP 427) and platform compatibility tags (PEP 425, 513, 571, 599, 600, 656),
 * with the semantics of pypa/packaging 26: `parse_wheel_filename` and the tag order of
 * `sys_tags()` for a standard CPython build, computed for a target described up front instead of
 * probed from the running interpreter (mach-nix builds for a Nix system, not for itself).
 *
 * Terminology:
 * - *tag*: an `interpreter-abi-platform` triple (`cp311-abi3-manylinux_2_17_x86_64`).
 * - *compressed tag set*: dotted alternatives in one file name (`py2.py3-none-any`), meaning
 *   every combination of them.
 * - *rank*: position of a tag in the target's list of compatible tags; lower is preferred.
 */
import { boundedCache } from './bounded-cache.js';
import { builtOnFirstUse } from './built-on-first-use.js';
import { InvalidVersion, InvalidWheelFilename } from './errors.js';
import { Version } from './pep440.js';
import { compareCodePoints } from './code-points.js';
import { canonicalizeName } from './pep503.js';
import type { Target } from './target.js';

export interface Tag {
  readonly interpreter: string;
  readonly abi: string;
  readonly platform: string;
}

export interface WheelFilename {
  /** PEP 503 canonical project name. */
  readonly name: string;
  readonly version: Version;
  /** `[leading digits, rest]` of the optional build tag (`1build` → `[1, 'build']`); null without one. */
  readonly build: readonly [number, string] | null;
  /** Every tag the file declares, compressed tag sets expanded, without duplicates. */
  readonly tags: readonly Tag[];
}

export function tagToString(tag: Tag): string {
  return `${tag.interpreter}-${tag.abi}-${tag.platform}`;
}

function makeTag(interpreter: string, abi: string, platform: string): Tag {
  return Object.freeze({ interpreter, abi, platform });
}

// ---------------------------------------------------------------------------------------------
// Wheel file names
// ---------------------------------------------------------------------------------------------

/**
 * PEP 427 escapes the project name to word characters, `.` and `_`. packaging checks this
 * with Python's Unicode `\w`, i.e. letters, numbers and `_`; the Unicode version is the JS
 * engine's, so only characters new in one of the two Unicode databases are judged differently.
 */
const escapedProjectName = builtOnFirstUse(() => /^[\p{L}\p{N}_.]+$/u);
/** PEP 427: a build tag starts with a digit. Python's `.` stops at `\n` only, hence `[^\n]`. */
const BUILD_TAG = /^([0-9]+)([^\n]*)/;
/** Python's `str.isidentifier()`, which packaging requires of every interpreter in a tag. */
const identifier = builtOnFirstUse(() => /^[\p{ID_Start}_]\p{ID_Continue}*$/u);

/**
 * Parses `{name}-{version}(-{build})?-{interpreter}-{abi}-{platform}.whl` like packaging's
 * `parse_wheel_filename`; throws `InvalidWheelFilename` naming what is wrong.
 */
export function parseWheelFilename(filename: string): WheelFilename {
  const invalid = (reason: string) => new InvalidWheelFilename(filename, reason);
  if (!filename.endsWith('.whl')) throw invalid("extension must be '.whl'");
  const parts = filename.slice(0, -'.whl'.length).split('-');
  // Neither an escaped name nor a version contains '-', so a build tag is the only optional part.
  if (parts.length !== 5 && parts.length !== 6) {
    throw invalid(`wrong number of parts: expected 5 or 6 separated by '-', found ${parts.length}`);
  }
  const [namePart, versionPart, ...rest] = parts as [string, string, ...string[]];
  const tagPart = rest.splice(-3).join('-');
  const buildPart = rest[0];

  if (namePart.includes('__') || !escapedProjectName().test(namePart)) {
    throw invalid(`invalid project name ${JSON.stringify(namePart)}: PEP 427 escapes names to letters, digits, '.' and '_', never '__'`);
  }
  let version: Version;
  try {
    version = Version.parse(versionPart);
  } catch (error) {
    if (error instanceof InvalidVersion) throw invalid(`invalid version ${JSON.stringify(versionPart)}: ${error.reason}`);
    throw error;
  }
  let build: readonly [number, string] | null = null;
  if (buildPart !== undefined) {
    const match = BUILD_TAG.exec(buildPart);
    if (!match) throw invalid(`invalid build number ${JSON.stringify(buildPart)}: it must start with a digit`);
    build = [Number(match[1]), match[2]!];
  }
  let tags = parsedTagSets.get(tagPart);
  if (tags === undefined) {
    tags = Object.freeze(parseTagSet(tagPart, invalid));
    parsedTagSets.set(tagPart, tags);
  }
  return { name: canonicalizeName(namePart), version, build, tags };
}

/**
 * Tag sets, by their text: a project's files repeat a few (`py3-none-any`, `cp311-cp311-manylinux…`)
 * over all its versions, so each is expanded once and shared, frozen — which also lets a target's
 * rank of a set be remembered by the set (`CompatibleTags.rankOfSet`). Only sets that parsed are kept.
 */
const parsedTagSets = boundedCache<string, readonly Tag[]>(10_000);

/** Expands a (possibly compressed) tag set like packaging's `parse_tag`, lower-casing it. */
function parseTagSet(text: string, invalid: (reason: string) => Error): Tag[] {
  const components = text.split('-').map((component) => component.split('.'));
  for (const alternatives of components) {
    if (alternatives.includes('')) throw invalid(`tag ${JSON.stringify(text)} has an empty component`);
  }
  const [interpreters, abis, platforms] = components as [string[], string[], string[]];
  for (const interpreter of interpreters) {
    if (!identifier().test(interpreter)) {
      throw invalid(`tag ${JSON.stringify(text)} has an invalid interpreter ${JSON.stringify(interpreter)}`);
    }
  }
  const tags = new Map<string, Tag>();
  for (const interpreter of interpreters) {
    for (const abi of abis) {
      for (const platform of platforms) {
        const tag = makeTag(interpreter.toLowerCase(), abi.toLowerCase(), platform.toLowerCase());
        tags.set(tagToString(tag), tag);
      }
    }
  }
  return [...tags.values()];
}

// ---------------------------------------------------------------------------------------------
// Targets and their compatible tags
// ---------------------------------------------------------------------------------------------

type MajorMinor = readonly [number, number];

function compareMajorMinor(a: MajorMinor, b: MajorMinor): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** packaging's `_version_nodot`: `(3, 11)` → `311` (ambiguous, but that is the standard). */
function nodot(version: MajorMinor): string {
  return `${version[0]}${version[1]}`;
}

/**
 * Legacy names of manylinux policies that PEP 600 re-expressed as glibc versions; packaging
 * lists each right after its `manylinux_X_Y` equivalent.
 */
const LEGACY_MANYLINUX = new Map<string, string>([
  ['2.17', 'manylinux2014'], // CentOS 7 (PEP 599)
  ['2.12', 'manylinux2010'], // CentOS 6 (PEP 571)
  ['2.5', 'manylinux1'], // CentOS 5 (PEP 513)
]);

/**
 * packaging's guess for the last minor of a glibc major that has been superseded, needed to
 * enumerate every version below the current one should glibc 3 ever appear.
 */
const LAST_GLIBC_MINOR = 50;

/**
 * `manylinux_X_Y_<arch>` tags from `glibc` down to the oldest policy the architecture has.
 * x86_64 goes back to glibc 2.5 (manylinux1); every other architecture only got a manylinux
 * policy with manylinux2014, so for aarch64 nothing older than glibc 2.17 exists.
 */
function manylinuxPlatforms(arch: string, glibc: MajorMinor): string[] {
  const oldest: MajorMinor = arch === 'x86_64' ? [2, 5] : [2, 17];
  const platforms: string[] = [];
  for (let major = glibc[0]; major >= oldest[0]; major--) {
    const newestMinor = major === glibc[0] ? glibc[1] : LAST_GLIBC_MINOR;
    const oldestMinor = major === oldest[0] ? oldest[1] : 0;
    for (let minor = newestMinor; minor >= oldestMinor; minor--) {
      platforms.push(`manylinux_${major}_${minor}_${arch}`);
      const legacy = LEGACY_MANYLINUX.get(`${major}.${minor}`);
      if (legacy) platforms.push(`${legacy}_${arch}`);
    }
  }
  return platforms;
}

/** PEP 656: a musl `1.Y` runs binaries built for any `1.Z` with Z <= Y. */
function musllinuxPlatforms(arch: string, musl: MajorMinor): string[] {
  const platforms: string[] = [];
  for (let minor = musl[1]; minor >= 0; minor--) platforms.push(`musllinux_${musl[0]}_${minor}_${arch}`);
  return platforms;
}

/**
 * Linux platform tags, best first: manylinux, musllinux, then the machine-specific `linux_<arch>`.
 *
 * This is the order of packaging up to 26.2 (and of pip, which vendors it). packaging 26.3
 * moved `linux_<arch>` to the front because for pip such a wheel was usually built on the
 * very machine; mach-nix builds for a Nix system from index files, where a `linux_<arch>`
 * wheel was built against an unknown C library, so the portable manylinux wheel is preferred.
 */
function linuxPlatforms(arch: string, target: Target): string[] {
  return [
    ...(target.glibc === null ? [] : manylinuxPlatforms(arch, target.glibc)),
    ...(target.musl === null ? [] : musllinuxPlatforms(arch, target.musl)),
    `linux_${arch}`,
  ];
}

/**
 * Binary formats a macOS version can load for an architecture (packaging's
 * `_mac_binary_formats`): x86_64 also loads the multi-architecture `intel`, `fat64` and
 * `fat3` bundles, which need at least 10.4; both architectures load `universal2`.
 */
function macBinaryFormats(version: MajorMinor, arch: string): string[] {
  if (arch === 'arm64') return ['arm64', 'universal2'];
  if (compareMajorMinor(version, [10, 4]) < 0) return [];
  return ['x86_64', 'intel', 'fat64', 'fat3', 'universal2', 'universal'];
}

/**
 * macOS platform tags, newest first (packaging's `mac_platforms` for an explicit version).
 * Before macOS 11 every yearly release bumped the minor version (10.15); since then it bumps
 * the major one, and wheels are tagged `X_0`. A macOS 11+ system also loads binaries built for
 * 10.16 (how macOS 11 presents itself to programs built with an older SDK) down to 10.4: in
 * any format on x86_64, only as `universal2` on arm64, since there only the x86_64 half of
 * such a binary carries the 10.x version.
 */
function macPlatforms(arch: string, version: MajorMinor): string[] {
  const platforms: string[] = [];
  const add = (major: number, minor: number, formats: readonly string[]) => {
    for (const format of formats) platforms.push(`macosx_${major}_${minor}_${format}`);
  };
  const [major, minor] = version;
  if (major === 10) {
    for (let older = minor; older >= 0; older--) add(10, older, macBinaryFormats([10, older], arch));
  }
  if (major >= 11) {
    for (let older = major; older >= 11; older--) add(older, 0, macBinaryFormats([older, 0], arch));
    for (let older = 16; older >= 4; older--) {
      add(10, older, arch === 'x86_64' ? macBinaryFormats([10, older], arch) : ['universal2']);
    }
  }
  return platforms;
}

/**
 * The ABI tag of a standard (non-debug, GIL) CPython build: `m` marked pymalloc builds
 * before 3.8, `u` wide-unicode builds before 3.3 (Nix builds Python 2 with UCS-4).
 */
function cpythonAbi(python: MajorMinor): string {
  const pymalloc = compareMajorMinor(python, [3, 8]) < 0 ? 'm' : '';
  const wideUnicode = compareMajorMinor(python, [3, 3]) < 0 ? 'u' : '';
  return `cp${nodot(python)}${pymalloc}${wideUnicode}`;
}

/** packaging's `cpython_tags`: the interpreter's own ABI, the stable ABI, then no ABI. */
function cpythonTags(python: MajorMinor, platforms: readonly string[]): Tag[] {
  const tags: Tag[] = [];
  const interpreter = `cp${nodot(python)}`;
  // PEP 384's stable ABI exists since 3.2; an abi3 wheel built for 3.Z loads on every 3.Y >= 3.Z.
  const hasStableAbi = compareMajorMinor(python, [3, 2]) >= 0;
  for (const abi of [cpythonAbi(python), ...(hasStableAbi ? ['abi3'] : []), 'none']) {
    for (const platform of platforms) tags.push(makeTag(interpreter, abi, platform));
  }
  if (hasStableAbi) {
    for (let minor = python[1] - 1; minor >= 2; minor--) {
      for (const platform of platforms) tags.push(makeTag(`cp${nodot([python[0], minor])}`, 'abi3', platform));
    }
  }
  return tags;
}

/** `py311`, `py3`, `py310` … `py30`: pure-Python interpreter tags, newest first. */
function pythonInterpreters(python: MajorMinor): string[] {
  const interpreters = [`py${nodot(python)}`, `py${python[0]}`];
  for (let minor = python[1] - 1; minor >= 0; minor--) interpreters.push(`py${nodot([python[0], minor])}`);
  return interpreters;
}

/** packaging's `compatible_tags`: no-ABI platform wheels, then the pure-Python ones. */
function pythonTags(python: MajorMinor, platforms: readonly string[]): Tag[] {
  const interpreters = pythonInterpreters(python);
  const tags: Tag[] = [];
  for (const interpreter of interpreters) {
    for (const platform of platforms) tags.push(makeTag(interpreter, 'none', platform));
  }
  tags.push(makeTag(`cp${nodot(python)}`, 'none', 'any'));
  for (const interpreter of interpreters) tags.push(makeTag(interpreter, 'none', 'any'));
  return tags;
}

interface CompatibleTags {
  readonly tags: readonly Tag[];
  /** `tagToString(tag)` → its index in `tags` (the first, should a tag repeat). */
  readonly rankOf: ReadonlyMap<string, number>;
  /** A parsed tag set (shared by the wheels that have it) → its best rank, null: none installable. */
  readonly rankOfSet: WeakMap<readonly Tag[], number | null>;
}

/** Equal targets share their list; a handful of targets is all one process ever asks for. */
const compatibleTagsByTarget = boundedCache<string, CompatibleTags>(64);
/** A resolution asks with one target object thousands of times; this skips building the key. */
const compatibleTagsByTargetObject = new WeakMap<Target, CompatibleTags>();

function compatibleTagsOf(target: Target): CompatibleTags {
  const known = compatibleTagsByTargetObject.get(target);
  if (known) return known;
  const key = JSON.stringify([target.python.major, target.python.minor, target.platform, target.glibc, target.musl, target.macos]);
  let result = compatibleTagsByTarget.get(key);
  if (!result) {
    const python: MajorMinor = [target.python.major, target.python.minor];
    const platforms = target.os === 'linux' ? linuxPlatforms(target.tagArch, target) : macPlatforms(target.tagArch, target.macos!);
    const tags = Object.freeze([...cpythonTags(python, platforms), ...pythonTags(python, platforms)]);
    const rankOf = new Map<string, number>();
    tags.forEach((tag, index) => {
      const text = tagToString(tag);
      if (!rankOf.has(text)) rankOf.set(text, index);
    });
    result = { tags, rankOf, rankOfSet: new WeakMap() };
    compatibleTagsByTarget.set(key, result);
  }
  compatibleTagsByTargetObject.set(target, result);
  return result;
}

/**
 * The tags a CPython of the target's version on the target's system accepts, best first, in
 * the order of packaging's `sys_tags()` (see `linuxPlatforms` for the one deliberate
 * difference to packaging 26.3). Memoised per target; the array is shared and frozen.
 */
export function compatibleTags(target: Target): readonly Tag[] {
  return compatibleTagsOf(target).tags;
}

// ---------------------------------------------------------------------------------------------
// Choosing a wheel
// ---------------------------------------------------------------------------------------------

/**
 * Parsed file names, because a resolution ranks each file twice (filtering installable files,
 * then choosing among them). Bounded so a long-lived process does not grow without end.
 */
const parsedFilenames = boundedCache<string, { parsed: WheelFilename | null }>(100_000);

function tryParseWheelFilename(filename: string): WheelFilename | null {
  const cached = parsedFilenames.get(filename);
  if (cached !== undefined) return cached.parsed;
  let parsed: WheelFilename | null;
  try {
    parsed = parseWheelFilename(filename);
  } catch (error) {
    if (!(error instanceof InvalidWheelFilename)) throw error;
    parsed = null;
  }
  parsedFilenames.set(filename, { parsed });
  return parsed;
}

function bestRank(wheel: WheelFilename, { rankOf, rankOfSet }: CompatibleTags): number | null {
  const known = rankOfSet.get(wheel.tags);
  if (known !== undefined) return known;
  let best: number | null = null;
  for (const tag of wheel.tags) {
    const rank = rankOf.get(tagToString(tag));
    if (rank !== undefined && (best === null || rank < best)) best = rank;
  }
  rankOfSet.set(wheel.tags, best);
  return best;
}

/** Rank of a wheel for the target: lower is better (index of its best tag in compatibleTags); null = not installable. */
export function wheelRank(wheel: WheelFilename | string, target: Target): number | null {
  const parsed = typeof wheel === 'string' ? tryParseWheelFilename(wheel) : wheel;
  return parsed === null ? null : bestRank(parsed, compatibleTagsOf(target));
}

/** Build tags in PEP 427 order: none first, then by number, then by the rest of the tag. */
function compareBuilds(a: WheelFilename['build'], b: WheelFilename['build']): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return a[0] - b[0] || compareCodePoints(a[1], b[1]);
}

/**
 * The best installable wheel among files of one release, deterministic: lowest rank, then
 * highest build tag, then file name (code-point order). null if none is compatible.
 */
export function selectWheel<T>(files: readonly T[], filenameOf: (f: T) => string, target: Target): T | null {
  const compatible = compatibleTagsOf(target);
  let best: { file: T; filename: string; rank: number; build: WheelFilename['build'] } | null = null;
  for (const file of files) {
    const filename = filenameOf(file);
    const parsed = tryParseWheelFilename(filename);
    const rank = parsed === null ? null : bestRank(parsed, compatible);
    if (parsed === null || rank === null) continue;
    const better =
      best === null ||
      (rank - best.rank || compareBuilds(best.build, parsed.build) || compareCodePoints(filename, best.filename)) < 0;
    if (better) best = { file, filename, rank, build: parsed.build };
  }
  return best === null ? null : best.file;
}
