# Small helpers written with builtins only, so the library does not depend on the version of
# nixpkgs' lib (and runs on Nix 2.8: no builtin newer than that is used). The Python standards
# (names, versions, requirements, wheel file names) have files of their own: pep503.nix, ….
_self:
let
  inherit (builtins) foldl' concatLists attrNames listToAttrs replaceStrings split isString elem;
  upper = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" ];
  lower = [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" ];
  # percent-escapes of printable ASCII (upper- and lower-case hex) and what they stand for
  urlEscapes = [
    "%20" "%21" "%22" "%23" "%24" "%25" "%26" "%27" "%28" "%29" "%2A" "%2a" "%2B" "%2b" "%2C" "%2c"
    "%2D" "%2d" "%2E" "%2e" "%2F" "%2f" "%30" "%31" "%32" "%33" "%34" "%35" "%36" "%37" "%38" "%39"
    "%3A" "%3a" "%3B" "%3b" "%3C" "%3c" "%3D" "%3d" "%3E" "%3e" "%3F" "%3f" "%40" "%41" "%42" "%43"
    "%44" "%45" "%46" "%47" "%48" "%49" "%4A" "%4a" "%4B" "%4b" "%4C" "%4c" "%4D" "%4d" "%4E" "%4e"
    "%4F" "%4f" "%50" "%51" "%52" "%53" "%54" "%55" "%56" "%57" "%58" "%59" "%5A" "%5a" "%5B" "%5b"
    "%5C" "%5c" "%5D" "%5d" "%5E" "%5e" "%5F" "%5f" "%60" "%61" "%62" "%63" "%64" "%65" "%66" "%67"
    "%68" "%69" "%6A" "%6a" "%6B" "%6b" "%6C" "%6c" "%6D" "%6d" "%6E" "%6e" "%6F" "%6f" "%70" "%71"
    "%72" "%73" "%74" "%75" "%76" "%77" "%78" "%79" "%7A" "%7a" "%7B" "%7b" "%7C" "%7c" "%7D" "%7d"
    "%7E" "%7e"
  ];
  urlEscaped = [
    " " "!" "\"" "#" "$" "%" "&" "'" "(" ")" "*" "*" "+" "+" "," "," "-" "-" "." "." "/" "/" "0" "1"
    "2" "3" "4" "5" "6" "7" "8" "9" ":" ":" ";" ";" "<" "<" "=" "=" ">" ">" "?" "?" "@" "A" "B" "C"
    "D" "E" "F" "G" "H" "I" "J" "J" "K" "K" "L" "L" "M" "M" "N" "N" "O" "O" "P" "Q" "R" "S" "T" "U"
    "V" "W" "X" "Y" "Z" "Z" "[" "[" "\\" "\\" "]" "]" "^" "^" "_" "_" "`" "a" "b" "c" "d" "e" "f"
    "g" "h" "i" "j" "j" "k" "k" "l" "l" "m" "m" "n" "n" "o" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x"
    "y" "z" "z" "{" "{" "|" "|" "}" "}" "~" "~"
  ];

  # Single bytes of 0x80 and above, for the expression below: Nix strings have no escape for a
  # byte, but a character fromJSON makes from a JSON escape is its UTF-8 bytes, and substring
  # takes one of them. `continuation "bf"` is 0xbf (U+00BF is c2 bf); `leading "\\u07c0"` is 0xdf
  # (U+07C0 is df 80); the four-byte leads come from surrogate pairs (U+10000 is f0 90 80 80).
  continuation = hex: builtins.substring 1 1 (builtins.fromJSON "\"\\u00${hex}\"");
  leading = escape: builtins.substring 0 1 (builtins.fromJSON "\"${escape}\"");
  trail = "[${continuation "80"}-${continuation "bf"}]";
  # One well-formed multi-byte UTF-8 sequence (the Unicode Standard's Table 3-7: no overlong
  # form, no surrogate, nothing above U+10FFFF) as the first group, else one byte of 0x80 and
  # above, which then starts no character. The same expression as src/utf8-text.ts. Used with
  # builtins.split, which finds one short match at a time: a `(…)*` over the whole text would
  # overflow the stack of std::regex (Nix 2.8 and 2.26 both) on a text of a megabyte.
  sequenceOrStray = builtins.concatStringsSep "|" [
    "([${leading "\\u0080"}-${leading "\\u07c0"}]${trail}"
    "${leading "\\u0800"}[${continuation "a0"}-${continuation "bf"}]${trail}"
    "[${leading "\\u1000"}-${leading "\\uc000"}${leading "\\ue000"}${leading "\\uf000"}]${trail}${trail}"
    "${leading "\\ud000"}[${continuation "80"}-${continuation "9f"}]${trail}"
    "${leading "\\ud800\\udc00"}[${continuation "90"}-${continuation "bf"}]${trail}${trail}"
    "[${leading "\\ud8c0\\udc00"}-${leading "\\udb00\\udc00"}]${trail}${trail}${trail}"
    "${leading "\\udbc0\\udc00"}[${continuation "80"}-${continuation "8f"}]${trail}${trail})"
    # bytes 0x80-0xff: not ASCII (NUL cannot be in a Nix string)
    "[^${builtins.fromJSON ''"\u0001-\u007f"''}]"
  ];
in
rec {
  # ASCII letters only: Python lower-cases by Unicode's tables, which builtins do not have, so
  # callers that must agree with Python check isAscii first.
  toLower = replaceStrings upper lower;
  # Whether every byte of the text is ASCII (bytes of 0x80 and above are not in the class; the
  # pattern is written with JSON escapes since Nix strings have none for them).
  isAscii = text: builtins.match (builtins.fromJSON ''"[\u0001-\u007f]*"'') text != null;

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

  # The file a URL names, as a store name can hold it (fetchurl's default name is the URL's
  # baseNameOf, and `%`, `#`, `&` … are not legal there): the last path segment without query
  # or fragment, escapes of printable ASCII decoded (`%2B` is `+`), any other byte `_`.
  fileNameOfUrl = url:
    let
      segment = baseNameOf (builtins.head (split "[?#]" url));
      decoded = replaceStrings urlEscapes urlEscaped segment;
      unescaped = builtins.concatStringsSep "" (map (part: if isString part then part else "_") (split "%[0-9A-Fa-f]{2}" decoded));
      legal = c: builtins.match "[A-Za-z0-9+._?=-]" c != null;
    in
    builtins.concatStringsSep "" (builtins.genList (i: let c = builtins.substring i 1 unescaped; in if legal c then c else "_") (builtins.stringLength unescaped));

  # `major.minor` of a version string ("2.42-67" -> "2.42"), such as glibc's, which decides the
  # manylinux wheels a request may take; a version without one is an error, not "no glibc".
  majorMinor = version:
    let parts = builtins.match "([0-9]+)\\.([0-9]+).*" version;
    in if parts == null then fail "the version ${builtins.toJSON version} does not start with major.minor"
    else "${builtins.elemAt parts 0}.${builtins.elemAt parts 1}";

  # One word for a POSIX shell, whatever it holds: single-quoted, each ' written as '\'' (what
  # nixpkgs' lib.escapeShellArg and Python's shlex.quote do), so quotes, $(…), backticks, ${…},
  # backslashes and newlines reach the program literally.
  escapeShellArg = text: "'${replaceStrings [ "'" ] [ "'\\''" ] (toString text)}'";

  # Where `text` stops being UTF-8: { line; byte; } (both from 1: the first byte of the line
  # that starts no UTF-8 character), or null when it is UTF-8 text. src/utf8-text.ts finds the
  # same byte for the CLI. Nix 2.8 passes such bytes on (toJSON writes them, a hash takes them),
  # Nix 2.26's toJSON throws its own error, and fromJSON of them throws in both: whatever reads
  # text from a user's file checks it here first.
  utf8Problem = text:
    let
      pieces = split sequenceOrStray text;
      # the index of the first stray byte's match (matches are lists: [ sequence-or-null ])
      stray = builtins.foldl' (found: i: if found == null && builtins.isList (builtins.elemAt pieces i) && builtins.head (builtins.elemAt pieces i) == null then i else found)
        null (builtins.genList (i: 2 * i + 1) (builtins.length pieces / 2));
      before = builtins.concatStringsSep "" (map (piece: if isString piece then piece else builtins.head piece) (builtins.genList (builtins.elemAt pieces) stray));
      lines = split "\n" before;
    in
    if builtins.length pieces == 1 || stray == null then null
    else { line = builtins.length lines / 2 + 1; byte = builtins.stringLength (builtins.elemAt lines (builtins.length lines - 1)) + 1; };

  # Why text is not UTF-8, in the CLI's words (src/utf8-text.ts), without the byte's value: no
  # builtin gives a byte's number.
  utf8Reason = problem: "not UTF-8 text: byte ${toString problem.byte} of the line starts no UTF-8 character; save it as UTF-8";

  # mach-nix's error prefix, so users can tell where a throw comes from.
  fail = message: throw "mach-nix: ${message}";
}
