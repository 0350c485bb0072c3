# pipInstallHook (legacy): installPhase runs `pip install dist/*.whl --prefix $out $pipInstallFlags`
# with the set's pip (propagated by this hook).
pipInstallPhase() {
  echo "Executing pipInstallPhase"
  runHook preInstall
  @pythonInterpreter@ -m pip install --no-index --no-deps --ignore-installed \
    --no-cache-dir --disable-pip-version-check --no-warn-script-location \
    --root-user-action=ignore --prefix "$out" $pipInstallFlags dist/*.whl
  export PYTHONPATH="$out/@sitePackages@${PYTHONPATH:+:$PYTHONPATH}"
  runHook postInstall
}
if [ -z "${dontUsePipInstall-}" ] && [ -z "${installPhase-}" ]; then installPhase=pipInstallPhase; fi
