# fetchurl: a fixed-output derivation. Its store path depends only on name, hash mode and hash,
# so it is the path real fetchurl gives, and a file seeded into the store under that name
# (`nix-store --add-fixed`, see tests/nix/harness.ts seedStore) satisfies it without a build.
# There is no network: the builder copies file:// URLs and otherwise explains what to seed.
# The argument list is nixpkgs' (no `...`: an unknown argument is an error).
{ lib, system }:
{ url ? "", urls ? [ ], curlOpts ? "", curlOptsList ? [ ], name ? null, pname ? null, version ? null
, hash ? "", outputHash ? "", outputHashAlgo ? "", sha1 ? "", sha256 ? "", sha512 ? ""
, recursiveHash ? false, netrcPhase ? null, netrcImpureEnvVars ? [ ], postFetch ? ""
, downloadToTemp ? false, executable ? false, showURLs ? false, meta ? { }, passthru ? { }
, preferLocalBuild ? true, nativeBuildInputs ? [ ], derivationArgs ? { } }:
let
  urls' =
    if urls != [ ] && url == "" then urls
    else if urls == [ ] && url != "" then [ url ]
    else throw "fetchurl requires either `url` or `urls` to be set: url = \"${url}\", urls = [ ${toString urls} ]";

  given = builtins.filter (h: h.value != "") [
    { algo = ""; value = hash; }             # SRI: the algorithm is part of the value
    { algo = outputHashAlgo; value = outputHash; }
    { algo = "sha1"; value = sha1; }
    { algo = "sha256"; value = sha256; }
    { algo = "sha512"; value = sha512; }
  ];
  chosen =
    if builtins.length given > 1 then throw "multiple hashes passed to fetchurl"
    else if given == [ ] then { algo = ""; value = lib.fakeHash; }   # fails at build time, as in nixpkgs
    else builtins.head given;

  algoName = if chosen.algo != "" then chosen.algo else builtins.head (lib.splitString "-" chosen.value);
  firstUrl = builtins.head urls';
  storeName =
    if pname != null && version != null then "${pname}-${version}"
    else if name != null then name
    else baseNameOf (toString firstUrl);

  drv = derivation ({
    name = storeName;
    inherit system preferLocalBuild postFetch executable;
    builder = "/bin/bash";
    args = [ "-c" ''
      for u in $urls; do
        case $u in file://*) /usr/bin/cp "''${u#file://}" "$out" && eval "$postFetch" && exit 0 ;; esac
      done
      echo "fetchurl: $urls is not in the store and this machine has no network." >&2
      echo "Seed it first: nix-store --add-fixed ${algoName} <file named $name> (tests/nix/harness.ts seedStore)." >&2
      exit 1
    '' ];
    urls = urls';
    outputHashMode = if recursiveHash || executable then "recursive" else "flat";
    outputHash = chosen.value;
    outputHashAlgo = chosen.algo;
  } // derivationArgs);
in
drv // {
  inherit meta;
  url = firstUrl;
  resolvedUrl = firstUrl;   # no mirror:// expansion here
} // passthru
