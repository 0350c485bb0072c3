/**
 * The system a resolution is for: a CPython version on a Nix platform. Markers are evaluated,
 * and wheels chosen, for it — never for the machine running the resolver.
 */
import { UsageError } from '../errors.js';
import type { MarkerEnvironment } from '../pep508.js';
import type { PythonTarget } from '../db/source.js';
import type { Platform, Target as WheelTarget } from '../wheel-tags.js';

export const PLATFORMS: readonly Platform[] = ['x86_64-linux', 'aarch64-linux', 'x86_64-darwin', 'aarch64-darwin'];

export interface ResolveTarget {
  /** `3.11` or a full version `3.11.9` (what markers see as `python_full_version`). */
  readonly python: string;
  readonly platform: Platform;
  /** Linux: the target's glibc version, deciding which manylinux wheels run. */
  readonly glibc?: string;
  /** Darwin: the macOS deployment target. */
  readonly macos?: string;
}

const PYTHON_VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?$/;

export function checkTarget(target: ResolveTarget): ResolveTarget {
  if (!PYTHON_VERSION.test(target.python)) throw new UsageError(`invalid Python version ${JSON.stringify(target.python)}: expected e.g. 3.11 or 3.11.9`);
  if (!PLATFORMS.includes(target.platform)) {
    throw new UsageError(`unsupported platform ${JSON.stringify(target.platform)}: expected one of ${PLATFORMS.join(', ')}`);
  }
  if (target.glibc !== undefined && !/^\d+\.\d+$/.test(target.glibc)) throw new UsageError(`invalid glibc version ${JSON.stringify(target.glibc)}: expected e.g. 2.40`);
  return target;
}

export function pythonTarget(target: ResolveTarget): PythonTarget {
  const [, major, minor] = PYTHON_VERSION.exec(target.python)!;
  return { major: Number(major), minor: Number(minor) };
}

/** `3.11.9`; a bare `3.11` is taken as `3.11.0`. */
export function pythonFullVersion(target: ResolveTarget): string {
  const [, major, minor, patch] = PYTHON_VERSION.exec(target.python)!;
  return `${major}.${minor}.${patch ?? '0'}`;
}

export function wheelTarget(target: ResolveTarget): WheelTarget {
  const { major, minor } = pythonTarget(target);
  return { python: `${major}.${minor}`, platform: target.platform, glibc: target.glibc, macos: target.macos };
}

/**
 * What PEP 508 markers see on the target. Values that describe a running machine rather than a
 * platform (`platform_release`, `platform_version`) are empty, as mach-nix had them.
 */
export function markerEnvironment(target: ResolveTarget): MarkerEnvironment {
  const { major, minor } = pythonTarget(target);
  const full = pythonFullVersion(target);
  const linux = target.platform.endsWith('-linux');
  const arm = target.platform.startsWith('aarch64');
  return {
    python_version: `${major}.${minor}`,
    python_full_version: full,
    os_name: 'posix',
    sys_platform: linux ? 'linux' : 'darwin',
    platform_system: linux ? 'Linux' : 'Darwin',
    platform_machine: arm ? (linux ? 'aarch64' : 'arm64') : 'x86_64',
    platform_release: '',
    platform_version: '',
    platform_python_implementation: 'CPython',
    implementation_name: 'cpython',
    implementation_version: full,
  };
}
