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
    # The resolve request for the requirements text and the resolution-relevant arguments,
    # checked first (argumentsProblem).
    make = { requirements, python, providers, providerDefaults, cudaVersion }@arguments:
      let problem = self.request.argumentsProblem arguments; in
      if problem != null then fail problem else {
      inherit requirements providers providerDefaults cudaVersion;
      python = python.version;
      platform = platform.system;
      glibc = if platform.isLinux then majorMinor pkgs.glibc.version else null;
      macos = if platform.isDarwin then platform.darwinMinVersion or null else null;
      condaChannels = attrNames self.condaChannelsExtra;
      dataTimestamp = self.request.dataTimestamp;
    };

    # Why a requirements text cannot be in a request, or null: bytes that are not UTF-8, which
    # Nix 2.8 would hash and pass on raw (the CLI refuses them, so no lock would answer the call)
    # and Nix 2.26's toJSON would refuse with its own error. In the CLI's words (src/utf8-text.ts).
    # And anything but a string (a path would be copied into the store and its store path read as
    # a requirement).
    textProblem = requirements:
      let problem = utf8Problem requirements;
      in
      if !(builtins.isString requirements) then "requirements must be a string: the text of a requirements.txt or environment.yml, e.g. requirements = builtins.readFile ./requirements.txt"
      else if problem == null then null
      else "the requirements text:${toString problem.line}: ${utf8Reason problem}";

    # Why mkPython's arguments cannot be in a request, or null: the requirements text's problem
    # (textProblem), or a string elsewhere in them that is not UTF-8 — provider names read from
    # a file, say — named where the user wrote it (`providers.numpy`), for the same two reasons.
    argumentsProblem = { requirements, providers, providerDefaults, cudaVersion, ... }:
      let
        problemIn = where: value:
          if builtins.isString value then
            let problem = utf8Problem value; in if problem == null then null else "${where}: ${utf8Reason problem}"
          else if builtins.isAttrs value then
            firstProblem (map (name: if utf8Problem name != null then "${where}: an attribute name is ${utf8Reason (utf8Problem name)}" else problemIn "${where}.${name}" value.${name}) (attrNames value))
          else if builtins.isList value then firstProblem (builtins.genList (i: problemIn "${where}[${toString i}]" (builtins.elemAt value i)) (builtins.length value))
          else null;
        firstProblem = builtins.foldl' (found: problem: if found == null then problem else found) null;
      in
      firstProblem [ (self.request.textProblem requirements) (problemIn "providers" providers) (problemIn "_providerDefaults" providerDefaults) (problemIn "cudaVersion" cudaVersion) ];

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
