# The base layer of python3.pkgs (nixpkgs' python-packages-base): the builders, module
# bookkeeping (toPythonModule, requiredPythonModules, …) and interpreter facts.
{ lib, pkgs, python }:
self:
let
  hasPythonModule = drv: drv ? pythonModule && drv.pythonModule == python;

  # [python] ++ the modules among `drvs` ++ what they require, without duplicates
  requiredPythonModules = drvs:
    let modules = builtins.filter hasPythonModule drvs;
    in lib.unique ([ python ] ++ modules ++ lib.concatMap (m: m.requiredPythonModules or [ ]) modules);

  addPassthru = extra: drv:
    if drv ? overrideAttrs
    then drv.overrideAttrs (old: { passthru = old.passthru or { } // extra; })
    else drv // extra;

  toPythonModule = drv: addPassthru {
    pythonModule = python;
    pythonPath = [ ];
    requiredPythonModules = requiredPythonModules (drv.propagatedBuildInputs or [ ]);
  } drv;

  toPythonApplication = addPassthru { pythonModule = false; };

  # `overridePythonAttrs` re-calls the builder with the original arguments updated; the
  # `overrideAttrs` of the result keeps it, and its changes apply after the Python ones.
  # The arguments may be a set or a `finalAttrs: { … }` function; a function is passed on
  # unfixed (mk-python-derivation makes it the fixed point of stdenv.mkDerivation), and an
  # override extends it, as nixpkgs' python-packages-base.nix does.
  makeOverridablePythonPackage = f:
    let
      wrap = args: attrOverrides:
        let drv = builtins.foldl' (d: g: d.overrideAttrs g) (f args) attrOverrides;
        in drv // {
          overridePythonAttrs = new: wrap (overrideWith args new) attrOverrides;
          overrideAttrs = g: wrap args (attrOverrides ++ [ g ]);
        };
      changes = new: old: if builtins.isFunction new then new old else new;
      overrideWith = args: new:
        if builtins.isFunction args
        then finalAttrs: let old = args finalAttrs; in old // changes new old
        else args // changes new args;
    in lib.mirrorFunctionArgs f (args: wrap args [ ]);

  # `buildPythonPackage.override { stdenv = …; wheelUnpackHook = …; }`: mk-python-derivation's
  # arguments, the hooks among them, are callPackage arguments in nixpkgs.
  mkBuilder = lib.makeOverridable ({ stdenv, namePrefix, toPythonModule, ... }@args:
    makeOverridablePythonPackage (import ./mk-python-derivation.nix {
      inherit lib python stdenv namePrefix toPythonModule;
      inherit (pkgs) unzip;
      hooks = self // builtins.removeAttrs args [ "stdenv" "namePrefix" "toPythonModule" ];
    }));
in
{
  inherit lib pkgs;
  inherit (pkgs) stdenv;
  inherit (python.passthru)
    isPy27 isPy2 isPy3 isPy3k isPyPy isPy311 isPy312 isPy313 isPy314 pythonAtLeast pythonOlder
    pythonVersion sitePackages;
  inherit hasPythonModule requiredPythonModules toPythonModule toPythonApplication;
  buildPythonPackage = mkBuilder { inherit (pkgs) stdenv; namePrefix = python.libPrefix + "-"; inherit toPythonModule; };
  buildPythonApplication = mkBuilder { inherit (pkgs) stdenv; namePrefix = ""; toPythonModule = x: x; };
  makePythonPath = drvs: lib.makeSearchPath python.sitePackages (requiredPythonModules drvs);
  disabled = drv: throw "${drv.pname or drv.name} not supported for interpreter ${python.executable}";
  disabledIf = cond: drv: if cond then self.disabled drv else drv;
  python = toPythonModule python;
  pythonPackages = self;
  fetchPypi = import ./fetch-pypi.nix { inherit lib; inherit (pkgs) fetchurl; };
  makePythonHook = args: pkgs.makeSetupHook ({ passthru.provides.setupHook = true; } // args);
}
