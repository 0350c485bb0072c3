/**
 * What makes a resolution document safe to build from, checked when a lock is written and when one
 * is read: every file hash is a well-formed SRI sha256 or sha512 (md5 and sha1 are broken, and a
 * mangled hash would fail later naming nothing), and no string the Nix library turns into a
 * package, a URL or a hash holds a control character (Nix 2.8's `builtins.fromJSON` cuts a string
 * at `\u0000`, so `https://good\u0000.evil` would evaluate to another URL than the one checked
 * here). `nix/integrity.nix` checks the same for the Nix library. Also: the one wording of a file
 * that cannot be pinned, shared by `mach-nix lock` and the Nix library's refusal.
 */
import { MachNixError } from '../errors.js';
import type { Package, Resolution } from '../generated/resolution.js';

/** The SRI hashes mach-nix pins files by (what `--hash=sha256:`/`sha512:` and the data give). */
const STRONG_HASH = /^(?:sha256-[A-Za-z0-9+/]{43}=|sha512-[A-Za-z0-9+/]{86}==)$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `hash` cannot pin a file, or null when it can. */
export function hashProblem(hash: string): string | null {
  if (STRONG_HASH.test(hash)) return null;
  const algorithm = /^([A-Za-z0-9]+)-/.exec(hash)?.[1]?.toLowerCase();
  if (algorithm === 'md5' || algorithm === 'sha1') return `${shown(hash)} is ${algorithm === 'md5' ? 'an md5' : 'a sha1'} hash, too weak to pin a file (collisions can be made): mach-nix accepts sha256 or sha512`;
  if (algorithm !== undefined && algorithm !== 'sha256' && algorithm !== 'sha512') return `${shown(hash)} is a ${algorithm} hash: mach-nix pins files by sha256 or sha512`;
  return `${shown(hash)} is not an SRI hash (sha256- and 44 base64 characters, or sha512- and 88)`;
}

/** A string as JSON shows it (control characters escaped), cut short when long. */
function shown(text: string): string {
  const json = JSON.stringify(text);
  return json.length > 120 ? `${json.slice(0, 117)}…"` : json;
}

/** The strings of a package the Nix library uses as names, versions, URLs, hashes and file names. */
function packageStrings(key: string, p: Package): [string, string][] {
  const fields: [string, string][] = [['its name in packages', key], ['name', p.name], ['version', p.version], ['provider', p.provider]];
  for (const [field, value] of Object.entries(p.source)) if (typeof value === 'string') fields.push([field, value]);
  for (const list of ['dependencies', 'buildDependencies', 'extras', 'cycleDependencies'] as const) {
    for (const name of p[list] ?? []) fields.push([`a name in ${list}`, name]);
  }
  return fields;
}

/**
 * The problems of a resolution, each naming the package ("package foo: …"); empty when it is safe.
 */
export function integrityProblems(resolution: Resolution): string[] {
  const problems: string[] = [];
  for (const root of resolution.roots) {
    if (CONTROL.test(root)) problems.push(`the root ${shown(root)} holds a control character`);
  }
  for (const [key, p] of Object.entries(resolution.packages)) {
    const label = `package ${CONTROL.test(key) ? shown(key) : key}`;
    for (const [field, value] of packageStrings(key, p!)) {
      if (CONTROL.test(value)) problems.push(`${label}: ${field} ${shown(value)} holds a control character, which no name, URL or hash has (Nix would read another string)`);
    }
    const hash = 'hash' in p!.source ? p!.source.hash : null;
    if (typeof hash === 'string' && !CONTROL.test(hash)) {
      const problem = hashProblem(hash);
      if (problem !== null) problems.push(`${label}: the hash ${problem}`);
    }
  }
  return problems;
}

/** Throws naming `file` and the first problems when the resolution is not safe to build from. */
export function checkIntegrity(resolution: Resolution, file: string, doing: 'read' | 'write'): void {
  const problems = integrityProblems(resolution);
  if (problems.length === 0) return;
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  throw new MachNixError(
    `${doing === 'read' ? file : `refusing to write ${file}`}: ${problems.slice(0, 3).join('; ')}${more}` +
      (doing === 'read' ? ': the lock was edited or made by a broken tool; write it again with mach-nix lock' : '; nothing was written'),
  );
}

/** How a user lets one package be fetched without a hash: said by `mach-nix lock` and by Nix. */
export function allowUnpinnedHint(name: string): string {
  return `mkPython { allowUnpinned = [ "${name}" ]; … } lets it be fetched without one (impurely: --impure, and a file:// file is copied into the world-readable Nix store)`;
}
