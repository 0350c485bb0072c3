/**
 * Project names. PEP 503 defines the canonical form (`[-_.]+` → `-`, lower case); the
 * pypi-deps-db and nix-pypi-fetcher data of mach-nix is keyed by an older *legacy key*
 * (lower case, `_` → `-`, dots kept: `zope.interface`, `pdfminer.six`).
 */

const VALID_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** PEP 503 normalised name: `Foo.Bar__baz` → `foo-bar-baz`. */
export function canonicalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** The key mach-nix's data files use: `Foo_Bar.baz` → `foo-bar.baz`. */
export function legacyKey(name: string): string {
  return name.replace(/_/g, '-').toLowerCase();
}

/** Whether a name is a valid distribution name (PEP 508 / core metadata `Name`). */
export function isValidName(name: string): boolean {
  return VALID_NAME.test(name);
}
