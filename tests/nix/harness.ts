/**
 * Running Nix from node:test, offline, under two Nix versions:
 * - `host-2.8`: Debian bookworm's nix-bin on this machine;
 * - `chroot-2.26`: Debian trixie's nix-bin in the chroot made by tests/nix/setup-chroot.sh
 *   (real nixpkgs needs Nix >= 2.18, and users run a modern Nix).
 * Each variant has its own store, so seedStore() runs once per variant. Nothing here touches
 * a nix.conf: settings go through NIX_CONFIG, added to the user's (see nixEnv).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type NixVariant = 'host-2.8' | 'chroot-2.26';

const here = dirname(fileURLToPath(import.meta.url));
export const repoDir = resolve(here, '../..');
export const standInDir = join(here, 'nixpkgs');
const setupChroot = join(here, 'setup-chroot.sh');
const emptyRegistry = join(here, 'empty-registry.json');
export const chrootDir = process.env.MACH_NIX_CHROOT ?? '/var/cache/mach-nix-ci/trixie';
/** Scratch space both variants see at the same path (setup-chroot.sh bind-mounts /tmp). */
export const scratchDir = '/tmp';

/**
 * NIX_CONFIG and NIX_REMOTE for a variant. The tests' settings are appended to the user's own
 * NIX_CONFIG (`userConfig`, by default $NIX_CONFIG), and NIX_CONFIG is read on top of the
 * nix.conf files, so a user's settings stay in force except those named here: no substituters
 * (no network here), nix-command and flakes added to the user's experimental features, no
 * global registry, longer build-log excerpts in errors, and no sandbox (the stand-in's builders
 * are the host's programs, which a sandbox hides — Debian's nix.conf sets `sandbox = false`
 * too). Nothing here writes a nix.conf.
 */
export function nixEnv(variant: NixVariant = 'host-2.8', userConfig = process.env.NIX_CONFIG ?? ''): Record<string, string> {
  const ours = [
    'substituters =',
    'extra-experimental-features = nix-command flakes',
    'warn-dirty = false',
    'log-lines = 50',
    `flake-registry = ${emptyRegistry}`,
    'sandbox = false',
  ];
  // the chroot has no build users: build as root (the host has them, see .ci/setup-nix)
  if (variant === 'chroot-2.26') ours.push('build-users-group =');
  const own = userConfig.split('\n').filter((line) => line.trim() !== '');
  return { NIX_REMOTE: 'local', NIX_CONFIG: [...own, ...ours].join('\n') };
}

