# pythonRelaxDepsHook: after the build, drops version constraints (pythonRelaxDeps: names, or
# true for all) and whole requirements (pythonRemoveDeps) from the wheel's Requires-Dist.
pythonRelaxDepsPhase() {
  echo "Executing pythonRelaxDepsPhase"
  local whl
  for whl in dist/*.whl; do
    @pythonInterpreter@ -I @relaxDeps@ "$whl" "${pythonRelaxDeps-}" "${pythonRemoveDeps-}"
  done
}
postBuildHooks+=(pythonRelaxDepsPhase)
