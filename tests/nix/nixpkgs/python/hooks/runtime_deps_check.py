"""pythonRuntimeDepsCheckHook: every Requires-Dist of the wheel (markers evaluated) must be
satisfied by an installed distribution on sys.path. Like nixpkgs' checker it reads the wheel's
metadata with packaging.metadata (packaging >= 23.2). Usage: runtime_deps_check.py WHEEL"""
import importlib.metadata
import re
import sys
import zipfile

from packaging.metadata import Metadata, parse_email

wheel = sys.argv[1]
with zipfile.ZipFile(wheel) as zf:
    name = next(n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
    raw, _ = parse_email(zf.read(name).decode("utf-8"))
metadata = Metadata.from_raw(raw, validate=False)

ok = True
for req in metadata.requires_dist or []:
    if req.marker and not req.marker.evaluate():
        continue
    name = re.sub(r"[-_.]+", "-", req.name).lower()
    try:
        version = importlib.metadata.distribution(req.name).version
    except importlib.metadata.PackageNotFoundError:
        print(f"  - {name} not installed", file=sys.stderr)
        ok = False
        continue
    req.specifier.prereleases = True
    if req.specifier and version not in req.specifier:
        print(f"  - {name}{req.specifier} not satisfied by version {version}", file=sys.stderr)
        ok = False

sys.exit(0 if ok else 1)
