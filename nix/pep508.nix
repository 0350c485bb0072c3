# PEP 508 requirements, as far as the library reads them itself (the resolver reads them whole,
# src/pep508.ts and src/requirements-txt.ts): which lines of a requirements text are
# requirements, and the name a requirement starts with, PEP 503-normalised.
#
# The subset: only the name is read. The rest of a line (extras, specifiers, a URL, a marker, a
# requirements file's options) is the resolver's, which refuses a malformed line naming it. A
# line that does not start with a name (`-r file`, `./project`) is refused with a throw;
# requirements files' `\` continuations are not joined.
self:
let
  inherit (builtins) filter isString match split head toJSON;
  inherit (self.util) fail;
in
{
  pep508 = {
    # The lines of a text that are neither blank nor comments (`#` first, after any whitespace).
    requirementLines = text: filter (line: isString line && match "[[:space:]]*(#.*)?" line == null) (split "\n" text);

    # packaging's name token (`\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b`: a name does not end in `.` or
    # `-`), after whitespace; a requirements file's line is read trimmed, so any whitespace.
    requirementName = line:
      let name = match "[[:space:]]*([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9_])?).*" line;
      in if name == null then fail "the requirement ${toJSON line} does not start with a package name (PEP 508)"
      else self.pep503.normalizeName (head name);
  };
}
