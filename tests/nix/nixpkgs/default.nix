# minipkgs: a stand-in for nixpkgs with the same attribute shape for the part the project
# uses, built from the host's tools (no nixpkgs, no binary cache, no network here).
# See README.md. Used as `import ./. { system; … }` and through flake.nix.
let
  # The machine the builds run on: which CPython binaries it has, which one is python3, its C
  # library. Debian bookworm's here; the trixie chroot of the tests mounts its own over it
  # (tests/nix/setup-chroot.sh), so flakes, which read only their own files, see it too.
  machine = builtins.fromJSON (builtins.readFile ./machine.json);
in
{ system ? builtins.currentSystem
, pythonVersion ? machine.python3        # what python3 is (nixpkgs' is 3.13 at the pin)
, interpreters ? machine.interpreters    # "3.11" = "/usr/bin/python3.11": what the builds run
, glibcVersion ? machine.glibc           # the C library binaries run against
, wheels ? (if builtins.pathExists ./wheels.json then ./wheels.json else null)
, overlays ? [ ]
, config ? { }
}:
let
  lib = import ./lib.nix;
  wheelList = if wheels == null then [ ] else lib.importJSON wheels;
  # the same set with other arguments (appendOverlays, extend), as nixpkgs' stage.nix re-calls
  # its entry point: the platform, config and other arguments stay
  nixpkgsFun = newArgs: import ./. ({ inherit system pythonVersion interpreters glibcVersion wheels overlays config; } // newArgs);
  base = final: import ./top-level.nix {
    inherit lib final system config overlays pythonVersion interpreters glibcVersion nixpkgsFun machine;
    wheels = wheelList;
  };
in
# nixpkgs 26.11 (the pin is of its development) dropped x86_64-darwin: importing it throws
if system == "x86_64-darwin" then throw "Nixpkgs 26.11 has dropped support for x86_64-darwin."
else lib.fix (lib.extends (lib.composeManyExtensions overlays) base)
