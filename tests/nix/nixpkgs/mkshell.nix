# mkShell: a stdenv derivation for `nix develop` / `nix-shell`. Inputs of `inputsFrom` are
# merged in (minus those derivations themselves) and their shellHooks run first (in reverse
# order), then the shell's own. Building it writes the environment to $out, as nixpkgs does.
{ lib, stdenv }:
{ name ? "nix-shell", packages ? [ ], inputsFrom ? [ ], buildInputs ? [ ], nativeBuildInputs ? [ ]
, propagatedBuildInputs ? [ ], propagatedNativeBuildInputs ? [ ], ... }@attrs:
let
  mergeInputs = n: lib.subtractLists inputsFrom (lib.flatten (attrs.${n} or [ ] ++ map (d: d.${n} or [ ]) inputsFrom));
  rest = builtins.removeAttrs attrs [
    "name" "packages" "inputsFrom" "buildInputs" "nativeBuildInputs" "propagatedBuildInputs"
    "propagatedNativeBuildInputs" "shellHook"
  ];
in
stdenv.mkDerivation ({
  inherit name;
  buildInputs = mergeInputs "buildInputs";
  nativeBuildInputs = packages ++ mergeInputs "nativeBuildInputs";
  propagatedBuildInputs = mergeInputs "propagatedBuildInputs";
  propagatedNativeBuildInputs = mergeInputs "propagatedNativeBuildInputs";
  shellHook = lib.concatStringsSep "\n" (lib.catAttrs "shellHook" (lib.reverseList inputsFrom ++ [ attrs ]));
  phases = [ "buildPhase" ];
  buildPhase = ''{ echo "------------------------------------------------------------"; export -p; } >> "$out"'';
  preferLocalBuild = true;
} // rest)
