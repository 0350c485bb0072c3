# The interpreters of the stand-in and their package sets. `python3` has `pythonVersion`
# (the stand-in's parameter); python311 … python314 always exist. Those whose binary the
# machine has (`interpreters`) build; the others are for evaluation only.
{ lib, pkgs, system, pythonVersion, interpreters, wheels }:
let
  mkInterpreter = import ./interpreter.nix { inherit lib pkgs system interpreters wheels; };
  versions = { python311 = "3.11"; python312 = "3.12"; python313 = "3.13"; python314 = "3.14"; };
  byAttribute = builtins.mapAttrs (attr: v:
    if lib.versions.majorMinor pythonVersion == v then python3 else mkInterpreter v attr) versions;
  python3 = mkInterpreter pythonVersion "python3";
in
byAttribute // {
  inherit python3;
  python3Packages = python3.pkgs;
  python311Packages = byAttribute.python311.pkgs;
  python312Packages = byAttribute.python312.pkgs;
  python313Packages = byAttribute.python313.pkgs;
  python314Packages = byAttribute.python314.pkgs;
  pythonManylinuxPackages = import ./manylinux.nix { inherit (pkgs) hostTool; };
  pythonCondaPackages = { condaPatchelfLibs = [ ]; };
}
