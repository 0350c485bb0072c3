"""wrapPythonPrograms: insert, after the shebang (and an encoding line), code that adds the
given site-packages directories with site.addsitedir, so the script finds its modules
without PYTHONPATH. Usage: wrap_python.py SCRIPT SITE_DIRS (colon-separated)."""
import sys

script, sites = sys.argv[1], [s for s in sys.argv[2].split(":") if s]
lines = open(script, encoding="utf-8").read().splitlines(keepends=True)
at = 1
if len(lines) > 1 and "coding" in lines[1] and lines[1].startswith("#"):
    at = 2
code = f"import site; [site.addsitedir(_p) for _p in {sites!r}]\n"
if sites:
    lines.insert(at, code)
with open(script, "w", encoding="utf-8") as f:
    f.writelines(lines)
