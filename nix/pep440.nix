# PEP 440 versions, read as src/pep440.ts reads them (pypa/packaging 26): whether a text is a
# version, its parts and its normalised form (`1.0-1` is `1.0.post1`, `V1.0RC1` is `1.0rc1`). The
# library only ever needs a version's form; ordering and specifiers are the resolver's.
#
# The subset: Python's case-insensitive matching also takes four letters outside ASCII for ASCII
# ones (K KELVIN SIGN for `k`, ſ for `s`, ı and İ for `i`); they are not accepted here, as in
# src/pep440.ts. Whitespace around a version is Python's `\s`, Unicode's spaces included.
self:
let
  inherit (builtins) match elemAt filter isString split concatStringsSep fromJSON head;
  inherit (self.util) toLower fail;

  # Python's `\s` of a str pattern, as UTF-8 sequences (JSON escapes: Nix strings have none).
  spaces = fromJSON ''[ "\t", "\n", "\u000b", "\u000c", "\r", "\u001c", "\u001d", "\u001e", "\u001f", " ",
    "\u0085", "\u00a0", "\u1680", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004", "\u2005", "\u2006",
    "\u2007", "\u2008", "\u2009", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000" ]'';
  space = "(${concatStringsSep "|" spaces})*";
  separator = "[._-]?";

  # packaging's VERSION_PATTERN on the lower-cased text. Where it reads a text two ways (`1.0a-1`:
  # a1, or a0 and post-release 1) the earlier group takes the longer part, as in Python, whether
  # the engine backtracks or is POSIX's leftmost-longest. Groups (from 0): 2 epoch, 3 release,
  # 5 pre-release, 6 its label, 7 its number, 8 post-release, 9 its implicit number (`1.0-1`),
  # 11 its number, 12 dev release, 13 its number, 15 local label.
  pattern = concatStringsSep "" [
    space
    "v?"
    "(([0-9]+)!)?"
    "([0-9]+(\\.[0-9]+)*)"
    "(${separator}(alpha|a|beta|b|preview|pre|c|rc)${separator}([0-9]*))?"
    "(-([0-9]+)|${separator}(post|rev|r)${separator}([0-9]*))?"
    "(${separator}dev${separator}([0-9]*))?"
    "(\\+([a-z0-9]+([._-][a-z0-9]+)*))?"
    space
  ];

  # A number as Python's int() writes it back: no leading zeros; empty (an implicit 0) is "0".
  # Numbers stay strings, since releases may exceed Nix's 64-bit integers (date stamps).
  number = digits: if digits == "" then "0" else head (match "0*([1-9][0-9]*|0)" digits);
  preLabels = { alpha = "a"; a = "a"; beta = "b"; b = "b"; c = "rc"; pre = "rc"; preview = "rc"; rc = "rc"; };
  segments = text: filter isString (split "[._-]" text);

  # { epoch; release; pre = { label; number; } or null; post; dev; local = [ segments ] or null; }
  # with numbers normalised; null for text that is not a version.
  parse = text:
    let
      groups = match pattern (toLower text);
      group = elemAt groups;
    in
    if groups == null then null
    else {
      epoch = if group 2 == null then "0" else number (group 2);
      release = map number (segments (group 3));
      pre = if group 5 == null then null else { label = preLabels.${group 6}; number = number (group 7); };
      post =
        if group 9 != null then number (group 9)
        else if group 8 != null then number (group 11)
        else null;
      dev = if group 12 == null then null else number (group 13);
      local = if group 15 == null then null
        else map (segment: if match "[0-9]+" segment != null then number segment else segment) (segments (group 15));
    };

  # packaging's str(Version(...)).
  format = version: concatStringsSep "" [
    (if version.epoch == "0" then "" else "${version.epoch}!")
    (concatStringsSep "." version.release)
    (if version.pre == null then "" else version.pre.label + version.pre.number)
    (if version.post == null then "" else ".post${version.post}")
    (if version.dev == null then "" else ".dev${version.dev}")
    (if version.local == null then "" else "+${concatStringsSep "." version.local}")
  ];
in
{
  pep440 = {
    inherit parse;
    isValid = text: parse text != null;
    # The normalised form of a version; a throw for text that is not one.
    normalize = text:
      let version = parse text;
      in if version == null then fail "${builtins.toJSON text} is not a PEP 440 version" else format version;
  };
}
