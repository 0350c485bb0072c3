# pythonOutputDistHook: the built wheel(s) in dist/ become the `dist` output.
pythonOutputDistPhase() {
  echo "Executing pythonOutputDistPhase"
  if [ -d dist ]; then mv dist "$dist"; else mkdir -p "$dist"; fi
}
preFixupHooks+=(pythonOutputDistPhase)
