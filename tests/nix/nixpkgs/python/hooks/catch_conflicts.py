"""pythonCatchConflictsHook: fail when one distribution name is provided by two different
store paths in the closure of the package (itself plus nix-support/propagated-build-inputs,
transitively). Usage: catch_conflicts.py OUT SITE_PACKAGES_RELATIVE"""
import os
import re
import sys
from email.parser import HeaderParser

out, site_rel = sys.argv[1], sys.argv[2]


def closure(root):
    seen, todo = [], [root]
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.append(path)
        prop = os.path.join(path, "nix-support", "propagated-build-inputs")
        if os.path.exists(prop):
            todo.extend(open(prop).read().split())
    return seen


found = {}  # normalised name -> {store path: version}
for path in closure(out):
    site = os.path.join(path, site_rel)
    if not os.path.isdir(site):
        continue
    for entry in sorted(os.listdir(site)):
        meta = os.path.join(site, entry, "METADATA")
        if entry.endswith(".dist-info") and os.path.exists(meta):
            headers = HeaderParser().parse(open(meta, encoding="utf-8", errors="replace"))
            name = re.sub(r"[-_.]+", "-", headers["Name"] or entry).lower()
            found.setdefault(name, {})[path] = headers["Version"]

duplicates = {n: paths for n, paths in found.items() if len(paths) > 1}
if duplicates:
    print("Found duplicated packages in closure for dependencies:", file=sys.stderr)
    for name, paths in sorted(duplicates.items()):
        for path, version in paths.items():
            print(f"  {name} {version} ({path})", file=sys.stderr)
    sys.exit(1)
