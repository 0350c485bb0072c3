# wrapPython: wrapPythonPrograms (run in postFixup by buildPythonPackage) makes the Python
# scripts of $out/bin find their modules: their own closure's site-packages are added inside
# the script (site.addsitedir, so nothing leaks into subprocesses), then a wrapper sets PATH,
# PYTHONNOUSERSITE (unless permitUserSite) and $makeWrapperArgs.
wrapPythonProgramsIn() {
  local dir=$1 paths=$2 f
  [ -d "$dir" ] || return 0
  local closure sites="" bins=""
  closure=$(_pythonClosure $paths)
  for f in $closure; do
    [ -d "$f/@sitePackages@" ] && sites+="${sites:+:}$f/@sitePackages@"
    [ -d "$f/bin" ] && bins+="${bins:+:}$f/bin"
  done
  local extra=()
  [ -n "${permitUserSite-}" ] || extra+=(--set PYTHONNOUSERSITE true)
  eval "extra+=(${makeWrapperArgs-})"
  for f in "$dir"/*; do
    [ -f "$f" ] && [ -x "$f" ] && [ ! -L "$f" ] || continue
    case ${f##*/} in .*-wrapped) continue ;; esac
    if head -n1 "$f" | grep -q '^#!.*python'; then
      @pythonInterpreter@ -I @wrapPythonScript@ "$f" "$sites"
      wrapProgram "$f" --prefix PATH : "$bins" "${extra[@]}"
    fi
  done
}
wrapPythonPrograms() {
  wrapPythonProgramsIn "$out/bin" "$out ${pythonPath-}"
}
# the paths and everything they propagate (nix-support/propagated-build-inputs), once each
_pythonClosure() {
  local -A seen=()
  local todo=("$@") p q
  while [ ${#todo[@]} -gt 0 ]; do
    p=${todo[0]}; todo=("${todo[@]:1}")
    [ -n "${seen[$p]-}" ] && continue
    seen[$p]=1; echo "$p"
    if [ -f "$p/nix-support/propagated-build-inputs" ]; then
      for q in $(<"$p/nix-support/propagated-build-inputs"); do todo+=("$q"); done
    fi
  done
}
