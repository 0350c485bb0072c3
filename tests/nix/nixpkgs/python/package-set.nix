# python3.pkgs: a scope composed as in nixpkgs — base, hooks, packages, then the top-level
# `pythonPackagesExtensions`, then `packageOverrides` (last, so it wins). Forcing a derivation
# of the set that is not a module of this python (nor a setup hook, nor stdenv) throws
# (nixpkgs' ensurePythonModules). `overrideScope` gives a new scope that the interpreter
# does not see (its `.pkgs` and `withPackages` keep this one).
{ lib, pkgs, python, packageOverrides, wheels }:
let
  extensions = lib.composeManyExtensions (
    [ (import ./hooks { inherit lib pkgs python; }) (import ./seeded.nix { inherit lib pkgs wheels; }) ]
    ++ pkgs.pythonPackagesExtensions
    ++ [ packageOverrides ]);

  scope = lib.makeScope (extra: lib.callPackageWith (pkgs // extra))
    (lib.extends extensions (import ./packages-base.nix { inherit lib pkgs python; }));

  valid = value:
    !(lib.isDerivation value)
    || scope.hasPythonModule value
    || lib.attrByPath [ "provides" "setupHook" ] false value
    || value == pkgs.stdenv;
in
builtins.mapAttrs (name: value:
  if valid value then value
  else throw "${name} should use `buildPythonPackage` or `toPythonModule` if it is to be part of the Python packages set.")
  scope
