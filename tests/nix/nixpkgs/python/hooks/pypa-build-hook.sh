# pypaBuildHook: buildPhase builds the wheel with pypa/build's pyproject-build (from
# pythonOnBuildForHost.pkgs.build), without isolation, so the backend comes from build-system /
# nativeBuildInputs.
pypaBuildPhase() {
  echo "Executing pypaBuildPhase"
  runHook preBuild
  @build@/bin/pyproject-build --no-isolation --outdir dist/ --wheel $pypaBuildFlags
  runHook postBuild
}
if [ -z "${dontUsePypaBuild-}" ] && [ -z "${buildPhase-}" ]; then buildPhase=pypaBuildPhase; fi
