/**
 * What the files of `mach-nix env` and `mach-nix gen` pin: this mach-nix, and through it (or as
 * the user overrides them) nixpkgs and pypi-deps-db — locked by Nix itself (`nix flake lock`), so
 * every source is pinned by its NAR hash exactly as `nix develop` pins it.
 *
 * This mach-nix is known as the Nix package records it at build time (`MACH_NIX_SOURCE`: the
 * flake's URL, `self.rev`, `self.narHash`; `nix/cli.nix`), or, run from a git checkout, as the
 * checkout's commit of the upstream repository. `--mach-nix REF` names another.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MachNixError, UsageError } from '../errors.js';
import { childProcess, os } from '../on-demand.js';
import { FLAKE_FLAGS, NixCommandError, type NixRun, runNix } from './run-nix.js';
import { nixString } from './strings.js';
import { packageRoot } from '../version.js';

export type InputName = 'mach-nix' | 'nixpkgs' | 'pypi-deps-db';

/** Where each input comes from by default: a branch, tag or commit written alone is of these. */
export const UPSTREAM: Record<InputName, string> = {
  'mach-nix': 'github:mach-nix/mach-nix',
  nixpkgs: 'github:NixOS/nixpkgs',
  'pypi-deps-db': 'github:DavHau/pypi-deps-db',
};

/**
 * The flake reference a user's `--mach-nix`/`--nixpkgs`/`--pypi-deps-db` value means: a flake
 * reference or URL as it is, a local path as `path:` of it, anything else (mach-nix's "branch or
 * tag or revision") as that of the upstream repository.
 */
export function inputReference(name: InputName, written: string): string {
  if (written.trim() === '') throw new UsageError(`--${name}: give a flake reference, a path, or a branch, tag or commit`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(written)) return written;
  if (written.startsWith('/') || written.startsWith('./') || written.startsWith('../') || written === '.') return `path:${resolve(written)}`;
  return `${UPSTREAM[name]}/${written}`;
}

export interface OwnSource {
  /** The flake reference of this mach-nix. */
  readonly reference: string;
  /**
   * flake.lock's node of it, when its NAR hash is known (the package records it; a checkout's
   * commit is hashed by Nix): written into a lock before Nix locks the rest, so that the source
   * in the store is used and never fetched again — and the content pinned is the one running.
   */
  readonly node: LockNode | null;
  /** Its own flake.lock, whose nixpkgs and pypi-deps-db the node's inputs are. */
  readonly flakeLock: FlakeLock | null;
  /** What the user should know about it, if anything. */
  readonly note: string | null;
}

/** flake.lock's node of a commit of github:OWNER/REPO with a known NAR hash. */
function githubNode(url: string, rev: string, narHash: string, lastModified: number | null, flakeLock: FlakeLock): LockNode | null {
  const match = /^github:([^/]+)\/([^/?]+)$/.exec(url);
  const root = flakeLock.nodes[flakeLock.root];
  if (match === null || root === undefined) return null;
  const [, owner, repo] = match as unknown as [string, string, string];
  return {
    inputs: root.inputs ?? {},
    locked: { type: 'github', owner, repo, rev, narHash, ...(lastModified === null ? {} : { lastModified }) },
    original: { type: 'github', owner, repo, rev },
  };
}

