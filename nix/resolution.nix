# The resolution of a request: read from a lock file (no import-from-derivation at all), or
# computed by running the CLI in a derivation and importing its output (one IFD per
# environment, and one before it to learn which part of the python set the nixpkgs provider
# must read when some names may come from nixpkgs: `reach`). A failure of the resolver comes back as a document and is thrown here, with
# the resolver's explanation.
self:
let
  inherit (builtins) fromJSON readFile toJSON concatStringsSep attrNames pathExists replaceStrings head match filter isString split length elemAt;
  inherit (self.util) fail concatMap escapeShellArg;
  pkgs = self.pkgs;
  trim = text: head (match "[[:space:]]*([^[:space:]]*)[[:space:]]*" text);
  dataFile = name: let path = "${self.pypiData}/${name}"; in if pathExists path then trim (readFile path) else null;

  # nix-pypi-fetcher-2, at the commit the pypi-deps-db tree names (as mach-nix fetched it), or in
  # the tree itself (`pypi/`, as `mach-nix db update` writes it).
  fetcherSource =
    if self.pypiFetcher != null then self.pypiFetcher
    else if pathExists "${self.pypiData}/pypi" then self.pypiData
    else if dataFile "PYPI_FETCHER_COMMIT" == null then null
    # a fetch is pinned or not made: without the hash, Nix would take whatever the URL gives
    else if dataFile "PYPI_FETCHER_SHA256" == null then
      fail "the pypi-deps-db tree ${toString self.pypiData} names PYPI_FETCHER_COMMIT but no PYPI_FETCHER_SHA256, so nix-pypi-fetcher-2 cannot be fetched pinned: add the file, or pass pypiFetcher when importing mach-nix"
    else builtins.fetchTarball {
      name = "nix-pypi-fetcher-2";
      url = "https://github.com/DavHau/nix-pypi-fetcher-2/tarball/${dataFile "PYPI_FETCHER_COMMIT"}";
      sha256 = dataFile "PYPI_FETCHER_SHA256";
    };

  # A channel is a provider name (`conda/<channel>`): the CLI's rule, checked here so a bad one
  # fails the evaluation naming it; every argument is quoted for the build script all the same.
  checkedChannel = channel:
    if match "[A-Za-z0-9][A-Za-z0-9._-]*" channel != null then channel
    else fail "condaChannelsExtra: invalid channel name ${toJSON channel}: use letters, digits, '.', '_' and '-', starting with a letter or digit";
  condaArguments = concatMap
    (channel: map (file: "--conda ${escapeShellArg "${checkedChannel channel}=${file}"}") self.condaChannelsExtra.${channel})
    (attrNames self.condaChannelsExtra);

  # Local paths of a requirements text are not in the resolution: the text has no directory to
  # find them from (and a lock's absolute paths would not exist elsewhere), so they are refused
  # rather than silently left out.
  localSourceProblem = source:
    "${source.from}: ${if source.kind == "editable" then "the editable install" else "the local path"} ${source.target}";
  check = document:
    if document ? error then throw document.error.message
    else if document.localSources != [ ] then fail ''
      the requirements name local projects, which mkPython cannot locate from a requirements text:
        ${concatStringsSep "\n  " (map localSourceProblem document.localSources)}
      Pass them with packagesExtra instead, e.g. packagesExtra = [ ./my-project ];''
    else document;

  # What each part of the request is called where a user sets it; src/lock/request.ts words
  # `mach-nix lock --check` the same way.
  partNames = {
    requirements = "the requirements";
    python = "the Python version";
    platform = "the platform";
    glibc = "the glibc version";
    macos = "the macOS deployment target";
    providers = "providers";
    providerDefaults = "_providerDefaults";
    condaChannels = "condaChannelsExtra's channels";
    cudaVersion = "cudaVersion";
    dataTimestamp = "the dependency data's UNIX_TIMESTAMP";
  };
  lines = text: filter isString (split "\n" text);
  # The parts of the request that differ from the one the lock recorded (locks before the
  # request was recorded have none: null).
  differences = recorded: request:
    let
      differing = filter (part: toJSON (recorded.${part} or null) != toJSON request.${part}) (attrNames partNames);
      lineAt = list: i: if i < length list then toJSON (elemAt list i) else "no line";
      firstDifference = a: b: i: if i < length a && i < length b && elemAt a i == elemAt b i then firstDifference a b (i + 1) else i;
      describe = part:
        if part == "requirements" && isString (recorded.requirements or null) then
          let
            before = lines recorded.requirements;
            now = lines request.requirements;
            at = firstDifference before now 0;
          in "${partNames.${part}}: line ${toString (at + 1)} is ${lineAt before at} in the lock, ${lineAt now at} here"
        else "${partNames.${part}}: ${toJSON (recorded.${part} or null)} in the lock, ${toJSON request.${part}} here";
    in
    map describe differing;
