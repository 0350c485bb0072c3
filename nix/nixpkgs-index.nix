# What the nixpkgs provider knows about a python package set (reference §4.5): for every
# attribute that is a Python module, its PyPI name (fetchPypi's `pname` where the source came
# from PyPI), its version and, for packages built by mach-nix, their requirements. Computed during
# evaluation from the set the resolver must see (the user's interpreter with overridesPre and
# the packagesExtra injected, before mach-nix's own overlay).
self:
let
  inherit (builtins) attrNames tryEval isAttrs toJSON listToAttrs filter;
  nameMap = { pytorch = "torch"; };
  describe = package:
    if !(isAttrs package && package ? version && (package.pythonModule or false) != false) then null
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
      entries = map (attribute:
        let result = tryEval (let d = describe pythonPackages.${attribute}; in builtins.deepSeq d d);
        in { name = attribute; value = if result.success then result.value else null; })
        (attrNames pythonPackages);
    in
    toJSON (listToAttrs (filter (entry: entry.value != null) entries));
}
