# Small helpers written with builtins only, so the library does not depend on the version of
# nixpkgs' lib (and runs on Nix 2.8: no builtin newer than that is used).
_self:
let
  inherit (builtins) foldl' filter concatLists attrNames listToAttrs replaceStrings split isString elem;
  upper = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" ];
  lower = [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" ];
in
rec {
  toLower = replaceStrings upper lower;

  # PEP 503: runs of `-`, `_`, `.` become one `-`, lower case. The resolver names packages so.
  normalizeName = name: toLower (builtins.concatStringsSep "-" (filter isString (split "[-_.]+" name)));

  optional = condition: value: if condition then [ value ] else [ ];
  optionals = condition: list: if condition then list else [ ];

  unique = foldl' (acc: x: if elem x acc then acc else acc ++ [ x ]) [ ];
  concatMap = f: list: concatLists (map f list);
  mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (attrNames attrs);
  genAttrs = names: f: listToAttrs (map (name: { inherit name; value = f name; }) names);
  hasPrefix = prefix: text: builtins.substring 0 (builtins.stringLength prefix) text == prefix;
  hasSuffix = suffix: text:
    let
      n = builtins.stringLength text;
      m = builtins.stringLength suffix;
    in
    n >= m && builtins.substring (n - m) m text == suffix;

  # nixpkgs' overlay composition (lib.composeExtensions): the result is only the delta.
  composeExtensions = f: g: final: prev:
    let
      fApplied = f final prev;
      prev' = prev // fApplied;
    in
    fApplied // g final prev';
  composeManyExtensions = builtins.foldl' composeExtensions (_final: _prev: { });

  # `major.minor` of a version string ("2.42-67" -> "2.42").
  majorMinor = version:
    let parts = builtins.match "([0-9]+)\\.([0-9]+).*" version;
    in if parts == null then null else "${builtins.elemAt parts 0}.${builtins.elemAt parts 1}";

  # mach-nix's error prefix, so users can tell where a throw comes from.
  fail = message: throw "mach-nix: ${message}";
}
