# pytestCheckHook: installCheckPhase runs pytest. (nixpkgs propagates pytest; the stand-in has
# no pytest, so the package must bring it.)
pytestCheckPhase() {
  echo "Executing pytestCheckPhase"
  runHook preCheck
  local args=()
  for t in ${disabledTests[*]-}; do args+=(-k "not $t"); done
  for p in ${disabledTestPaths[*]-}; do args+=(--ignore="$p"); done
  @pythonInterpreter@ -m pytest -p no:cacheprovider "${args[@]}" ${pytestFlags[*]-} ${pytestFlagsArray[*]-}
  runHook postCheck
}
if [ -z "${dontUsePytestCheck-}" ] && [ -z "${installCheckPhase-}" ]; then installCheckPhase=pytestCheckPhase; fi
