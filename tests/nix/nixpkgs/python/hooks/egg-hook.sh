# egg hooks: the egg format is not supported by the stand-in.
eggUnsupported() {
  echo "format = \"egg\" is not supported by the nixpkgs stand-in" >&2
  return 1
}
if [ -z "${unpackPhase-}" ]; then unpackPhase=eggUnsupported; fi
