/**
 * `mach-nix db build` interrupted and run side by side, as separate processes: killed with SIGKILL
 * at 10 random moments it leaves the old index or the new one, never a partial one, and at most a
 * temporary of the killed process, which the next build removes; SIGINT and SIGTERM stop it
 * cleanly (the temporary removed, the old index kept, exit 128 + the signal); 8 builds of one
 * index at once all succeed and leave one complete index and no temporaries; 8 resolves writing
 * one answer at once all succeed with the same complete document.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDependencySource } from '../../src/db/open.js';
import { repoDir } from '../helpers/paths.js';
import { writeTree } from './fixture.js';

const workDir = mkdtempSync(join(tmpdir(), 'mach-nix-db-crash-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function machNix(args: string[]): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(join(repoDir, 'bin/mach-nix'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => void (stdout += chunk));
  child.stderr!.on('data', (chunk) => void (stderr += chunk));
  const exit = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exit };
}

/** A pypi-deps-db tree of `names` packages (two versions each, in chains of 50), spread over all 256 buckets. */
function bigTree(names: number, seed: string): string {
  const sdist: Record<string, unknown> = {};
  for (let i = 0; i < names; i++) {
    sdist[`pkg-${seed}-${i}`] = { '1.0': { '310': { install_requires: i % 50 === 49 ? [] : [`pkg-${seed}-${i + 1}`] } }, '2.0': '1.0' };
  }
  return join(writeTree({ sdist, extra: { 'deps/UNIX_TIMESTAMP': '1700000000\n' } }), 'deps');
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const files = (dir: string) => readdirSync(dir).sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A seeded generator (mulberry32): the moments are random, and the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('db build interrupted or run side by side', () => {
  let oldDeps = '';
  let newDeps = '';
  let oldHash = '';
  let newHash = '';
  let buildMs = 0;
  before(async () => {
    oldDeps = bigTree(2000, 'old');
    newDeps = bigTree(25000, 'new');
    for (const [deps, name] of [[oldDeps, 'old.sqlite'], [newDeps, 'new.sqlite']] as const) {
      const started = Date.now();
      const { exit } = machNix(['db', 'build', '--deps', deps, '--out', join(workDir, name)]);
      const result = await exit;
      assert.equal(result.code, 0, result.stderr);
      if (name === 'new.sqlite') buildMs = Date.now() - started;
    }
    oldHash = sha(join(workDir, 'old.sqlite'));
    newHash = sha(join(workDir, 'new.sqlite'));
    assert.notEqual(oldHash, newHash);
  });

  it('SIGKILL at 10 random moments: the old index or the new one, never a partial one; the next build removes what a killed one left', async () => {
    const dir = mkdtempSync(join(workDir, 'kill-'));
    const out = join(dir, 'index.sqlite');
    writeFileSync(out, readFileSync(join(workDir, 'old.sqlite')));
    const next = random(12);
    const killed: number[] = [];
    for (let round = 0; round < 10; round++) {
      const { child, exit } = machNix(['db', 'build', '--deps', newDeps, '--out', out]);
      await sleep(Math.floor(next() * buildMs));
      child.kill('SIGKILL');
      const result = await exit;
      assert.ok(result.signal === 'SIGKILL' || result.code === 0, `round ${round}: ${result.stderr}`);
      assert.ok([oldHash, newHash].includes(sha(out)), `round ${round}: ${out} is neither the old index nor the new one`);
      killed.push(child.pid!);
      for (const entry of files(dir)) {
        if (entry === 'index.sqlite') continue;
        // a build killed before it got to removing the dead ones leaves those of earlier rounds too
        const pid = /^index\.sqlite\.tmp-(\d+)-[0-9a-f]+$/.exec(entry)?.[1];
        assert.ok(pid !== undefined && killed.includes(Number(pid)), `round ${round}: ${entry} is no temporary of a killed build`);
      }
    }
    const { exit } = machNix(['db', 'build', '--deps', newDeps, '--out', out]);
    assert.equal((await exit).code, 0);
    assert.deepEqual(files(dir), ['index.sqlite'], 'a complete build leaves no temporary, its own or a dead one');
    assert.equal(sha(out), newHash);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} stops the build cleanly: the temporary removed, the old index kept, exit 128 + the signal`, async () => {
      const dir = mkdtempSync(join(workDir, `${signal}-`));
      const out = join(dir, 'index.sqlite');
      writeFileSync(out, readFileSync(join(workDir, 'old.sqlite')));
      const { child, exit } = machNix(['db', 'build', '--deps', newDeps, '--out', out]);
      while (!files(dir).some((entry) => entry.includes('.tmp-'))) await sleep(5);
      child.kill(signal);
      const result = await exit;
      assert.equal(result.code, signal === 'SIGINT' ? 130 : 143, result.stderr);
      assert.equal(result.stderr, `error: ${signal}: stopped; ${out} was not written (an existing one is unchanged) and the partial index was removed\n`);
      assert.deepEqual(files(dir), ['index.sqlite']);
      assert.equal(sha(out), oldHash);
    });
  }

  it('8 builds of one index at once: all succeed, one complete index, no temporaries', async () => {
    const dir = mkdtempSync(join(workDir, 'parallel-'));
    const out = join(dir, 'index.sqlite');
    const results = await Promise.all(Array.from({ length: 8 }, () => machNix(['db', 'build', '--deps', oldDeps, '--out', out]).exit));
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(files(dir), ['index.sqlite']);
    assert.equal(sha(out), oldHash);
    const source = openDependencySource(out);
    try {
      assert.equal(source.info().depsTimestamp, 1700000000);
    } finally {
      source.close();
    }
  });

  it('8 resolves answering one request into one file at once: all succeed, one complete document, no temporaries', async () => {
    const dir = mkdtempSync(join(workDir, 'resolves-'));
    const request = join(dir, 'request.json');
    writeFileSync(request, JSON.stringify({
      requirements: 'pkg-old-0\n', python: '3.10.4', platform: 'x86_64-linux', glibc: '2.36', macos: null,
      providers: { _default: 'sdist' }, providerDefaults: {}, condaChannels: [], cudaVersion: null, dataTimestamp: 1700000000,
    }));
    const out = join(dir, 'answer.json');
    const results = await Promise.all(Array.from({ length: 8 }, () =>
      machNix(['resolve', '--request', request, '--deps-db', join(workDir, 'old.sqlite'), '--out', out]).exit));
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(files(dir), ['answer.json', 'request.json']);
    const answer = JSON.parse(readFileSync(out, 'utf8')) as { packages: Record<string, unknown> };
    assert.equal(Object.keys(answer.packages).length, 50, 'the whole dependency chain');
    assert.equal(existsSync(`${out}.tmp`), false);
  });
});
