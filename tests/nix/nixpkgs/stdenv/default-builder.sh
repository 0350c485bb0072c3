# mkDerivation's builder (run by /bin/bash): set up from the inputs, then run the phases.
set -eo pipefail
source "$stdenv/setup"
genericBuild
