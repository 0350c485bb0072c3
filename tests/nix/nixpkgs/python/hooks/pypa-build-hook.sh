# pypaBuildHook: buildPhase builds the wheel (and sdist) with pypa/build, without isolation,
# so the backend comes from build-system / nativeBuildInputs.
pypaBuildPhase() {
  echo "Executing pypaBuildPhase"
  runHook preBuild
  @pythonInterpreter@ -m build --no-isolation --outdir dist/ $pypaBuildFlags
  runHook postBuild
}
if [ -z "${dontUsePypaBuild-}" ] && [ -z "${buildPhase-}" ]; then buildPhase=pypaBuildPhase; fi
