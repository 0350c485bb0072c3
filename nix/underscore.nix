# The `_` mini-language of mach-nix (reference §3): per package, per attribute of its derivation,
#   _.pkg.attr = value;           replace
#   _.pkg.attr.add = value;       append: list ++, attrset //, string +
#   _.pkg.attr.mod = old: new;    modify
#   _.pkg.attr.mod = pySelf: oldAttrs: old: new;   modify with the package set at hand
# compiled to python package-set overlays applied with overrideAttrs, as mach-nix did. Unlike
# mach-nix, an attribute the derivation lacks counts as empty (`.add` starts from [], {} or "";
# `.mod` is given null) and package names are PEP 503-normalised (`_."pdfminer.six"` works).
# The same compiler serves mach-nix's `_fixes` format, whose fixes carry an optional `_cond`.
self:
let
  inherit (builtins) isAttrs isList isString isFunction attrNames mapAttrs removeAttrs;
  inherit (self.util) fail mapAttrsToList concatMap;
  inherit (self.pep503) normalizeName;

  isDirective = kind: value: isAttrs value && attrNames value == [ kind ];

  combine = where: old: new:
    if isList new then (if old == null then [ ] else old) ++ new
    else if isAttrs new then (if old == null then { } else old) // new
    else if isString new then (if old == null then "" else old) + new
    else fail "${where}.add only accepts a list, an attribute set or a string";

  apply = where: pySelf: oldAttrs: key: directive:
    let old = oldAttrs.${key} or null;
    in
    if isDirective "add" directive then combine "${where}.${key}" old directive.add
    else if isDirective "mod" directive && isFunction directive.mod then
      (let result = directive.mod old; in if isFunction result then directive.mod pySelf oldAttrs old else result)
    else directive;

  # One overlay overriding `package` with `attributes` (an attrset of directives), when `condition` holds.
  overlayFor = where: package: attributes: condition: pySelf: pySuper:
    let name = normalizeName package;
    in
    if !(pySuper ? ${name}) then fail "${where}: the environment has no package ${name}"
    else if !(condition pySuper.${name}) then { }
    else {
      ${name} = pySuper.${name}.overrideAttrs (oldAttrs: mapAttrs (apply "${where}.${package}" pySelf oldAttrs) attributes);
    };
in
{
  underscore = {
    # `_` as given to mkPython: a list of overlays, one per package.
    overlays = underscore:
      mapAttrsToList (package: attributes:
        if isAttrs attributes then overlayFor "_" package attributes (_: true)
        else fail "_.${package} must be an attribute set of attributes to override") underscore;

    # `_fixes`: { package = { fixName = { _cond = { prov, ver, pyver, ... }: bool; attr = directive; }; }; }
    fixOverlays = fixes: python:
      concatMap (package:
        mapAttrsToList (fix: spec:
          overlayFor "_fixes.${package}.${fix}" package (removeAttrs spec [ "_cond" ]) (drv:
            (spec._cond or (_: true)) {
              prov = drv.passthru.provider or "nixpkgs";
              ver = drv.version or "";
              pyver = python.pythonVersion;
            })) fixes.${package}) (attrNames fixes);
  };
}
