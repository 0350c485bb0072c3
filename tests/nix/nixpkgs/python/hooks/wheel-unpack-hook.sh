# wheelUnpackHook: unpackPhase copies the wheel to dist/ under its store name without the hash
# (so that name must be a valid wheel file name).
wheelUnpackPhase() {
  echo "Executing wheelUnpackPhase"
  runHook preUnpack
  mkdir -p dist
  cp "$src" "dist/$(stripHash "$src")"
  runHook postUnpack
}
if [ -z "${dontUseWheelUnpack-}" ] && [ -z "${unpackPhase-}" ]; then unpackPhase=wheelUnpackPhase; fi
