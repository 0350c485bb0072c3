# What the nixpkgs provider knows about a python package set (reference §4.5): for every
# attribute that is a Python module nixpkgs would build, its PyPI name (fetchPypi's `pname`
# where the source came from PyPI), its version and, for packages built by mach-nix, their
# requirements. Computed during evaluation from the set the resolver must see (the user's
# interpreter with overridesPre and the packagesExtra injected, before mach-nix's own overlay).
#
# Left out, as nixpkgs would refuse or not list them: attributes that throw (the aliases of
# pkgs/top-level/python-aliases.nix), functions and other non-derivations, packages marked
# `meta.broken`, `meta.available = false` or with `meta.problems` (pkgs/stdenv/generic/
# check-meta.nix), and `disabled` ones, and those whose name the Nix library cannot normalise
# (outside ASCII, nix/pep503.nix: no requirement can name them). Several attributes of one PyPI
# name and version (an alias such as `Babel` for `babel`) give one entry: the attribute spelled as
# the PEP 503 name, else every spelling (the resolver then picks by its own deterministic rule).
#
# Only what may come from nixpkgs is read (nixpkgsProvider.index): nothing when no provider of
# the request is nixpkgs; else only the attributes named like a package the resolution can reach
# whose providers include nixpkgs — the PEP 503 name itself, or it followed by a version or
# variant suffix (`django_4`, `torch-bin`, `torchWithCuda`; src/providers/nixpkgs-attributes.ts
# has the rule and its source). So a package whose attribute is named unlike its PyPI name in any
# other way (e.g. `dateutil` for python-dateutil) is not seen by the nixpkgs provider.
self:
let
  inherit (builtins) attrNames tryEval isAttrs isList isString toJSON fromJSON readFile listToAttrs filter elem split match head any;
  inherit (self.pep503) normalizeName;
  nameMap = { pytorch = "torch"; };
  # What the checks below need to read a package at all; the rest of `usable` comes after the
  # name, so that a package of a name nobody asks nixpkgs for is read only as far as its name.
  shaped = package: isAttrs package && package ? version && (package.pythonModule or false) != false;
  usable = package:
    !(package.meta.broken or false)
    && (package.meta.available or true)
    && (package.meta.problems or { }) == { }
    && !(package.passthru.disabled or package.disabled or false);
  pnameOf = package:
    if package ? src && isAttrs package.src && package.src ? pname then package.src.pname
    else nameMap.${package.pname or ""} or package.pname or package.name;

  # The entries of the given attributes whose PEP 503 name `wanted` accepts.
  entriesOf = wanted: attributes: pythonPackages:
    let
      # { name = attribute; value = description; key = its PEP 503 name; }, or null
      described = map (attribute:
        let
          result = tryEval (let
            package = pythonPackages.${attribute};
            pname = pnameOf package;
            key = normalizeName pname;
            entry =
              if !(shaped package) || !(wanted key) || !(usable package) then null
              else {
                name = attribute;
                value = { inherit pname; version = toString package.version; requirements = package.passthru.requirements or null; };
                inherit key;
              };
          in builtins.deepSeq entry entry);
        in if result.success then result.value else null)
        attributes;
    in
    filter (entry: entry != null) described;

  # Entries as the index's JSON: one per identity (PEP 503 name and version) spelled canonically.
  indexText = entries:
    let
      identity = entry: "${entry.key} ${entry.value.version}";
      # the identities that have an attribute spelled as their PEP 503 name
      canonical = listToAttrs (map (entry: { name = identity entry; value = true; })
        (filter (entry: entry.name == entry.key) entries));
      kept = filter (entry: entry.name == entry.key || !(canonical ? ${identity entry})) entries;
    in
    toJSON (listToAttrs (map (entry: { inherit (entry) name value; }) kept));

  setOf = names: listToAttrs (map (name: { inherit name; value = true; }) names);

  # The requirement lines of packages mach-nix built (`passthru.requirements`) that the reach did
  # not cover: a name it did not reach, or extras (`name[extra]`), and not yet given as a root (a
  # root the CLI cannot read reaches nothing: asking again would never end). A line no name can be
  # read from is the resolver's to refuse.
  uncovered = reached: extraRoots: entries:
    let
      lines = builtins.concatLists (map (entry:
        if isString entry.value.requirements then self.pep508.requirementLines entry.value.requirements else [ ]) entries);
      hasExtras = line: match "[[:space:]]*[A-Za-z0-9._-]+[[:space:]]*\\[.*" line != null;
      isUncovered = line:
        let name = tryEval (self.pep508.requirementName line);
        in name.success && !(elem line extraRoots) && (!(reached ? ${name.value}) || hasExtras line);
    in
    filter isUncovered lines;

  # The index read through the reach of the request (`resolution.reach`): only the attributes it
  # names, only entries of its names; again with more roots while packages of the set require
  # what it did not reach (the roots only grow, and there are finitely many lines, so it ends).
  reachedIndex = request: pythonPackages:
    let
      attributeNames = toJSON (attrNames pythonPackages);
      round = extraRoots:
        let
          reach = fromJSON (readFile (self.resolution.reach { inherit request attributeNames extraRoots; }));
          names = setOf reach.names;
          entries = entriesOf (key: names ? ${key}) reach.attributes pythonPackages;
          more = uncovered (setOf reach.reached) extraRoots entries;
        in
        if more == [ ] then indexText entries
        else round (attrNames (setOf (extraRoots ++ more))); # sorted, each line once
    in
    round [ ];

  # mach-nix's provider_defaults.toml, as src/providers/settings.ts has it (BUILT_IN_PROVIDER_DEFAULTS;
  # tests/nix/nixpkgs-index.test.ts compares the two): what `_providerDefaults = null` means.
  builtInDefaults = {
    _default = "wheel,sdist,nixpkgs";
    gdal = "nixpkgs";
    pip = "nixpkgs,sdist";
    setupmeta = "wheel";
    setuptools = "nixpkgs";
    wheel = "nixpkgs,sdist";
  };
  trim = text:
    let found = match "[[:space:]]*(.*[^[:space:]])[[:space:]]*" text;
    in if found != null then head found else if match "[[:space:]]*" text != null then "" else text;
  # A provider list as src/providers/settings.ts reads it: comma-separated or a list, words trimmed.
  # Anything else the resolver refuses, whatever the index holds.
  namesNixpkgs = value:
    let words = if isString value then filter isString (split "," value) else if isList value then filter isString value else [ ];
    in any (word: trim word == "nixpkgs") words;
  # Keys as settings.ts normalises them: `_default` trimmed, every other key trimmed and PEP 503-
  # normalised. A key the Nix library cannot normalise (outside ASCII) is kept as it is.
  keyOf = key:
    let
      trimmed = trim key;
      normalised = tryEval (normalizeName trimmed);
    in
    if trimmed == "_default" then trimmed else if normalised.success then normalised.value else key;
  normaliseKeys = providers: listToAttrs (map (key: { name = keyOf key; value = providers.${key}; }) (attrNames providers));
