# Every launcher of mach-nix runs this before it starts node (sourced by bin/mach-nix, inlined into
# the package's launcher by scripts/build.ts, the Nix wrapper's `--run` in nix/cli.nix): with
# NODE_EXTRA_CA_CERTS set, node builds its whole root certificate store before any JavaScript runs
# (30 ms of every start here), though only the index client's HTTPS requests use it. The value goes
# to the index client under another name (src/index/extra-ca-certs.ts), which loads the
# certificates on its first request and gives child processes NODE_EXTRA_CA_CERTS back.
# Set, even to the empty string, is handed over as it is; unset leaves nothing behind.
if [ "${NODE_EXTRA_CA_CERTS+set}" = set ]; then
  MACH_NIX_DEFERRED_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS
  export MACH_NIX_DEFERRED_EXTRA_CA_CERTS
  unset NODE_EXTRA_CA_CERTS
else
  unset MACH_NIX_DEFERRED_EXTRA_CA_CERTS
fi