/** The mach-nix running: the package's recorded source, else the commit of its checkout. */
export function ownSource(): OwnSource {
  const recorded = process.env.MACH_NIX_SOURCE;
  if (recorded !== undefined && recorded !== '') {
    let source: { url?: unknown; rev?: unknown; narHash?: unknown; lastModified?: unknown; flakeLock?: unknown };
    try {
      source = JSON.parse(existsSync(recorded) ? readFileSync(recorded, 'utf8') : recorded) as typeof source;
    } catch (error) {
      throw new MachNixError(`MACH_NIX_SOURCE is neither JSON nor a JSON file: ${(error as Error).message}`);
    }
    const url = typeof source.url === 'string' ? source.url : UPSTREAM['mach-nix'];
    if (typeof source.rev !== 'string') {
      throw new UsageError('this mach-nix was built from a tree with uncommitted changes, which nobody can fetch again: pass --mach-nix REF (e.g. github:mach-nix/mach-nix/<commit>)');
    }
    const flakeLock = (source.flakeLock ?? null) as FlakeLock | null;
    const node = typeof source.narHash === 'string' && flakeLock !== null
      ? githubNode(url, source.rev, source.narHash, typeof source.lastModified === 'number' ? source.lastModified : null, flakeLock)
      : null;
    return { reference: `${url}/${source.rev}`, node, flakeLock, note: null };
  }
  const toolRoot = packageRoot();
  const git = (...args: string[]) => childProcess().spawnSync('git', ['-C', toolRoot, ...args], { encoding: 'utf8' });
  const head = git('rev-parse', '--verify', 'HEAD');
  if (head.error !== undefined || head.status !== 0 || !existsSync(join(toolRoot, '.git'))) {
    throw new UsageError('cannot tell which mach-nix this is (neither its Nix package nor a git checkout): pass --mach-nix REF');
  }
  const rev = head.stdout.trim();
  const dirty = git('status', '--porcelain', '--untracked-files=no').stdout.trim() !== '';
  let node: LockNode | null = null;
  let flakeLock: FlakeLock | null = null;
  try {
    // Nix hashes the commit's tree as GitHub serves it, and puts it in the store.
    const metadata = JSON.parse(runNix('nix', [...FLAKE_FLAGS, 'flake', 'metadata', '--json', `git+file://${toolRoot}?rev=${rev}`])) as { locked: { narHash: string; lastModified?: number } };
    flakeLock = JSON.parse(git('show', `${rev}:flake.lock`).stdout) as FlakeLock;
    node = githubNode(UPSTREAM['mach-nix'], rev, metadata.locked.narHash, metadata.locked.lastModified ?? null, flakeLock);
  } catch {
    // without Nix's hash the pin is locked like any other reference
  }
  return {
    reference: `${UPSTREAM['mach-nix']}/${rev}`,
    node,
    flakeLock,
    note: `pinned mach-nix ${UPSTREAM['mach-nix']}/${rev}, the commit of the checkout at ${toolRoot}${dirty ? ' (its uncommitted changes are not in the pin)' : ''}; --mach-nix REF pins another`,
  };
}

/** The references the generated files use: mach-nix's, and nixpkgs' and the data's when overridden. */
export interface InputReferences {
  readonly 'mach-nix': string;
  readonly nixpkgs: string | null;
  readonly 'pypi-deps-db': string | null;
}

/** The `inputs = { … };` of a flake for these references (overrides follow mach-nix's inputs). */
export function inputsText(references: InputReferences, indent = '  '): string {
  const lines = [`${indent}inputs = {`, `${indent}  mach-nix.url = ${nixString(references['mach-nix'])};`];
  if (references.nixpkgs !== null) {
    lines.push(`${indent}  nixpkgs.url = ${nixString(references.nixpkgs)};`, `${indent}  mach-nix.inputs.nixpkgs.follows = "nixpkgs";`);
  }
  if (references['pypi-deps-db'] !== null) {
    lines.push(
      `${indent}  pypi-deps-db = { url = ${nixString(references['pypi-deps-db'])}; flake = false; };`,
      `${indent}  mach-nix.inputs.pypi-deps-db.follows = "pypi-deps-db";`,
    );
  }
  lines.push(`${indent}};`);
  return lines.join('\n');
}

export interface LockNode {
  readonly inputs?: Record<string, string | string[]>;
  readonly locked?: Record<string, unknown>;
  readonly original?: Record<string, unknown>;
  readonly flake?: boolean;
}

export interface FlakeLock {
  readonly nodes: Record<string, LockNode>;
  readonly root: string;
  readonly version: number;
}

/** `locked` of each of the three inputs, as flake.lock pins them. */
export type PinnedInputs = Record<InputName, Readonly<Record<string, unknown>>>;

/**
 * Locks the flake in `dir` (`nix flake lock path:DIR`: a `path:` flake, so that files git does not
 * track are seen) and returns its flake.lock. With this mach-nix's own node known, a lock that
 * does not pin it yet gets it first (with its nixpkgs and pypi-deps-db), so Nix keeps it.
 */
