# pypaInstallHook: installPhase installs dist/*.whl into $out (nixpkgs runs pypa/installer;
# here pip from the seeded pip wheel does it, with the same checks of the wheel file name).
pypaInstallPhase() {
  echo "Executing pypaInstallPhase"
  runHook preInstall
  local whl
  for whl in dist/*.whl; do
    @pythonInterpreter@ @pipWheel@/pip install --no-index --no-deps --ignore-installed \
      --no-cache-dir --disable-pip-version-check --no-warn-script-location \
      --root-user-action=ignore --prefix "$out" "$whl"
  done
  # pip records the (temporary) location of the wheel; installer writes no such file
  rm -f "$out"/@sitePackages@/*.dist-info/direct_url.json
  export PYTHONPATH="$out/@sitePackages@${PYTHONPATH:+:$PYTHONPATH}"
  runHook postInstall
}
if [ -z "${dontUsePypaInstall-}" ] && [ -z "${installPhase-}" ]; then installPhase=pypaInstallPhase; fi
