# What the nixpkgs provider knows about a python package set (reference §4.5): for every
# attribute that is a Python module nixpkgs would build, its PyPI name (fetchPypi's `pname`
# where the source came from PyPI), its version and, for packages built by mach-nix, their
# requirements. Computed during evaluation from the set the resolver must see (the user's
# interpreter with overridesPre and the packagesExtra injected, before mach-nix's own overlay).
#
# Left out, as nixpkgs would refuse or not list them: attributes that throw (the aliases of
# pkgs/top-level/python-aliases.nix), functions and other non-derivations, packages marked
# `meta.broken`, `meta.available = false` or with `meta.problems` (pkgs/stdenv/generic/
# check-meta.nix), and `disabled` ones. Several attributes of one PyPI name and version (an
# alias such as `Babel` for `babel`) give one entry: the attribute spelled as the PEP 503 name,
# else every spelling (the resolver then picks by its own deterministic rule).
self:
let
  inherit (builtins) attrNames tryEval isAttrs toJSON listToAttrs filter elem;
  inherit (self.util) normalizeName;
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
      described = map (attribute:
        let result = tryEval (let d = describe pythonPackages.${attribute}; in builtins.deepSeq d d);
        in { name = attribute; value = if result.success then result.value else null; })
        (attrNames pythonPackages);
      entries = filter (entry: entry.value != null) described;
      identity = entry: "${normalizeName entry.value.pname} ${entry.value.version}";
      # the identities that have an attribute spelled as their PEP 503 name
      canonical = listToAttrs (map (entry: { name = identity entry; value = true; })
        (filter (entry: entry.name == normalizeName entry.value.pname) entries));
      kept = filter (entry: entry.name == normalizeName entry.value.pname || !(canonical ? ${identity entry})) entries;
    in
    toJSON (listToAttrs kept);
}
