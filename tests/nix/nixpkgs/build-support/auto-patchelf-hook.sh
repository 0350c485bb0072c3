# autoPatchelfHook of the stand-in: registered like nixpkgs' (postFixupHooks) and honouring
# dontAutoPatchelf, but it patches nothing — binaries here run against the host's libraries.
# autoPatchelfIgnoreMissingDeps, runtimeDependencies, appendRunpaths and autoPatchelfFlags
# are accepted and have no effect.
autoPatchelfPostFixup() {
  if [ -z "${dontAutoPatchelf-}" ]; then
    echo "autoPatchelfHook: nothing to patch in the nixpkgs stand-in (host libraries are used)"
  fi
}
postFixupHooks+=(autoPatchelfPostFixup)
