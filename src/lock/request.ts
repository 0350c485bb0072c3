/**
 * The resolve request (`schemas/resolve-request.schema.json`): what the Nix library asks the
 * resolver, read from a file inside the import-from-derivation, or made by `mach-nix lock` from
 * its flags exactly as `nix/request.nix` makes it from mkPython's arguments; and its hash, the
 * lock's `inputHash`. The hash must equal Nix's `hashString "sha256" (builtins.toJSON request)`
 * byte for byte, so the canonical JSON below is `builtins.toJSON`'s and the request's shape is the
 * schema's, nothing added.
 */
import { InputFileError, NotUtf8Error, UsageError } from '../errors.js';
import type { ResolveRequest } from '../generated/resolve-request.js';
import { crypto } from '../on-demand.js';
import { checkResolveRequest } from '../schemas.js';
import { readUtf8File } from '../utf8-text.js';

/**
 * JSON with sorted keys and no whitespace, escaped the way Nix 2.8's `builtins.toJSON` escapes
 * strings (`\n`, `\r`, `\t`, every other control character `\u00xx`), so that Nix and the CLI
 * hash the same request to the same value. Nix 2.26 writes `\b` and `\f` for two of them;
 * nix/request.nix's hash turns those back into this form.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return JSON.stringify(value);
  if (typeof value === 'string') {
    return `"${value.replace(/["\\\u0000-\u001f]/g, (c) =>
      c === '"' ? '\\"' : c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )}"`;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record).sort().map((k) => `${canonicalJson(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/** The lock's `inputHash`: sha256 of the request's canonical JSON, hex (what Nix's hashString gives). */
export function requestHash(request: ResolveRequest): string {
  return `sha256:${crypto().createHash('sha256').update(canonicalJson(request)).digest('hex')}`;
}

/** A request file the Nix library wrote, checked against the schema. */
export function readRequestFile(file: string): ResolveRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(readUtf8File(file));
  } catch (error) {
    if (error instanceof NotUtf8Error) throw error;
    throw new InputFileError({ file }, `cannot read the resolve request: ${(error as Error).message}`);
  }
  return checkResolveRequest(raw, { file });
}

/** What `mach-nix lock` knows, in the form mkPython has it (see `nix/request.nix`'s `make`). */
export interface RequestParts {
  /** The requirements file's exact content (mkPython's `requirements = builtins.readFile …`). */
  readonly requirements: string;
  /** The interpreter's `python.version`. */
  readonly python: string;
  readonly platform: ResolveRequest['platform'];
  /** Linux: glibc `major.minor`; null on Darwin. */
  readonly glibc: string | null;
  /** Darwin: `darwinMinVersion`; null on Linux or when the platform has none. */
  readonly macos: string | null;
  /**
   * mkPython's `providers` as written: their keys are normalised here as mkPython normalises them
   * (`normalizeProviderKeys`), so that the hash is Nix's.
   */
  readonly providers: ResolveRequest['providers'];
  /** `_providerDefaults` as written (mkPython hashes it as written). */
  readonly providerDefaults: ResolveRequest['providerDefaults'];
  /** `attrNames condaChannelsExtra`: any order in, sorted out, as Nix's attrNames gives them. */
  readonly condaChannels: readonly string[];
  readonly cudaVersion: string | null;
  /** The data's UNIX_TIMESTAMP; null for a package index. */
  readonly dataTimestamp: number | null;
  /**
   * The package indexes read instead of the pinned data, credential-free; absent for the pinned
   * data, whose requests (and lock hashes, Nix's among them) stay as they were.
   */
  readonly index?: { readonly indexUrls: readonly string[]; readonly findLinks: readonly string[] };
}

/** The request mkPython makes for the same arguments, checked against the schema. */
export function makeRequest(parts: RequestParts): ResolveRequest {
  const request: ResolveRequest = {
    requirements: parts.requirements,
    python: parts.python,
    platform: parts.platform,
    glibc: parts.glibc,
    macos: parts.macos,
    providers: normalizeProviderKeys(parts.providers),
    providerDefaults: parts.providerDefaults,
    condaChannels: [...new Set(parts.condaChannels)].sort(),
    cudaVersion: parts.cudaVersion,
    dataTimestamp: parts.dataTimestamp,
    ...(parts.index === undefined ? {} : { index: { indexUrls: [...parts.index.indexUrls], findLinks: [...parts.index.findLinks] } }),
  };
  refuseNul(request);
  return checkResolveRequest(request, { file: 'the request' });
}

