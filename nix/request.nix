# What the resolver is asked (schemas/resolve-request.schema.json), built from mkPython's
# arguments without building anything: the lock file's inputHash is computed from it, so a lock
# can be checked without import-from-derivation.
self:
let
  inherit (builtins) attrNames hashString toJSON readFile pathExists fromJSON replaceStrings;
  inherit (self.util) majorMinor utf8Problem utf8Reason fail;
  pkgs = self.pkgs;
  platform = pkgs.stdenv.hostPlatform;
in
{
  request = {
    # The resolve request for the requirements text and the resolution-relevant arguments.
    # The text is checked to be UTF-8 first: Nix 2.8 would hash and pass on its raw bytes (which
    # the CLI refuses, so no lock answers them), Nix 2.26's toJSON would throw its own error.
    make = { requirements, python, providers, providerDefaults, cudaVersion }: {
      requirements = let problem = utf8Problem requirements; in
        if problem == null then requirements else fail "the requirements text:${toString problem.line}: ${utf8Reason problem}";
      inherit providers providerDefaults cudaVersion;
      python = python.version;
      platform = platform.system;
      glibc = if platform.isLinux then majorMinor pkgs.glibc.version else null;
      macos = if platform.isDarwin then platform.darwinMinVersion or null else null;
      condaChannels = attrNames self.condaChannelsExtra;
      dataTimestamp = self.request.dataTimestamp;
    };

    # The pypi-deps-db tree's UNIX_TIMESTAMP: it ties a lock to the data it was made from.
    dataTimestamp =
      let file = "${self.pypiData}/UNIX_TIMESTAMP";
      in if pathExists file then fromJSON (builtins.head (builtins.match "[[:space:]]*([0-9]+)[[:space:]]*" (readFile file))) else null;

    # sha256 of the request's JSON: builtins.toJSON sorts keys, like the CLI's canonical JSON
    # (src/lock/request.ts). Nix 2.8 writes a backspace and a form feed as \u0008 and \u000c, Nix
    # 2.26 as \b and \f: those are turned into 2.8's (and the CLI's) form, so one request has one
    # hash everywhere. An escaped backslash is matched first, so `\\b` (a backslash, then b) stays.
    hash = request: "sha256:${hashString "sha256" (replaceStrings [ "\\\\" "\\b" "\\f" ] [ "\\\\" "\\u0008" "\\u000c" ] (toJSON request))}";
  };
}