function hasHostNix(): boolean {
  return spawnSync('nix', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * The Nix variants the tests loop over: both, or those listed in $MACH_NIX_NIX_VARIANTS
 * (comma-separated). A missing Nix is an error, never a skip.
 */
export function nixVersions(): NixVariant[] {
  const all: NixVariant[] = ['host-2.8', 'chroot-2.26'];
  const wanted = process.env.MACH_NIX_NIX_VARIANTS?.split(',').map((s) => s.trim()) ?? all;
  const unknown = wanted.filter((w) => !(all as string[]).includes(w));
  if (unknown.length > 0) throw new Error(`MACH_NIX_NIX_VARIANTS: unknown ${unknown.join(', ')}; use ${all.join(', ')}`);
  if (!hasHostNix()) throw new Error('nix not found: run `bash .ci/run` or `apt-get install nix-bin`');
  if (wanted.includes('chroot-2.26') && !existsSync(join(chrootDir, 'usr/bin/nix'))) {
    throw new Error(`Nix 2.26 chroot not found at ${chrootDir}: run \`bash tests/nix/setup-chroot.sh\` (as root)`);
  }
  return all.filter((v) => wanted.includes(v));
}

export interface RunOptions {
  cwd?: string;
  /** extra environment variables for the command */
  env?: Record<string, string>;
  input?: string;
  /** resolve with the result instead of rejecting when the command fails */
  allowFailure?: boolean;
  /** the user's NIX_CONFIG that the tests' settings are added to (default: $NIX_CONFIG) */
  userNixConfig?: string;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export class NixError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    super(`${command} failed with status ${result.status}:\n${result.stderr.trim().split('\n').slice(-25).join('\n')}`);
  }
}

/**
 * What to spawn for `program args…` under a variant: the program itself with the variant's Nix
 * settings (host-2.8), or the chroot's entry running it with only those settings (chroot-2.26).
 * Exported for tests that start servers; `run` is the one-shot form.
 */
export function commandLine(
  variant: NixVariant,
  program: string,
  args: string[],
  opts: Pick<RunOptions, 'cwd' | 'env' | 'userNixConfig'> = {},
): { file: string; argv: string[]; cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = opts.cwd ?? repoDir;
  const env = { ...nixEnv(variant, opts.userNixConfig), ...opts.env };
  if (variant === 'host-2.8') return { file: program, argv: args, cwd, env: { ...process.env, ...env } };
  const assignments = Object.entries({ HOME: '/root', PATH: '/usr/bin:/bin', ...env }).map(([k, v]) => `${k}=${v}`);
  return {
    file: 'bash',
    argv: [setupChroot, 'run', 'env', '-i', ...assignments, 'sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', cwd, program, ...args],
    cwd,
    env: process.env,
  };
}

/**
 * Runs `program args…` with the variant's Nix settings: a Nix command (nix, nix-build,
 * nix-store, nix-shell) or a program of its store. For chroot-2.26 it runs inside the chroot,
 * so `cwd` and the paths in `args` must be ones the chroot shares (the repository, /tmp).
 */
export function run(variant: NixVariant, program: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const { file, argv, cwd, env: spawnEnv } = commandLine(variant, program, args, opts);
  const command = `[${variant}] ${program} ${args.join(' ')}`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, argv, { cwd, env: spawnEnv, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { status: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
      if (result.status !== 0 && !opts.allowFailure) reject(new NixError(command, result));
      else resolvePromise(result);
    });
    if (opts.input !== undefined) {
      child.stdin?.on('error', () => undefined); // a command may exit without reading it
      child.stdin?.end(opts.input);
    }
  });
}

/** `nix args…` under a variant. */
export function nix(variant: NixVariant, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(variant, 'nix', args, opts);
}

/**
 * Evaluates a Nix expression (impure, so it may import files by absolute path) and returns
 * the parsed JSON. Batch many checks into one expression: a process costs ~20 ms, a check
 * inside one almost nothing.
 */
export async function nixEval<T = unknown>(variant: NixVariant, expr: string, opts: RunOptions = {}): Promise<T> {
  const { stdout } = await nix(variant, ['eval', '--impure', '--json', '--expr', expr], opts);
  return JSON.parse(stdout) as T;
}

/** Like nixEval, for a file: `nix eval --impure --json -f FILE [ATTR]`. */
export async function nixEvalFile<T = unknown>(variant: NixVariant, file: string, attr = '', opts: RunOptions = {}): Promise<T> {
  const args = ['eval', '--impure', '--json', '-f', file];
  if (attr !== '') args.push(attr);
  const { stdout } = await nix(variant, args, opts);
  return JSON.parse(stdout) as T;
}

/**
 * The target a lock for the stand-in names: its python3's version and its glibc's version, under
 * `variant` (Python 3.11 by default, the mirror's cp311 wheels; null: the variant's own python3).
 */
export function standInTarget(variant: NixVariant, pythonVersion: string | null = '3.11'): Promise<[string, string]> {
  const args = pythonVersion === null ? '{ }' : `{ pythonVersion = "${pythonVersion}"; }`;
  return nixEval<[string, string]>(variant, `let p = import ${standInDir} ${args}; in [ p.python3.version p.glibc.version ]`);
}

export interface BuildOutputs {
  out: string;
  [output: string]: string;
}

/**
 * Builds an expression (or, with `installable`, a flake reference) and returns the outputs;
 * `out` is the `out` output, or the only output built (e.g. of `drv.dist`).
 */
