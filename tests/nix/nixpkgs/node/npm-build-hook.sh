# npmBuildHook: buildPhase runs `npm run $npmBuildScript` (unless dontNpmBuild).
npmBuildPhase() {
  echo "Executing npmBuildPhase"
  runHook preBuild
  npm run ${npmWorkspace:+--workspace=$npmWorkspace} "$npmBuildScript" $npmBuildFlags $npmFlags
  runHook postBuild
}
if [ -z "${dontNpmBuild-}" ] && [ -z "${buildPhase-}" ]; then buildPhase=npmBuildPhase; fi
