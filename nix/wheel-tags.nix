# Wheel file names (PEP 427) and their compatibility tags (PEP 425), read as src/wheel-tags.ts
# reads them (pypa/packaging 26's parse_wheel_filename), and the glibc a manylinux platform tag
# needs (PEP 600, with the older names of PEP 513, 571 and 599). Which tags a target accepts, and
# which wheel is best, are the resolver's.
#
# The subset, refused with a throw: a file name with a character outside ASCII (packaging allows
# Unicode letters in the name and interpreter and lower-cases tags by Unicode's tables, which
# builtins do not have; wheels on PyPI are named in ASCII), and a build number of more than 18
# digits (Nix's integers have 64 bits).
self:
let
  inherit (builtins) filter isString split length elemAt match head toJSON fromJSON substring stringLength genList any elem concatStringsSep;
  inherit (self.util) fail toLower isAscii unique concatMap hasSuffix;

  parts = separator: text: filter isString (split separator text);

  # every interpreter-abi-platform combination of a (compressed) tag set, lower-cased, each once
  expandTags = invalid: text:
    let
      components = map (parts "\\.") (parts "-" text);
      interpreters = elemAt components 0;
    in
    if any (alternatives: elem "" alternatives) components then invalid "tag ${toJSON text} has an empty component"
    # an interpreter is a Python identifier (str.isidentifier(), as far as ASCII goes)
    else if any (interpreter: match "[A-Za-z_][A-Za-z0-9_]*" interpreter == null) interpreters
    then invalid "tag ${toJSON text} has an invalid interpreter"
    else unique (concatMap (interpreter: concatMap (abi: map (platform: {
      interpreter = toLower interpreter;
      abi = toLower abi;
      platform = toLower platform;
    }) (elemAt components 2)) (elemAt components 1)) interpreters);

  # PEP 427's build tag: leading digits, then the rest of its first line (packaging's
  # `(\d+)(.*)` matched at the start, where `.` stops at a newline).
  buildTag = invalid: text:
    let
      # all the digits (an earlier group takes the longer part, in any regex engine), the rest of the line
      groups = match "([0-9]+)([^\n]*)(\n.*)?" text;
      number = head (match "0*([1-9][0-9]*|0)" (head groups));
    in
    if groups == null then invalid "invalid build number ${toJSON text}: it must start with a digit"
    else if stringLength number > 18 then invalid "build number ${number} is longer than the Nix library reads (18 digits)"
    else [ (fromJSON number) (elemAt groups 1) ];

  parseFilename = filename:
    let
      invalid = reason: fail "invalid wheel file name ${toJSON filename}: ${reason}";
      stem = substring 0 (stringLength filename - 4) filename;
      fields = parts "-" stem;
      count = length fields;
      field = elemAt fields;
      name = field 0;
      version = field 1;
    in
    if !(isAscii filename) then invalid "it has a character outside ASCII, which the Nix library does not read"
    else if !(hasSuffix ".whl" filename) then invalid "extension must be '.whl'"
    else if count != 5 && count != 6 then invalid "wrong number of parts: expected 5 or 6 separated by '-', found ${toString count}"
    else if match "[A-Za-z0-9_.]+" name == null || match ".*__.*" name != null
    then invalid "invalid project name ${toJSON name}: PEP 427 escapes names to letters, digits, '.' and '_', never '__'"
    else if !(self.pep440.isValid version) then invalid "invalid version ${toJSON version}"
    else {
      name = self.pep503.normalizeName name;
      version = self.pep440.normalize version;
      build = if count == 6 then buildTag invalid (field 2) else null;
      tags = expandTags invalid (concatStringsSep "-" (genList (i: field (count - 3 + i)) 3));
    };

  # The glibc version ("2.17") a manylinux platform tag needs; null for any other tag. Numbers
  # are read as packaging writes them in the tags a target accepts (no leading zeros).
  manylinuxGlibc = platform:
    let
      perennial = match "manylinux_([1-9][0-9]*|0)_([1-9][0-9]*|0)_.+" platform;
      legacy = match "(manylinux1|manylinux2010|manylinux2014)_.+" platform;
    in
    if perennial != null then "${elemAt perennial 0}.${elemAt perennial 1}"
    else if legacy != null then { manylinux1 = "2.5"; manylinux2010 = "2.12"; manylinux2014 = "2.17"; }.${head legacy}
    else null;
in
{
  wheelTags = { inherit parseFilename manylinuxGlibc; };
}
