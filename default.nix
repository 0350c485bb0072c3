# mach-nix for users without flakes:
#   mach-nix = import (builtins.fetchGit { url = "…/mach-nix"; ref = "refs/tags/…"; }) { };
# The import-time arguments are mach-nix's (reference §2.1); by default nixpkgs and pypi-deps-db
# are the revisions pinned in flake.lock.
let
  lock = (builtins.fromJSON (builtins.readFile ./flake.lock)).nodes;
in
{ pkgs ? null
, python ? null
, pypiDataRev ? lock.pypi-deps-db.locked.rev
, pypiDataSha256 ? lock.pypi-deps-db.locked.narHash
, pypiData ? builtins.fetchTarball {
    name = "pypi-deps-db-src";
    url = "https://github.com/DavHau/pypi-deps-db/tarball/${pypiDataRev}";
    sha256 = pypiDataSha256;
  }
  # The nix-pypi-fetcher-2 tree; null: fetched at the commit pypiData names.
, pypiFetcher ? null
, condaChannelsExtra ? { }
  # Accepted for compatibility: conda channels come from condaChannelsExtra, and the age of the
  # data is told by the resolver's explanations instead of an error.
, condaDataRev ? null
, condaDataSha256 ? null
, dataOutdated ? false
, ...
}@args:
let
  known = [
    "pkgs" "python" "pypiDataRev" "pypiDataSha256" "pypiData" "pypiFetcher" "condaChannelsExtra"
    "condaDataRev" "condaDataSha256" "dataOutdated"
  ];
  # `...` only so that an unknown argument gets mach-nix's message rather than Nix's.
  unknown = builtins.filter (name: !(builtins.elem name known)) (builtins.attrNames args);
  nixpkgs =
    if pkgs != null then pkgs
    else import (builtins.fetchTarball {
      name = "nixpkgs";
      url = "https://github.com/NixOS/nixpkgs/tarball/${lock.nixpkgs.locked.rev}";
      sha256 = lock.nixpkgs.locked.narHash;
    }) { config = { }; overlays = [ ]; };
  machNix = import ./nix { pkgs = nixpkgs; inherit python pypiData pypiFetcher condaChannelsExtra; };
in
if unknown != [ ] then throw "mach-nix: importing mach-nix does not know the argument(s) ${builtins.concatStringsSep ", " unknown}; it takes ${builtins.concatStringsSep ", " known}"
else {
  inherit (machNix)
    mkPython mkPythonShell mkDockerImage mkOverlay mkNixpkgs mkPythonOverrides
    buildPythonPackage buildPythonApplication fetchPypiSdist fetchPypiWheel;
  mach-nix = machNix.cli;
  nixpkgs = nixpkgs;
  rPackages = nixpkgs.rPackages;
  mergeOverrides = machNix.util.composeManyExtensions;
}
