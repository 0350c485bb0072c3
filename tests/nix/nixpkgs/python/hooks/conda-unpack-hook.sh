# condaUnpackHook: unpacks a conda .tar.bz2 package (without its info/ folder).
condaUnpackPhase() {
  runHook preUnpack
  bzip2 -dc "$src" | tar --exclude=info -x
  runHook postUnpack
}
if [ -z "${unpackPhase-}" ]; then unpackPhase=condaUnpackPhase; fi
