# minipkgs: a stand-in for nixpkgs with the same attribute shape for the part the project
# uses, built from the host's tools (no nixpkgs, no binary cache, no network here).
# See README.md. Used as `import ./. { system; … }` and through flake.nix.
{ system ? builtins.currentSystem
, pythonVersion ? "3.11"            # what python3 reports; "3.13"/"3.14" are for evaluation
, hostPython ? "/usr/bin/python3"   # the real interpreter builds run
, glibcVersion ? "2.36"             # the C library binaries run against (Debian bookworm's)
, wheels ? (if builtins.pathExists ./wheels.json then ./wheels.json else null)
, overlays ? [ ]
, config ? { }
}:
let
  lib = import ./lib.nix;
  wheelList = if wheels == null then [ ] else lib.importJSON wheels;
  # the same set with other arguments (appendOverlays, extend), as nixpkgs' stage.nix re-calls
  # its entry point: the platform, config and other arguments stay
  nixpkgsFun = newArgs: import ./. ({ inherit system pythonVersion hostPython glibcVersion wheels overlays config; } // newArgs);
  base = final: import ./top-level.nix {
    inherit lib final system config overlays pythonVersion hostPython glibcVersion nixpkgsFun;
    wheels = wheelList;
  };
in
# nixpkgs 26.11 (the pin is of its development) dropped x86_64-darwin: importing it throws
if system == "x86_64-darwin" then throw "Nixpkgs 26.11 has dropped support for x86_64-darwin."
else lib.fix (lib.extends (lib.composeManyExtensions overlays) base)
