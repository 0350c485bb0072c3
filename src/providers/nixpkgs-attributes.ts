/**
 * Which attributes of a nixpkgs python package set may hold a package of a given PyPI name, by
 * nixpkgs' naming convention alone (the attribute's value is never read here): the Nix library
 * reads only these attributes for the nixpkgs provider, and still believes only their `pname`
 * (nix/nixpkgs-index.nix), so this rule decides what is read, never what a package is.
 *
 * The convention (NixOS/nixpkgs `doc/languages-frameworks/python.section.md`, "Contributing
 * guidelines"): attribute names in `pkgs/top-level/python-packages.nix` are the PyPI name
 * normalised by PEP 503. Beside them, `python-packages.nix` has
 * - versioned attributes: the name and a version, `_`-separated or not (`django_4`,
 *   `sqlalchemy_1_4`, `tornado_4`, `tree-sitter_0_21`, `elasticsearch8`);
 * - variants: `-bin` builds from upstream's wheels (`torch-bin`, `triton-bin`, `torchvision-bin`),
 *   `-cuda`, `-rocm`, `-no-<feature>` (`triton-cuda`, `triton-no-cuda`, `torch-no-triton`), and
 *   camel-case overrides (`torchWithCuda`, `torchWithoutCuda`, `torchWithRocm`, `torchWithoutRocm`);
 * - legacy spellings: upper case and `_` for `-` (`Babel`, `zope_interface`: PEP 503 makes them
 *   the name), and attributes of a name nixpkgs renamed, whose pname the index maps
 *   (`pytorch` → torch: `nameMap` in nix/nixpkgs-index.nix, LEGACY_NAMES here).
 * A bare prefix is no match: `pytest` must not read the ~200 `pytest-*` plugins. An attribute
 * named unlike its package in any other way (`dateutil` for python-dateutil) is not read.
 */
import { canonicalizeName } from '../pep503.js';

/** Names nixpkgs once gave packages, by the PyPI name (`nameMap` of nix/nixpkgs-index.nix, inverted). */
export const LEGACY_NAMES: Readonly<Record<string, readonly string[]>> = { torch: ['pytorch'] };

const VERSION_SUFFIX = /^(.*[^0-9-])-?[0-9]+(?:-[0-9]+)*$/;
const VARIANT_SUFFIX = /^(.+?)-(?:bin|cuda|rocm|no-[a-z0-9]+)$/;
const CAMEL_VARIANT = /^(.+?)(?:With|Without)[A-Z][A-Za-z0-9]*$/;
const ASCII_NAME = /^[A-Za-z0-9._-]+$/;

/** The PEP 503 names an attribute may hold a package of, by the convention. */
export function namesOfAttribute(attribute: string): string[] {
  if (!ASCII_NAME.test(attribute)) return [];
  const bases = new Set<string>();
  const camel = CAMEL_VARIANT.exec(attribute);
  for (const start of camel === null ? [attribute] : [attribute, camel[1]!]) {
    const normalised = canonicalizeName(start);
    const variant = VARIANT_SUFFIX.exec(normalised)?.[1];
    for (const name of variant === undefined ? [normalised] : [normalised, variant]) {
      bases.add(name);
      const unversioned = VERSION_SUFFIX.exec(name)?.[1];
      if (unversioned !== undefined) bases.add(unversioned);
    }
  }
  return [...bases];
}

/** The attributes, of those given, that may hold a package of one of the names (PEP 503), in the given order. */
export function attributesOf(attributes: readonly string[], names: Iterable<string>): string[] {
  const wanted = new Set<string>();
  for (const name of names) {
    wanted.add(name);
    for (const legacy of LEGACY_NAMES[name] ?? []) wanted.add(legacy);
  }
  return attributes.filter((attribute) => namesOfAttribute(attribute).some((name) => wanted.has(name)));
}
