# setuptoolsBuildHook: buildPhase runs `setup.py bdist_wheel` (the wheel lands in dist/).
setuptoolsBuildPhase() {
  echo "Executing setuptoolsBuildPhase"
  runHook preBuild
  @pythonInterpreter@ setup.py $setupPyGlobalFlags bdist_wheel --dist-dir dist $setupPyBuildFlags
  runHook postBuild
}
if [ -z "${dontUseSetuptoolsBuild-}" ] && [ -z "${buildPhase-}" ]; then buildPhase=setuptoolsBuildPhase; fi
