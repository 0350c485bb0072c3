# The attributes of the stand-in (`final` is the package set after overlays).
{ lib, final, system, config, overlays, pythonVersion, interpreters, glibcVersion, wheels, nixpkgsFun, machine }:
let
  hostTools = import ./host-tools.nix { inherit lib system machine; };
  stdenvs = import ./stdenv {
    inherit lib system;
    inherit (hostTools) cc;
    initialPath = with hostTools; [ coreutils findutils diffutils gnused gnugrep gawk gnutar gzip bzip2 gnumake bash gnupatch xz ];
  };
  trivial = import ./trivial-builders.nix {
    inherit lib; inherit (final) stdenv stdenvNoCC bash;
  };
  python = import ./python { inherit lib system pythonVersion interpreters wheels; pkgs = final; };
  node = import ./node { inherit lib; pkgs = final; };
in
hostTools // stdenvs // trivial // python // node // {
  inherit lib config system overlays;
  pkgs = final;
  # `import path { … }` without `system` reads builtins.currentSystem (nixpkgs' impure.nix),
  # which pure evaluation refuses; appendOverlays/extend keep the platform (stage.nix)
  path = ./.;
  appendOverlays = extraOverlays: if extraOverlays == [ ] then final else nixpkgsFun { overlays = overlays ++ extraOverlays; };
  extend = f: final.appendOverlays [ f ];
  callPackage = lib.callPackageWith final;
  newScope = extra: lib.callPackageWith (final // extra);
  buildPlatform = final.stdenv.buildPlatform;
  hostPlatform = final.stdenv.hostPlatform;
  targetPlatform = final.stdenv.targetPlatform;

  fetchurl = import ./fetchurl.nix { inherit lib system; };
  mkShell = import ./mkshell.nix { inherit lib; inherit (final) stdenv; };
  mkShellNoCC = import ./mkshell.nix { inherit lib; stdenv = final.stdenvNoCC; };
  dockerTools = import ./docker { inherit lib; pkgs = final; };

  makeWrapper = final.makeSetupHook {
    name = "make-wrapper-hook";
    substitutions.shell = "${final.bash}/bin/bash";
  } ./build-support/make-wrapper.sh;
  # No patchelf here: the hook finds each binary's libraries in its inputs and records them
  # (see the script), so they reach closures and images; binaries load them at the host's paths.
  autoPatchelfHook = final.makeSetupHook {
    name = "auto-patchelf-hook";
    substitutions.readelf = "${final.hostTool { name = "readelf-host"; programs = [ "readelf" ]; }}/bin/readelf";
  } ./build-support/auto-patchelf-hook.sh;

  # The C library: the host's (binaries run against it); nixpkgs' glibc has the same `version`.
  glibc = final.hostTool { name = "glibc-host"; programs = [ "ldd" ]; } // { version = glibcVersion; };

  # R's package set: mach-nix only passes R packages on (rpy2's inputs); none are built here.
  rPackages = { };

  # Extensions of every interpreter's package set (before each set's packageOverrides).
  pythonPackagesExtensions = [ ];
}
