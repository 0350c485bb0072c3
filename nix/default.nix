# mach-nix's Nix library for one nixpkgs and one pin of the dependency data: a fixpoint of small
# files, each one concern, each a function of the whole (`self`).
{ pkgs
  # The interpreter mk* functions use by default: a nixpkgs attribute name ("python313") or null
  # for pkgs.python3.
, python ? null
  # The pypi-deps-db tree.
, pypiData
  # The nix-pypi-fetcher-2 tree; null: fetched at the commit pypiData names, as mach-nix did.
, pypiFetcher ? null
  # Conda channels besides conda's own: { channel = [ repodata.json files ]; }.
, condaChannelsExtra ? { }
  # The mach-nix CLI derivation the resolver runs; null: built from this source.
, cli ? null
}:
let
  files = [
    ./pep503.nix
    ./pep440.nix
    ./pep508.nix
    ./wheel-tags.nix
    ./cli.nix
    ./underscore.nix
    ./request.nix
    ./integrity.nix
    ./nixpkgs-index.nix
    ./resolution.nix
    ./packages.nix
    ./fetchers.nix
    ./mk-python.nix
    ./build-python-package.nix
  ];
  self = builtins.foldl' (acc: file: acc // import file self) {
    inherit pkgs pypiData pypiFetcher condaChannelsExtra;
    defaultPython = python;
    util = import ./util.nix self;
  } files // (if cli == null then { } else { inherit cli; });
in
self