/**
 * Nix strings cannot hold U+0000 (Nix 2.8 ends a string there), so no mkPython call makes a request
 * with one and a lock of it could never answer: refused, naming the part. Every other control
 * character hashes alike here and in Nix (see canonicalJson and nix/request.nix's hash).
 */
function refuseNul(request: ResolveRequest): void {
  const holdsNul = (value: unknown): boolean =>
    typeof value === 'string' ? value.includes('\u0000')
      : Array.isArray(value) ? value.some(holdsNul)
        : value !== null && typeof value === 'object' ? Object.entries(value).some(([k, v]) => k.includes('\u0000') || holdsNul(v)) : false;
  for (const part of Object.keys(PART_NAMES) as (keyof ResolveRequest)[]) {
    if (holdsNul(request[part])) throw new UsageError(`there is a NUL character (U+0000) in ${PART_NAMES[part]}, which Nix strings cannot hold: remove it`);
  }
}

/** ASCII-only lower case, as Nix's `toLower` of nix/util.nix (`replaceStrings` of A–Z). */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * The keys of `providers` as mkPython puts them into its request (nix/mk-python.nix,
 * `normalizeProviders`): a package name PEP 503-normalised (runs of `-_.` → `-`, ASCII lower case),
 * a key starting with `_` (`_default`) as written; two spellings of one name are refused as there.
 */
export function normalizeProviderKeys(providers: ResolveRequest['providers']): ResolveRequest['providers'] {
  const key = (name: string) => (name.startsWith('_') ? name : asciiLower(name.split(/[-_.]+/).join('-')));
  const names = Object.keys(providers).sort();
  const clashes = names.filter((name) => names.some((other) => other !== name && key(other) === key(name)));
  if (clashes.length > 0) {
    throw new UsageError(`providers names one package twice: ${clashes.join(', ')} (names are compared PEP 503-normalised)`);
  }
  return Object.fromEntries(names.map((name) => [key(name), providers[name]!]));
}

/** What each part of the request is called where a user sets it (mkPython's arguments). */
const PART_NAMES: Record<keyof ResolveRequest, string> = {
  requirements: 'the requirements',
  python: 'the Python version',
  platform: 'the platform',
  glibc: 'the glibc version',
  macos: 'the macOS deployment target',
  providers: 'providers',
  providerDefaults: '_providerDefaults',
  condaChannels: "condaChannelsExtra's channels",
  cudaVersion: 'cudaVersion',
  dataTimestamp: "the dependency data's UNIX_TIMESTAMP",
  index: 'the package indexes',
};

/**
 * The parts of `request` that differ from the request a lock recorded, each said as "<part>: <in
 * the lock> in the lock, <here> here" (for the requirements, the first line that differs).
 * nix/resolution.nix words a stale lock the same way. Empty when they are equal.
 */
export function requestDifferences(recorded: Readonly<Record<string, unknown>>, request: ResolveRequest): string[] {
  const differences: string[] = [];
  for (const part of Object.keys(PART_NAMES).sort() as (keyof ResolveRequest)[]) {
    const before = recorded[part] ?? null;
    const now = request[part] ?? null;
    if (canonicalJson(before) === canonicalJson(now)) continue;
    if (part === 'requirements' && typeof before === 'string') {
      const lockLines = before.split('\n');
      const callLines = request.requirements.split('\n');
      let line = 0;
      while (lockLines[line] === callLines[line]) line++;
      const show = (text: string | undefined) => (text === undefined ? 'no line' : canonicalJson(text));
      differences.push(`${PART_NAMES[part]}: line ${line + 1} is ${show(lockLines[line])} in the lock, ${show(callLines[line])} here`);
    } else {
      differences.push(`${PART_NAMES[part]}: ${canonicalJson(before)} in the lock, ${canonicalJson(now)} here`);
    }
  }
  return differences;
}
