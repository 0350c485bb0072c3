# pythonCatchConflictsHook: fails when one distribution name appears at two different store
# paths in the closure of $out (e.g. two versions of six).
pythonCatchConflictsPhase() {
  echo "Executing pythonCatchConflictsPhase"
  @pythonInterpreter@ -I @catchConflicts@ "$out" "@sitePackages@"
}
if [ -z "${dontUsePythonCatchConflicts-}" ]; then preDistPhases+=" pythonCatchConflictsPhase"; fi
