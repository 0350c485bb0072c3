/** The target, parsed once: what it refuses, what markers see, the defaults of each platform. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../src/errors.js';
import { PLATFORMS, type TargetSpec, parseTarget } from '../src/target.js';

describe('parseTarget', () => {
  it('refuses targets it cannot interpret, as a usage error', () => {
    const bad: TargetSpec[] = [
      { python: '3', platform: 'x86_64-linux' },
      { python: '3.x', platform: 'x86_64-linux' },
      { python: '3.11', platform: 'x86_64-linux', glibc: 'new' },
      { python: '3.11', platform: 'x86_64-darwin', macos: 'sonoma' },
      { python: '3.11', platform: 'riscv64-linux' },
    ];
    for (const target of bad) assert.throws(() => parseTarget(target), UsageError, JSON.stringify(target));
    assert.throws(() => parseTarget({ python: '3.11', platform: 'riscv64-linux' }), /unsupported platform "riscv64-linux": expected one of x86_64-linux, aarch64-linux, x86_64-darwin, aarch64-darwin/);
  });

  it('lists the platforms of the request schema, once', () => {
    assert.deepEqual(PLATFORMS, ['x86_64-linux', 'aarch64-linux', 'x86_64-darwin', 'aarch64-darwin']);
  });

  it('builds the marker environment of the target, never of this machine', () => {
    assert.deepEqual(parseTarget({ python: '3.11.9', platform: 'aarch64-darwin' }).markers, {
      python_version: '3.11',
      python_full_version: '3.11.9',
      os_name: 'posix',
      sys_platform: 'darwin',
      platform_system: 'Darwin',
      platform_machine: 'arm64',
      platform_release: '',
      platform_version: '',
      platform_python_implementation: 'CPython',
      implementation_name: 'cpython',
      implementation_version: '3.11.9',
    });
    const linux = parseTarget({ python: '3.12', platform: 'aarch64-linux', glibc: '2.40' });
    assert.equal(linux.markers.python_full_version, '3.12.0');
    assert.equal(linux.markers.platform_machine, 'aarch64');
    assert.equal(linux.markers.sys_platform, 'linux');
  });

  it('keeps what was given and parses versions once: glibc on Linux, the macOS default on Darwin', () => {
    const linux = parseTarget({ python: '3.11', platform: 'x86_64-linux', glibc: '2.40', macos: '14' });
    assert.deepEqual([linux.glibc, linux.macos, linux.spec.glibc], [[2, 40], null, '2.40']);
    assert.deepEqual(parseTarget({ python: '3.11', platform: 'x86_64-darwin' }).macos, [10, 12]);
    assert.deepEqual(parseTarget({ python: '3.11', platform: 'aarch64-darwin' }).macos, [11, 0]);
    assert.deepEqual(parseTarget({ python: '3.11', platform: 'x86_64-darwin', macos: '10.15.7' }).macos, [10, 15]);
    assert.deepEqual(parseTarget({ python: '3.11', platform: 'x86_64-darwin', glibc: '2.40' }).glibc, null);
  });
});
