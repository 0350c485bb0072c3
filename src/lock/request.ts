/**
 * The resolve request (`schemas/resolve-request.schema.json`): what the Nix library asks the
 * resolver, read from a file inside the import-from-derivation, or made by `mach-nix lock` from
 * its flags exactly as `nix/request.nix` makes it from mkPython's arguments; and its hash, the
 * lock's `inputHash`. The hash must equal Nix's `hashString "sha256" (builtins.toJSON request)`
 * byte for byte, so the canonical JSON below is `builtins.toJSON`'s and the request's shape is the
 * schema's, nothing added.
 */
import { readFileSync } from 'node:fs';
import { InputFileError } from '../errors.js';
import type { ResolveRequest } from '../generated/resolve-request.js';
import { crypto } from '../on-demand.js';
import { checkResolveRequest } from '../schemas.js';

/**
 * JSON with sorted keys and no whitespace, escaped the way Nix's `builtins.toJSON` escapes
 * strings, so that Nix and the CLI hash the same request to the same value.
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
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
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
  /** mkPython's `providers` and `_providerDefaults` as written (the hash covers them as written). */
  readonly providers: ResolveRequest['providers'];
  readonly providerDefaults: ResolveRequest['providerDefaults'];
  /** `attrNames condaChannelsExtra`: any order in, sorted out, as Nix's attrNames gives them. */
  readonly condaChannels: readonly string[];
  readonly cudaVersion: string | null;
  /** The data's UNIX_TIMESTAMP. */
  readonly dataTimestamp: number | null;
}

/** The request mkPython makes for the same arguments, checked against the schema. */
export function makeRequest(parts: RequestParts): ResolveRequest {
  const request: ResolveRequest = {
    requirements: parts.requirements,
    python: parts.python,
    platform: parts.platform,
    glibc: parts.glibc,
    macos: parts.macos,
    providers: parts.providers,
    providerDefaults: parts.providerDefaults,
    condaChannels: [...new Set(parts.condaChannels)].sort(),
    cudaVersion: parts.cudaVersion,
    dataTimestamp: parts.dataTimestamp,
  };
  return checkResolveRequest(request, { file: 'the request' });
}
