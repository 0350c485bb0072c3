# The flake's `lib` check: every function the flake exports, called once in a way that needs no
# import-from-derivation and no lock, must end in its own error message (a `throw`) rather than
# an evaluation error; the check's build fails and names every call that did not.
{ pkgs, lib }:
let
  inherit (builtins) tryEval deepSeq attrNames filter concatStringsSep;
  throwsItsOwnError = value: !(tryEval (deepSeq value value)).success;
  unknownArgument = { notAnArgument = true; };
  # `extra_pkgs` belongs to mkPython: buildPython* refuse it before resolving anything
  misplacedArgument = { pname = "x"; version = "1"; src = ./.; requirements = "x"; extra_pkgs = [ ]; };
  calls = {
    "mkPython rejects an unknown argument" = (lib.mkPython unknownArgument).drvPath;
    "mkPythonShell rejects an unknown argument" = (lib.mkPythonShell unknownArgument).drvPath;
    "mkDockerImage rejects an unknown argument" = (lib.mkDockerImage unknownArgument).drvPath;
    "mkOverlay rejects an unknown argument" = lib.mkOverlay unknownArgument;
    "mkNixpkgs rejects an unknown argument" = lib.mkNixpkgs unknownArgument;
    "mkPythonOverrides rejects an unknown argument" = lib.mkPythonOverrides unknownArgument;
    "buildPythonPackage refuses extra_pkgs" = (lib.buildPythonPackage misplacedArgument).drvPath;
    "buildPythonApplication refuses extra_pkgs" = (lib.buildPythonApplication misplacedArgument).drvPath;
    "fetchPypiSdist reports an unknown project" = (lib.fetchPypiSdist "mach-nix-no-such-project" "0").drvPath;
    "fetchPypiWheel reports an unknown project" = (lib.fetchPypiWheel "mach-nix-no-such-project" "0" "x-0-py3-none-any.whl").drvPath;
  };
  failed = filter (name: !(throwsItsOwnError calls.${name})) (attrNames calls);
in
pkgs.runCommand "mach-nix-lib-check" { failed = concatStringsSep "\n" failed; } ''
  if [ -n "$failed" ]; then
    echo "mach-nix lib check: these calls did not end in their own error:" >&2
    echo "$failed" >&2
    exit 1
  fi
  echo "${toString (builtins.length (attrNames calls))} calls checked" > $out
''
