/**
 * Requirement strings PEP 508 refuses but that mach-nix reads anyway, in requirements files and in
 * old metadata alike: pip's special case `pytz>dev` (old pytz versions look like prereleases; it
 * means any version), and mach-nix's conda-style lines (`blas 1.* openblas`, `conda-spec.ts`).
 */
import { matchSpecVersions, parseCondaRequirement } from './conda-spec.js';
import type { SpecifierSet } from './pep440.js';
import { canonicalizeName } from './pep503.js';
import { type Marker, type Requirement, parseRequirement } from './pep508.js';

const PYTZ_ANY = /^pytz\s*(?:>\s*dev|\(\s*>\s*dev\s*\))\s*(;.*)?$/s;

/** `pytz>dev` (with an optional marker) as the requirement it means; null for anything else. */
export function pytzAnyVersion(text: string): Requirement | null {
  const pytz = PYTZ_ANY.exec(text);
  return pytz ? parseRequirement(`pytz${pytz[1] ?? ''}`) : null;
}

/** A conda-style line's parts, as the requirements file and the providers keep them. */
export interface CondaLineParts {
  /** The name as written. */
  readonly name: string;
  /** PEP 503 name. */
  readonly key: string;
  /** Without duplicates, sorted. */
  readonly extras: string[];
  /** Alternatives (`|`), never empty: `[SpecifierSet.any]` without a version. */
  readonly anyOf: SpecifierSet[];
  /** Conda build string pattern; null for any build (`*`). */
  readonly build: string | null;
  readonly marker: Marker | null;
}

/** `name[extras] spec-or-version [build] [; marker]`; null when the text is not of that form. */
export function parseCondaLine(text: string): CondaLineParts | null {
  const parsed = parseCondaRequirement(text);
  if (parsed === null) return null;
  const { spec, marker } = parsed;
  return {
    name: spec.name,
    key: canonicalizeName(spec.name),
    extras: [...spec.extras],
    anyOf: matchSpecVersions(spec),
    build: spec.build === null || spec.build === '*' ? null : spec.build,
    marker,
  };
}
