# unittestCheckHook: installCheckPhase runs `python -m unittest discover $unittestFlags`.
unittestCheckPhase() {
  echo "Executing unittestCheckPhase"
  runHook preCheck
  @pythonInterpreter@ -m unittest discover ${unittestFlags[*]-} ${unittestFlagsArray[*]-}
  runHook postCheck
}
if [ -z "${dontUseUnittestCheck-}" ] && [ -z "${installCheckPhase-}" ]; then installCheckPhase=unittestCheckPhase; fi
