# importNpmLock.npmConfigHook: after configure, install node_modules offline from the store
# copies of the locked tarballs ($npmDeps), first without scripts, then `npm rebuild` so that
# install scripts run (native addons build with node-gyp, the host's headers and compiler).
npmConfigHook() {
  echo "Executing npmConfigHook"
  export HOME=$TMPDIR
  export npm_config_cache=$TMPDIR/npm-cache
  export npm_config_nodedir=@nodejs@
  export npm_config_node_gyp=@nodejs@/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
  npm config set offline true
  npm config set fund false
  npm config set audit false
  npm config set update-notifier false
  cp package.json "$TMPDIR/package.json.orig"
  [ -f package-lock.json ] && cp package-lock.json "$TMPDIR/package-lock.json.orig"
  cp "${npmDeps:?npmConfigHook needs npmDeps, the result of importNpmLock}/package.json" package.json
  cp "$npmDeps/package-lock.json" package-lock.json
  chmod u+w package.json package-lock.json
  npm install --ignore-scripts ${npmInstallFlags-} ${npmFlags-}
  patchShebangs node_modules
  npm rebuild ${npmRebuildFlags-} ${npmFlags-}
  patchShebangs node_modules
  cp "$TMPDIR/package.json.orig" package.json
  [ -f "$TMPDIR/package-lock.json.orig" ] && cp "$TMPDIR/package-lock.json.orig" package-lock.json
  echo "Finished npmConfigHook"
}
postConfigureHooks+=(npmConfigHook)