in
{
  resolution = {
    # nix-pypi-fetcher-2's tree (fetchPypiSdist / fetchPypiWheel read it); null without one.
    inherit fetcherSource;

    # The SQLite index of the pinned data, built once per pin.
    index = pkgs.runCommand "pypi-deps-db-index.sqlite" { } ''
      ${self.cli}/bin/mach-nix db build --deps ${self.pypiData} ${if fetcherSource == null then "" else "--files ${fetcherSource}"} --out $out
    '';

    # The resolver run for one environment: its output is the resolution (or failure) document.
    derivation = { request, nixpkgsIndex }:
      pkgs.runCommand "mach-nix-resolution.json" {
        request = toJSON request;
        inherit nixpkgsIndex;
        passAsFile = [ "request" "nixpkgsIndex" ];
      } ''
        ${self.cli}/bin/mach-nix resolve --request "$requestPath" --deps-db ${self.resolution.index} \
          --nixpkgs "$nixpkgsIndexPath" ${concatStringsSep " " condaArguments} --out $out
      '';

    # What the resolution of a request can reach, and which attributes of the python set may hold
    # the names of it that come from nixpkgs (src/lock/nixpkgs-reach.ts): the first
    # import-from-derivation of nix/nixpkgs-index.nix, which reads only those attributes.
    # `attributeNames`: the set's attribute names as JSON; `extraRoots`: requirement lines.
    reach = { request, attributeNames, extraRoots }:
      pkgs.runCommand "mach-nix-nixpkgs-reach.json" {
        request = toJSON request;
        inherit attributeNames;
        extraRoots = toJSON extraRoots;
        passAsFile = [ "request" "attributeNames" "extraRoots" ];
      } ''
        ${self.cli}/bin/mach-nix resolve --request "$requestPath" --deps-db ${self.resolution.index} \
          --nixpkgs-reach "$attributeNamesPath" --extra-roots "$extraRootsPath" ${concatStringsSep " " condaArguments} --out $out
      '';

    # Import-from-derivation: the build evaluation waits for (after the reach above, when the
    # request has names from nixpkgs).
    resolve = args: check (self.integrity.read "the resolver's answer" (readFile (self.resolution.derivation args)));

    # A committed lock: read without building anything, checked against the request it must answer.
    # A lock made from package indexes (`data.index`) answers the request with the indexes it
    # names — chosen by the CLI's options, pip's configuration or the requirements' own lines,
    # which an evaluation cannot know — and without pinned data: the rest (requirements,
    # providers, Python, platform, …) must be this call's, and the index part what was hashed.
    fromLock = { lockFile, request }:
      let
        lock = check (self.integrity.read (toString lockFile) (readFile lockFile));
        index = if lock ? data && lock.data ? index then lock.data.index else null;
        answered = if index == null then request else request // { inherit index; dataTimestamp = null; };
        wanted = self.request.hash answered;
        # The index part is the lock's own (above), so only the parts partNames names can differ.
        changed = if lock ? request then differences lock.request answered else [ ];
        why = if changed != [ ] then concatStringsSep "; " changed else null;
        lockCommand = "mach-nix lock -r <requirements file> --python ${escapeShellArg request.python} --platform ${escapeShellArg request.platform}${if request.glibc == null then "" else " --glibc ${escapeShellArg request.glibc}"} --providers ${escapeShellArg (toJSON request.providers)}${if request.providerDefaults == null then "" else " --provider-defaults ${escapeShellArg (toJSON request.providerDefaults)}"}";
        indexArguments =
          (if index.indexUrls == [ ] then " --no-index" else " --index-url ${escapeShellArg (head index.indexUrls)}")
          + concatStringsSep "" (map (url: " --extra-index-url ${escapeShellArg url}") (if index.indexUrls == [ ] then [ ] else builtins.tail index.indexUrls))
          + concatStringsSep "" (map (location: " --find-links ${escapeShellArg location}") index.findLinks);
      in
      if lock.inputHash == wanted then lock
      else if index == null then fail ''
        ${toString lockFile} is stale: ${if why != null then "${why}."
          else "it answers other requirements, providers, Python, platform or data than this call gives."}
        Refresh it: build the environment's `lock` attribute without lockFile and copy it, e.g.
          nix build <your env>.lock -o mach-nix.lock.json  (then copy the file instead of the link)
        or run: ${lockCommand} --deps-db <index of the pinned pypi-deps-db> -o ${escapeShellArg (baseNameOf (toString lockFile))}''
      else fail ''
        ${toString lockFile} is stale: ${if why != null then why
          else "it answers other requirements, providers, Python or platform than this call gives"} (it was made from package indexes).
        Refresh it: ${lockCommand}${indexArguments} -o ${escapeShellArg (baseNameOf (toString lockFile))}'';
  };
}
