# The stand-in's Python packages: installed (format = "wheel") from the wheels seeded into the
# store, listed in `wheels` (written by tests/nix/harness.ts seedStore: Debian's pip,
# setuptools and wheel, the local mirror's build, packaging, pyproject-hooks and flit-core).
# They are `bootstrap` (what the hooks use, untouched by packageOverrides) and also the set's
# members of the same names.
{ lib, pkgs, wheels }:
final: prev:
let
  byName = builtins.listToAttrs (map (w: { name = w.pname; value = w; }) wheels);
  missing = pname: throw
    "python3.pkgs.${pname}: no seeded wheel; run seedStore() of tests/nix/harness.ts (it writes tests/nix/nixpkgs/wheels.json)";

  fromWheel = pname: module: dependencies: final.callPackage
    ({ buildPythonPackage, fetchurl }:
      let w = byName.${pname} or (missing pname);
      in buildPythonPackage {
        inherit pname dependencies;
        inherit (w) version;
        format = "wheel";
        src = fetchurl { inherit (w) url hash; };
        pythonImportsCheck = [ module ];
      }) { };

  bootstrap = {
    pip = fromWheel "pip" "pip" [ ];
    setuptools = fromWheel "setuptools" "setuptools" [ ];
    wheel = fromWheel "wheel" "wheel" [ ];
    packaging = fromWheel "packaging" "packaging" [ ];
    pyproject-hooks = fromWheel "pyproject-hooks" "pyproject_hooks" [ ];
    build = fromWheel "build" "build" [ bootstrap.packaging bootstrap.pyproject-hooks ];
    flit-core = fromWheel "flit-core" "flit_core" [ ];
  };
in
{ inherit bootstrap; } // bootstrap
