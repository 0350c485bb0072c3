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
# Only what may come from nixpkgs is looked at (nixpkgsProvider.index): nothing when no provider
# of the request is nixpkgs, the packages of the names that have it when only some do. See there.
self:
let
  inherit (builtins) attrNames tryEval isAttrs isList isString toJSON listToAttrs filter elem split match head any;
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

  # The index of the attributes whose PEP 503 name `wanted` accepts, as JSON.
  indexOf = wanted: pythonPackages:
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
        (attrNames pythonPackages);
      entries = filter (entry: entry != null) described;
      identity = entry: "${entry.key} ${entry.value.version}";
      # the identities that have an attribute spelled as their PEP 503 name
      canonical = listToAttrs (map (entry: { name = identity entry; value = true; })
        (filter (entry: entry.name == entry.key) entries));
      kept = filter (entry: entry.name == entry.key || !(canonical ? ${identity entry})) entries;
    in
    toJSON (listToAttrs (map (entry: { inherit (entry) name value; }) kept));

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
  nixpkgsIndex = indexOf (_: true);

  nixpkgsProvider = {
    inherit builtInDefaults;

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

    # What the resolver of a request is given as the nixpkgs index (JSON). Its results are those of
    # the whole set's index, because it only reads entries of names whose providers include nixpkgs:
    # the candidates of the nixpkgs provider (src/providers/candidates.ts) come from the entries of
    # the name's own spellings. Left out are entries it reads only in error messages about other
    # names (that nixpkgs has the name, did-you-mean suggestions).
    # - No name: the set is not looked at. The common case of users who leave nixpkgs out.
    # - Some names: every attribute is read as far as its PyPI name, the ones of those names in
    #   full. The name has to be read: it is `src.pname` or `pname`, not the attribute name
    #   (versioned attributes such as django_4, aliases, renamed attributes), so attribute names
    #   alone could miss a package the resolver would have chosen.
    # - Every name: the whole index. The names the resolution can reach are known only inside the
    #   resolver's build, from the data; computing that closure during evaluation would read the
    #   data the import-from-derivation exists to avoid reading, and a build cannot ask evaluation
    #   for more afterwards.
    index = { request, pythonPackages }:
      let wanted = self.nixpkgsProvider.names { inherit (request) providers providerDefaults; };
      in
      if wanted == null then indexOf (_: true) pythonPackages
      else if wanted == [ ] then toJSON { }
      else indexOf (key: elem key wanted) pythonPackages;
  };
}
