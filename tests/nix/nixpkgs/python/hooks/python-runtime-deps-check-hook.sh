# pythonRuntimeDepsCheckHook: before installing, every Requires-Dist of the built wheel must
# be satisfied by a distribution on PYTHONPATH (dontCheckRuntimeDeps = true skips it).
pythonRuntimeDepsCheckHook() {
  echo "Executing pythonRuntimeDepsCheck"
  local whl
  for whl in dist/*.whl; do
    PYTHONPATH="@packagingPath@${PYTHONPATH:+:$PYTHONPATH}" @pythonInterpreter@ @checker@ "$whl"
  done
}
if [ -z "${dontCheckRuntimeDeps-}" ]; then preInstallPhases+=" pythonRuntimeDepsCheckHook"; fi
