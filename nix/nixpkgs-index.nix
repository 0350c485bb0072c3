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
self:
let
  inherit (builtins) attrNames tryEval isAttrs toJSON listToAttrs filter;
  inherit (self.pep503) normalizeName;
  nameMap = { pytorch = "torch"; };
  usable = package:
    isAttrs package && package ? version && (package.pythonModule or false) != false
    && !(package.meta.broken or false)
    && (package.meta.available or true)
    && (package.meta.problems or { }) == { }
    && !(package.passthru.disabled or package.disabled or false);
  describe = package:
    if !(usable package) then null
    else {
      pname =
        if package ? src && isAttrs package.src && package.src ? pname then package.src.pname
        else nameMap.${package.pname or ""} or package.pname or package.name;
      version = toString package.version;
      requirements = package.passthru.requirements or null;
    };
in
{
  nixpkgsIndex = pythonPackages:
    let
      # { name = attribute; value = description; key = its PEP 503 name; }, or null
      described = map (attribute:
        let
          result = tryEval (let
            d = describe pythonPackages.${attribute};
            entry = if d == null then null else { name = attribute; value = d; key = normalizeName d.pname; };
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
}
