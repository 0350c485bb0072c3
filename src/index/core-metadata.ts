/**
 * Core metadata (the `METADATA` file of a wheel, `PKG-INFO` of an sdist, a PEP 658 `.metadata`
 * file): the RFC 822-style header block that the core metadata specification defines, reduced to
 * what a resolver needs — Name, Version, Requires-Dist, Requires-Python, Provides-Extra — plus
 * `Dynamic` (PEP 643), which says whether an sdist's PKG-INFO can be trusted for dependencies.
 *
 * Parsing follows what packaging's `Metadata.from_email` accepts: header lines `Name: value`,
 * continuation lines starting with a space or tab (folding; unfolded by dropping the line break,
 * RFC 5322 §2.2.3), the headers end at the first empty line and the rest is the description.
 * Multiple-use fields keep their order. Bytes are UTF-8; undecodable bytes become U+FFFD, as they
 * can only sit in free text a resolver does not read.
 */
import { DataError, type SourceLocation } from '../errors.js';
import { compareVersions, tryParseVersion } from '../pep440.js';
import { canonicalizeName } from '../pep503.js';

export interface CoreMetadata {
  /** `Metadata-Version` as written (`2.1`); `1.0` when the file has none (the oldest version). */
  readonly metadataVersion: string;
  /** `Name` as written. */
  readonly name: string;
  /** `Version` as written. */
  readonly version: string;
  /** Every `Requires-Dist`, in file order. */
  readonly requiresDist: readonly string[];
  /** `Requires-Python`, or null when absent. */
  readonly requiresPython: string | null;
  /** Every `Provides-Extra`, in file order, as written. */
  readonly providesExtra: readonly string[];
  /** Every `Dynamic` field name, lower case (`requires-dist`). */
  readonly dynamic: readonly string[];
}

/** The fields a resolver reads from metadata; PEP 643 must declare them static for an sdist. */
const DEPENDENCY_FIELDS = ['requires-dist', 'requires-python'] as const;

/** Splits the header block into (lower-cased field name, unfolded value) pairs, in order. */
export function parseHeaders(text: string): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const last = headers[headers.length - 1];
      if (last) last[1] += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // Python's email parser also skips such defects
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/**
 * Parses core metadata; `location` names the file (its URL, and `key` the member, e.g.
 * `METADATA`) in the error thrown when Name or Version is missing.
 */
export function parseCoreMetadata(content: string | Uint8Array, location: SourceLocation): CoreMetadata {
  const text = typeof content === 'string' ? content : new TextDecoder('utf-8').decode(content);
  const single = new Map<string, string>();
  const requiresDist: string[] = [];
  const providesExtra: string[] = [];
  const dynamic: string[] = [];
  for (const [field, value] of parseHeaders(text)) {
    if (field === 'requires-dist') requiresDist.push(value);
    else if (field === 'provides-extra') providesExtra.push(value);
    else if (field === 'dynamic') dynamic.push(value.toLowerCase());
    else if (!single.has(field)) single.set(field, value);
  }
  const name = single.get('name');
  const version = single.get('version');
  if (!name) throw new DataError(location, 'core metadata has no Name field');
  if (!version) throw new DataError(location, 'core metadata has no Version field');
  return Object.freeze({
    metadataVersion: single.get('metadata-version') || '1.0',
    name,
    version,
    requiresDist: Object.freeze(requiresDist),
    requiresPython: single.get('requires-python') || null,
    providesExtra: Object.freeze(providesExtra),
    dynamic: Object.freeze(dynamic),
  });
}

/** `[major, minor]` of a Metadata-Version; a malformed one counts as the oldest, 1.0. */
function metadataVersionNumber(metadata: CoreMetadata): [number, number] {
  const match = /^(\d+)\.(\d+)/.exec(metadata.metadataVersion);
  return match ? [Number(match[1]), Number(match[2])] : [1, 0];
}

/**
 * Why an sdist's PKG-INFO cannot be trusted for dependencies, or null when it can (PEP 643:
 * Metadata-Version 2.2 or newer, and neither Requires-Dist nor Requires-Python marked Dynamic).
 * Before 2.2 every field an sdist carries may be recomputed by the build, so none is reliable.
 */
export function dynamicDependencyReason(metadata: CoreMetadata): string | null {
  const [major, minor] = metadataVersionNumber(metadata);
  if (major < 2 || (major === 2 && minor < 2)) {
    return `its PKG-INFO has Metadata-Version ${metadata.metadataVersion}, older than 2.2 (PEP 643), so its dependencies are only known after a build`;
  }
  const dynamicFields = DEPENDENCY_FIELDS.filter((field) => metadata.dynamic.includes(field));
  if (dynamicFields.length > 0) {
    return `its PKG-INFO marks ${dynamicFields.map(displayField).join(' and ')} as Dynamic (PEP 643), so they are only known after a build`;
  }
  return null;
}

function displayField(field: string): string {
  return field.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/**
 * Checks that the metadata describes the distribution it was fetched for; a mismatch means the
 * index serves a wrong or tampered file and must not feed a lock.
 */
export function checkMetadataIdentity(metadata: CoreMetadata, project: string, version: string, location: SourceLocation): void {
  if (canonicalizeName(metadata.name) !== canonicalizeName(project)) {
    throw new DataError(location, `core metadata names project ${JSON.stringify(metadata.name)}, expected ${JSON.stringify(project)}`);
  }
  if (!sameVersion(metadata.version, version)) {
    throw new DataError(location, `core metadata has version ${JSON.stringify(metadata.version)}, the file name says ${JSON.stringify(version)}`);
  }
}

/** PEP 440 equality (`1.0-rc1` is `1.0rc1`); text that is not PEP 440 must match exactly. */
function sameVersion(a: string, b: string): boolean {
  const left = tryParseVersion(a);
  const right = tryParseVersion(b);
  return left && right ? compareVersions(left, right) === 0 : a.trim() === b.trim();
}
