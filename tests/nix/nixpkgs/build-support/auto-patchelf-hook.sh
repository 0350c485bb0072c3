# autoPatchelfHook of the stand-in, registered like nixpkgs' (pkgs/build-support/setup-hooks/
# auto-patchelf.sh: postFixupHooks, dontAutoPatchelf, the `lib` folders of all inputs gathered
# by an env hook, runtimeDependencies). As nixpkgs' auto-patchelf, it reads the NEEDED entries of
# every ELF file of the outputs and looks each library up in those folders (e.g. of
# pythonManylinuxPackages); a library found nowhere fails the build unless
# autoPatchelfIgnoreMissingDeps matches it (globs, or "*"). Where nixpkgs patchelfs the RUNPATH
# to the folders, this stand-in (no patchelf) records them in $out/nix-support/
# auto-patchelf-runpath: the output then refers to them, so their host libraries reach closures
# and images (nix-support/host-paths), and the binaries find them at the host's paths.
# autoPatchelfFlags and appendRunpaths are accepted and have no effect.
declare -ga autoPatchelfLibs=()   # global: setup hooks are sourced inside a function
gatherLibraries() { [ -d "$1/lib" ] && autoPatchelfLibs+=("$1/lib"); return 0; }
addEnvHooks "$targetOffset" gatherLibraries

autoPatchelfPostFixup() {
  [ -z "${dontAutoPatchelf-}" ] || return 0
  [ -x @readelf@ ] || { echo "autoPatchelfHook (nixpkgs stand-in): no readelf on this machine (apt-get install binutils)" >&2; return 1; }
  local dirs=(${autoPatchelfLibs[@]+"${autoPatchelfLibs[@]}"}) dep d o f needed found ignored pattern missing=0
  for dep in ${runtimeDependencies-}; do dirs+=("$dep/lib"); done
  local ignoreMissing=()   # globs, not expanded against the build directory
  read -ra ignoreMissing <<<"${autoPatchelfIgnoreMissingDeps-}"
  declare -A used=()
  for o in $outputs; do
    [ -e "${!o}" ] || continue
    while IFS= read -r -d '' f; do
      [ "$(head -c 4 "$f" | tr -d '\0')" = $'\x7fELF' ] || continue
      for needed in $(@readelf@ -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
        found=
        for d in ${dirs[@]+"${dirs[@]}"}; do
          if [ -e "$d/$needed" ]; then found=$d; break; fi
        done
        if [ -n "$found" ]; then used[$found]=1; continue; fi
        ignored=
        for pattern in "${ignoreMissing[@]}"; do
          # shellcheck disable=SC2053 # a glob, as in nixpkgs
          if [[ $pattern == "*" || $needed == $pattern ]]; then ignored=1; fi
        done
        if [ -z "$ignored" ]; then
          echo "auto-patchelf: could not satisfy dependency $needed wanted by $f" >&2
          missing=1
        fi
      done
    done < <(find "${!o}" -type f -print0)
  done
  if [ "$missing" = 1 ]; then
    echo "auto-patchelf failed to find all the required dependencies (add them to buildInputs or autoPatchelfIgnoreMissingDeps)" >&2
    return 1
  fi
  if [ "${#used[@]}" -gt 0 ]; then
    mkdir -p "$out/nix-support"
    printf '%s\n' "${!used[@]}" | sort >"$out/nix-support/auto-patchelf-runpath"
  fi
}
postFixupHooks+=(autoPatchelfPostFixup)
