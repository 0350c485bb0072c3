"""pythonRuntimeDepsCheckHook: every Requires-Dist of the wheel (markers evaluated, extras
ignored) must be satisfied by an installed distribution on sys.path. Usage: runtime_deps_check.py WHEEL"""
import importlib.metadata
import sys
import zipfile
from email.parser import HeaderParser

from packaging.requirements import Requirement

wheel = sys.argv[1]
with zipfile.ZipFile(wheel) as zf:
    meta = next(n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
    headers = HeaderParser().parsestr(zf.read(meta).decode())

errors = []
for line in headers.get_all("Requires-Dist") or []:
    req = Requirement(line)
    if req.marker and not req.marker.evaluate({"extra": ""}):
        continue
    try:
        version = importlib.metadata.version(req.name)
    except importlib.metadata.PackageNotFoundError:
        errors.append(f"- {req} not installed")
        continue
    if req.specifier and not req.specifier.contains(version, prereleases=True):
        errors.append(f"- {req.name}{req.specifier} not satisfied by version {version}")

if errors:
    print(f"Checking runtime dependencies for {wheel.rsplit('/', 1)[-1]}", file=sys.stderr)
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
