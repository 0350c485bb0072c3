# pythonRuntimeDepsCheckHook: before installing, every Requires-Dist of the built wheel must
# be satisfied by a distribution on PYTHONPATH (dontCheckRuntimeDeps = true skips it). The
# set's packaging, which the checker imports, is propagated by this hook.
pythonRuntimeDepsCheckHook() {
  echo "Executing pythonRuntimeDepsCheck"
  export PYTHONPATH="$out/@sitePackages@${PYTHONPATH:+:$PYTHONPATH}"
  local whl
  for whl in dist/*.whl; do
    echo "Checking runtime dependencies for $(basename "$whl")"
    @pythonInterpreter@ @checker@ "$whl"
  done
}
if [ -z "${dontCheckRuntimeDeps-}" ]; then preInstallPhases+=" pythonRuntimeDepsCheckHook"; fi