export async function nixBuild(
  variant: NixVariant,
  target: { expr: string } | { installable: string },
  opts: RunOptions & { extraArgs?: string[] } = {},
): Promise<BuildOutputs> {
  const args = ['build', '--no-link', '--json', ...(opts.extraArgs ?? [])];
  if ('expr' in target) args.push('--impure', '--expr', target.expr);
  else args.push(target.installable);
  const { stdout } = await nix(variant, args, opts);
  const [first] = JSON.parse(stdout) as Array<{ outputs: Record<string, string> }>;
  const outputs = first?.outputs ?? {};
  const paths = Object.values(outputs);
  const out = outputs.out ?? (paths.length === 1 ? paths[0] : undefined);
  if (out === undefined) throw new Error(`nix build printed no \`out\` output: ${stdout}`);
  return { ...outputs, out };
}

/** Where the host sees a store path of a variant (the chroot's store is under its root). */
export function hostPath(variant: NixVariant, storePath: string): string {
  return variant === 'host-2.8' ? storePath : join(chrootDir, storePath);
}

/** `path:` reference to the stand-in, for `--override-input nixpkgs …`. */
export function standInFlake(): string {
  return `path:${standInDir}`;
}

/** Nix string literal (for splicing values into expressions). */
export function nixString(s: string): string {
  return JSON.stringify(s).replace(/\$\{/g, '\\${');
}

// --- seeding the store ------------------------------------------------------------------

export interface SeededWheel {
  pname: string;
  version: string;
  filename: string;
  url: string;
  hash: string;
}

const mirrors = ['/opt/pypi/files', '/opt/pypi-more/files'];
/**
 * The stand-in's build tools, from the local mirror (real PyPI wheels; Debian bookworm's pip
 * 23.0.1 and setuptools 66 do not run on Python 3.12+, the chroot's python3 is 3.13)
 */
const mirrorProjects = ['pip', 'setuptools', 'wheel', 'build', 'packaging', 'pyproject_hooks', 'flit_core'];
/** wheels the Nix tests use directly */
export const testWheelProjects = ['six'];

const normalize = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

function versionKey(v: string): number[] {
  return v.split(/[^0-9]+/).filter(Boolean).map(Number);
}
function newer(a: string, b: string): boolean {
  const [x, y] = [versionKey(a), versionKey(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d > 0;
  }
  return false;
}

/** The newest pure-Python wheel of `project` in `dirs` (file names as on PyPI). */
function findWheel(project: string, dirs: string[]): string {
  let best: { file: string; version: string } | undefined;
  for (const dir of dirs.filter(existsSync)) {
    for (const file of readdirSync(dir)) {
      const m = /^([^-]+)-([^-]+)-.*-none-any\.whl$/.exec(file);
      if (!m || normalize(m[1] ?? '') !== normalize(project)) continue;
      const version = m[2] ?? '';
      if (!best || newer(version, best.version)) best = { file: join(dir, file), version };
    }
  }
  if (!best) throw new Error(`no wheel of ${project} in ${dirs.join(', ')} (the local PyPI mirror)`);
  return best.file;
}

function sha256Sri(data: Buffer): string {
  return `sha256-${createHash('sha256').update(data).digest('base64')}`;
}

function wheelEntry(file: string): SeededWheel {
  const filename = basename(file);
  const [dist = '', version = ''] = filename.split('-');
  const pname = normalize(dist);
  return {
    pname,
    version,
    filename,
    url: `https://files.pythonhosted.org/packages/py3/${pname[0]}/${pname}/${filename}`,
    hash: sha256Sri(readFileSync(file)),
  };
}

/**
 * Debian's pip wheel (python3-pip-whl, installed by .ci/setup-nix): the packaging 21.3 it
 * vendors is the only packaging older than 23.2 on this machine (the mirror's pip vendors a new
 * one), which fixtures/old-packaging-wheel.py turns into a wheel of its own.
 */
export function debianPipWheel(): string {
  const dir = '/usr/share/python-wheels';
  const pip = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('pip-')) : undefined;
  if (!pip) throw new Error(`no pip wheel in ${dir} (Debian: apt-get install python3-pip-whl, see .ci/setup-nix)`);
  return join(dir, pip);
}

/** The wheel files the stand-in and the tests use, from the local mirror. */
function wheelFiles(): string[] {
  return [...mirrorProjects, ...testWheelProjects].map((p) => findWheel(p, mirrors));
}

/** The entries of the stand-in's wheels.json: PyPI-style URLs, hashes of this machine's files. */
export function seededWheels(): SeededWheel[] {
  return wheelFiles().map(wheelEntry);
}

interface NpmTarball {
  file: string;
  algo: 'sha512' | 'sha1';
}

/** npm tarballs of a package-lock.json found in the npm cache (cacache content by integrity). */
export function npmTarballs(lockFile = join(repoDir, 'package-lock.json')): { found: NpmTarball[]; missing: string[] } {
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as {
    packages: Record<string, { resolved?: string; integrity?: string; optional?: boolean }>;
  };
  const cache = join(process.env.npm_config_cache ?? join(homedir(), '.npm'), '_cacache', 'content-v2');
  const staging = join(scratchDir, 'mach-nix-npm-seed');
  const found: NpmTarball[] = [];
  const missing: string[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!entry.resolved?.startsWith('https://') || !entry.integrity) continue;
    const [algo = '', b64 = ''] = (entry.integrity.split(/\s+/)[0] ?? '').split(/-(.*)/s);
    if (algo !== 'sha512' && algo !== 'sha1') continue;
    const hex = Buffer.from(b64, 'base64').toString('hex');
    const content = join(cache, algo, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
    if (!existsSync(content)) {
      // optional packages for other platforms were never downloaded (importNpmLock skips them)
      if (!entry.optional) missing.push(key);
      continue;
    }
    // the store name must be the URL's basename: stage a copy under that name
    const dir = join(staging, hex.slice(0, 16));
    const file = join(dir, basename(new URL(entry.resolved).pathname));
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      copyFileSync(content, file);
    }
    found.push({ file, algo });
  }
  return { found, missing };
}

