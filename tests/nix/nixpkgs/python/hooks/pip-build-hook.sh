# pipBuildHook (legacy): buildPhase builds a wheel with the set's `pip wheel`, without isolation.
pipBuildPhase() {
  echo "Executing pipBuildPhase"
  runHook preBuild
  mkdir -p dist
  @pythonInterpreter@ -m pip wheel --no-index --no-deps --no-build-isolation \
    --no-cache-dir --disable-pip-version-check --wheel-dir dist $pipBuildFlags .
  runHook postBuild
}
if [ -z "${dontUsePipBuild-}" ] && [ -z "${buildPhase-}" ]; then buildPhase=pipBuildPhase; fi
