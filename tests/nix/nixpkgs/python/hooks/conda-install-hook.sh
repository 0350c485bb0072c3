# condaInstallHook: copies ./site-packages into $out's site-packages, or else the whole tree
# into $out.
condaInstallPhase() {
  runHook preInstall
  if [ -d site-packages ]; then
    mkdir -p "$out/@sitePackages@"
    cp -r ./site-packages/. "$out/@sitePackages@/"
  else
    mkdir -p "$out"
    cp -r . "$out/"
  fi
  runHook postInstall
}
if [ -z "${installPhase-}" ]; then installPhase=condaInstallPhase; fi
