# pypaInstallHook: installPhase installs dist/*.whl into $out with `python -m installer`
# (pythonOnBuildForHost.pkgs.installer, propagated by this hook).
pypaInstallPhase() {
  echo "Executing pypaInstallPhase"
  runHook preInstall
  local whl
  pushd dist > /dev/null
  for whl in *.whl; do
    @pythonInterpreter@ -m installer --prefix "$out" "$whl"
  done
  popd > /dev/null
  export PYTHONPATH="$out/@sitePackages@${PYTHONPATH:+:$PYTHONPATH}"
  runHook postInstall
}
if [ -z "${dontUsePypaInstall-}" ] && [ -z "${installPhase-}" ]; then installPhase=pypaInstallPhase; fi