export function lockFlake(dir: string, own: OwnSource | null, run: NixRun = {}): FlakeLock {
  if (own?.node != null && own.flakeLock !== null) preseed(join(dir, 'flake.lock'), own.node, own.flakeLock);
  try {
    runNix('nix', [...FLAKE_FLAGS, 'flake', 'lock', `path:${resolve(dir)}`], run);
  } catch (error) {
    if (error instanceof NixCommandError) {
      throw new NixCommandError(`locking the inputs (mach-nix, nixpkgs, pypi-deps-db) failed: ${error.message}`, error.details);
    }
    throw error;
  }
  return JSON.parse(readFileSync(join(dir, 'flake.lock'), 'utf8')) as FlakeLock;
}

function preseed(file: string, node: LockNode, toolLock: FlakeLock): void {
  if (existsSync(file)) {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as FlakeLock;
    const reference = lock.nodes[lock.root]?.inputs?.['mach-nix'];
    const pinned = typeof reference === 'string' ? lock.nodes[reference] : undefined;
    if (pinned !== undefined && JSON.stringify(pinned.original) === JSON.stringify(node.original)) return;
  }
  const nodes: Record<string, LockNode> = {};
  for (const [name, other] of Object.entries(toolLock.nodes)) if (name !== toolLock.root && name !== 'mach-nix') nodes[name] = other;
  nodes['mach-nix'] = node;
  nodes.root = { inputs: { 'mach-nix': 'mach-nix' } };
  writeFileSync(file, `${JSON.stringify({ nodes, root: 'root', version: toolLock.version }, null, 2)}\n`);
}

/** The three inputs a lock pins (following `follows`), each checked to be pinned by a hash. */
export function pinnedInputs(lock: FlakeLock): PinnedInputs {
  const node = (name: string) => {
    const found = lock.nodes[name];
    if (found === undefined) throw new MachNixError(`flake.lock has no node ${name}`);
    return found;
  };
  const input = (from: LockNode, name: string): LockNode => {
    const reference = from.inputs?.[name];
    if (reference === undefined) throw new MachNixError(`flake.lock: no input ${name}`);
    return Array.isArray(reference) ? reference.reduce((at, step) => input(at, step), node(lock.root)) : node(reference);
  };
  const machNix = input(node(lock.root), 'mach-nix');
  const pinned: Partial<Record<InputName, Readonly<Record<string, unknown>>>> = {};
  for (const [name, found] of [['mach-nix', machNix], ['nixpkgs', input(machNix, 'nixpkgs')], ['pypi-deps-db', input(machNix, 'pypi-deps-db')]] as const) {
    const locked = found.locked ?? {};
    if (typeof locked.narHash !== 'string' || (locked.type === 'git' && typeof locked.rev !== 'string')) {
      throw new UsageError(`${name} is not pinned by a hash (${JSON.stringify(found.original ?? locked)}): a git tree with uncommitted changes, or a reference Nix cannot lock; commit them or name a commit`);
    }
    pinned[name] = locked;
  }
  return pinned as PinnedInputs;
}

/** Locks the inputs of `references` in a scratch flake (for `mach-nix gen`, which writes no flake). */
export function lockInputs(references: InputReferences, own: OwnSource | null, run: NixRun = {}): PinnedInputs {
  const dir = mkdtempSync(join(os().tmpdir(), 'mach-nix-pins-'));
  try {
    writeFileSync(join(dir, 'flake.nix'), `{\n${inputsText(references)}\n  outputs = _: { };\n}\n`);
    return pinnedInputs(lockFlake(dir, own, run));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Refuses a pin of this mach-nix whose content is not the one running. */
export function checkOwnPin(own: OwnSource, pinned: PinnedInputs): void {
  const expected = own.node?.locked?.narHash;
  if (typeof expected === 'string' && pinned['mach-nix'].narHash !== expected) {
    throw new MachNixError(`${own.reference} is not the mach-nix running (its NAR hash is ${String(pinned['mach-nix'].narHash)}, this one's ${expected})`);
  }
}
