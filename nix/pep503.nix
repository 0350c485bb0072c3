# PEP 503 project names, as src/pep503.ts has them: the normalised name (runs of `-`, `_`, `.`
# become one `-`, lower case), which the resolver names packages by, and mach-nix's older key of
# its data files (lower case, `_` becomes `-`, dots kept: `zope.interface`), by which
# nix-pypi-fetcher-2 keys and buckets its entries.
#
# The subset: a name with a character outside ASCII is refused with a throw. Python lower-cases
# such characters by Unicode's tables, which builtins do not have; no valid distribution name
# (PEP 508: ASCII letters and digits, `-`, `_`, `.`) has one.
self:
let
  inherit (builtins) concatStringsSep filter isString split replaceStrings toJSON;
  inherit (self.util) toLower isAscii fail;
  lowerCase = name:
    if isAscii name then toLower name
    else fail "the package name ${toJSON name} has a character outside ASCII, which no distribution name has (PEP 508); the Nix library normalises ASCII names only";
in
{
  pep503 = {
    normalizeName = name: lowerCase (concatStringsSep "-" (filter isString (split "[-_.]+" name)));
    legacyKey = name: replaceStrings [ "_" ] [ "-" ] (lowerCase name);
  };
}