in
{
  # The index of every usable attribute of a python package set, as JSON.
  nixpkgsIndex = pythonPackages: indexText (entriesOf (_: true) (attrNames pythonPackages) pythonPackages);

  nixpkgsProvider = {
    inherit builtInDefaults;

    # The attribute names `pytorch` once had: the nameMap above (its other half is LEGACY_NAMES of
    # src/providers/nixpkgs-attributes.ts, which must read those attributes; a test compares them).
    inherit nameMap;

    # The PEP 503 names that may come from nixpkgs under a request's providers: null for every
    # name (the default has nixpkgs), else a list (empty: none). As the resolver has it, a
    # package's entry in providers replaces its entry in the provider defaults, and `_default`
    # applies to every package without an entry of its own.
    names = { providers, providerDefaults }:
      let
        merged = normaliseKeys (if providerDefaults == null then builtInDefaults else providerDefaults) // normaliseKeys providers;
      in
      if namesNixpkgs (merged._default or [ ]) then null
      else filter (name: name != "_default" && namesNixpkgs merged.${name}) (attrNames merged);

    # What the resolver of a request is given as the nixpkgs index (JSON). Its resolution is the one
    # the whole set's index gives, because the resolver reads only entries of names whose providers
    # include nixpkgs and that it reaches: the candidates of the nixpkgs provider
    # (src/providers/candidates.ts) come from the entries of the name's own spellings. Left out are
    # entries it reads only in error messages about other names (that nixpkgs has the name,
    # did-you-mean suggestions), and attributes named unlike their package (see the top).
    # - No name: the set is not looked at (not even its attribute names). The common case of users
    #   who leave nixpkgs out.
    # - Else: a first import-from-derivation walks the data from the requirements to every name
    #   the resolution can reach, whatever the versions and providers (a nixpkgs candidate's
    #   dependencies come from the data of its version), and names the attributes that may hold
    #   those whose providers include nixpkgs; only they are read, as far as their PyPI name, the
    #   ones of those names in full (`reachedIndex`).
    index = { request, pythonPackages }:
      if self.nixpkgsProvider.names { inherit (request) providers providerDefaults; } == [ ] then toJSON { }
      else reachedIndex request pythonPackages;
  };
}