const seeded = new Map<NixVariant, Promise<SeededWheel[]>>();

/**
 * Idempotently adds to the variant's store, under their URL basenames, the wheels of
 * seededWheels() and the npm tarballs of the repository's package-lock.json, so that
 * fetchurl of their real URLs succeeds offline; writes the stand-in's wheels.json.
 */
export function seedStore(variant: NixVariant): Promise<SeededWheel[]> {
  let done = seeded.get(variant);
  if (!done) {
    done = (async () => {
      const files = wheelFiles();
      const wheels = files.map(wheelEntry);
      await run(variant, 'nix-store', ['--add-fixed', 'sha256', ...files]);
      const { found, missing } = npmTarballs();
      if (missing.length > 0) throw new Error(`npm cache lacks ${missing.join(', ')}: run \`npm ci\` online once`);
      for (const algo of ['sha512', 'sha1'] as const) {
        const batch = found.filter((t) => t.algo === algo).map((t) => t.file);
        if (batch.length > 0) await run(variant, 'nix-store', ['--add-fixed', algo, ...batch]);
      }
      const json = `${JSON.stringify(wheels, null, 1)}\n`;
      const target = join(standInDir, 'wheels.json');
      if (!existsSync(target) || readFileSync(target, 'utf8') !== json) {
        // write and rename: another test process may be reading it
        writeFileSync(`${target}.${process.pid}`, json);
        renameSync(`${target}.${process.pid}`, target);
      }
      return wheels;
    })();
    seeded.set(variant, done);
  }
  return done;
}

/**
 * This checkout's files (tracked, and new ones not ignored) copied into `into/mach-nix`: what
 * `--mach-nix path:` and `--override-input mach-nix path:` pin. A copy rather than the checkout:
 * a `git+file` flake of a git worktree names the main repository's .git, which the chroot lacks.
 */
export function checkoutCopy(into: string): string {
  const dir = join(into, 'mach-nix');
  const files = spawnSync('git', ['-C', repoDir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' });
  if (files.status !== 0) throw new Error(`git ls-files failed: ${files.stderr}`);
  for (const file of files.stdout.split('\0').filter(Boolean)) {
    try {
      cpSync(join(repoDir, file), join(dir, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // deleted, not yet committed
    }
  }
  return dir;
}
