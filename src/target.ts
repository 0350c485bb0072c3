/**
 * The system a resolution is for — a CPython version on a Nix platform, with its glibc (Linux) or
 * macOS deployment target (Darwin) — parsed once, where it enters (the CLI's flags, the Nix
 * library's request), into one typed value. Wheel tags, markers, the dependency data and conda's
 * virtual packages all read that value; nothing downstream parses a version string of the target
 * again. Markers are evaluated, and wheels chosen, for it — never for the machine running the
 * resolver.
 */
import { UsageError } from './errors.js';
import type { ResolveRequest } from './generated/resolve-request.js';
import type { MarkerEnvironment } from './pep508.js';

/** The Nix systems mach-nix resolves for: exactly the request schema's list. */
export type Platform = ResolveRequest['platform'];

/** `[major, minor]` of a version the target is described by. */
export type MajorMinor = readonly [number, number];

interface System {
  readonly os: 'linux' | 'darwin';
  /** The architecture as platform tags spell it (Apple calls aarch64 `arm64`). */
  readonly tagArch: string;
  /** `platform.machine()` on it, what the `platform_machine` marker sees. */
  readonly machine: string;
  /**
   * Darwin without a deployment target: the oldest macOS nixpkgs has long targeted — 10.12 on
   * x86_64, and 11.0, the first release for Apple silicon, on arm64.
   */
  readonly defaultMacos: MajorMinor | null;
}

/** Every platform, once; `Record<Platform, …>` makes the compiler hold it to the schema's list. */
const SYSTEMS: Readonly<Record<Platform, System>> = {
  'x86_64-linux': { os: 'linux', tagArch: 'x86_64', machine: 'x86_64', defaultMacos: null },
  'aarch64-linux': { os: 'linux', tagArch: 'aarch64', machine: 'aarch64', defaultMacos: null },
  'x86_64-darwin': { os: 'darwin', tagArch: 'x86_64', machine: 'x86_64', defaultMacos: [10, 12] },
  'aarch64-darwin': { os: 'darwin', tagArch: 'arm64', machine: 'arm64', defaultMacos: [11, 0] },
};

export const PLATFORMS: readonly Platform[] = Object.freeze(Object.keys(SYSTEMS) as Platform[]);

/** What a caller gives: the strings of flags or of a resolve request. */
export interface TargetSpec {
  /** `3.11` or a full version `3.11.9` (what markers see as `python_full_version`). */
  readonly python: string;
  readonly platform: string;
  /** Linux: the glibc version (`2.40`), deciding which manylinux wheels run; none: no manylinux wheel. */
  readonly glibc?: string | null;
  /** Linux: the musl version (`1.2`); none: no musllinux wheel. */
  readonly musl?: string | null;
  /** Darwin: the deployment target (`11.0`, `14`, `10.15.7`); none: the platform's default. */
  readonly macos?: string | null;
}

export interface TargetPython {
  readonly major: number;
  readonly minor: number;
  /** `3.11.9`; a bare `3.11` counts as `3.11.0`. */
  readonly full: string;
}

export interface Target {
  /** What was given, as given (the resolution document records it). */
  readonly spec: {
    readonly python: string;
    readonly platform: Platform;
    readonly glibc: string | null;
    readonly musl: string | null;
    readonly macos: string | null;
  };
  readonly python: TargetPython;
  readonly platform: Platform;
  readonly os: 'linux' | 'darwin';
  readonly tagArch: string;
  readonly glibc: MajorMinor | null;
  readonly musl: MajorMinor | null;
  /** Darwin: the deployment target, the platform's default when none was given; null on Linux. */
  readonly macos: MajorMinor | null;
  /** What PEP 508 markers see on the target, built once. */
  readonly markers: MarkerEnvironment;
}

const PYTHON_VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?$/;
const LIBC_VERSION = /^(\d+)\.(\d+)$/;
/** `14` means 14.0 and a patch number (`10.15.7`) is ignored, as packaging does. */
const MACOS_VERSION = /^(\d+)(?:\.(\d+))?(?:\.\d+)*$/;

function majorMinor(text: string | null | undefined, pattern: RegExp, what: string, example: string): MajorMinor | null {
  if (text === null || text === undefined) return null;
  const match = pattern.exec(text.trim());
  if (!match) throw new UsageError(`invalid ${what} version ${JSON.stringify(text)}: expected e.g. ${example}`);
  return [Number(match[1]), Number(match[2] ?? 0)];
}

/** Checks and parses a target; throws `UsageError` naming what is wrong. */
export function parseTarget(spec: TargetSpec): Target {
  const python = PYTHON_VERSION.exec(spec.python);
  if (!python) throw new UsageError(`invalid Python version ${JSON.stringify(spec.python)}: expected e.g. 3.11 or 3.11.9`);
  if (!Object.hasOwn(SYSTEMS, spec.platform)) {
    throw new UsageError(`unsupported platform ${JSON.stringify(spec.platform)}: expected one of ${PLATFORMS.join(', ')}`);
  }
  const platform = spec.platform as Platform;
  const system = SYSTEMS[platform];
  const [, major, minor, patch] = python;
  const targetPython: TargetPython = Object.freeze({ major: Number(major), minor: Number(minor), full: `${major}.${minor}.${patch ?? '0'}` });
  const glibc = majorMinor(spec.glibc, LIBC_VERSION, 'glibc', '2.40');
  const musl = majorMinor(spec.musl, LIBC_VERSION, 'musl', '1.2');
  const macos = majorMinor(spec.macos, MACOS_VERSION, 'macOS', '11.0');
  const linux = system.os === 'linux';
  return Object.freeze({
    spec: Object.freeze({ python: spec.python, platform, glibc: spec.glibc ?? null, musl: spec.musl ?? null, macos: spec.macos ?? null }),
    python: targetPython,
    platform,
    os: system.os,
    tagArch: system.tagArch,
    glibc: linux ? glibc : null,
    musl: linux ? musl : null,
    macos: linux ? null : (macos ?? system.defaultMacos),
    // Values that describe a running machine rather than a platform (`platform_release`,
    // `platform_version`) are empty, as mach-nix had them.
    markers: Object.freeze({
      python_version: `${targetPython.major}.${targetPython.minor}`,
      python_full_version: targetPython.full,
      os_name: 'posix',
      sys_platform: linux ? 'linux' : 'darwin',
      platform_system: linux ? 'Linux' : 'Darwin',
      platform_machine: system.machine,
      platform_release: '',
      platform_version: '',
      platform_python_implementation: 'CPython',
      implementation_name: 'cpython',
      implementation_version: targetPython.full,
    }),
  });
}
