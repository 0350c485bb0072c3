"""Merges the trees of the environment's packages into $out (bin/ is done by the caller):
directories become real directories, files become symlinks. Two different files at one path
are a collision (an error unless $ignoreCollisions; then the first package wins)."""
import filecmp
import os
import sys

out = os.environ["out"]
ignore = bool(os.environ.get("ignoreCollisions"))
SKIP_TOP = {"bin", "nix-support", "pyvenv.cfg"}
python = os.environ["python"]  # its base/ (binary and stdlib) stays where it is
collisions = []


def merge(src, rel=""):
    for name in sorted(os.listdir(os.path.join(src, rel))):
        if not rel and (name in SKIP_TOP or (src == python and name == "base")):
            continue
        r = os.path.join(rel, name)
        s, d = os.path.join(src, r), os.path.join(out, r)
        if os.path.isdir(s):
            if os.path.lexists(d) and not os.path.isdir(d):
                collisions.append((d, s))
                continue
            os.makedirs(d, exist_ok=True)
            merge(src, r)
        elif os.path.lexists(d):
            if os.path.isdir(d) or not filecmp.cmp(s, d, shallow=False):
                collisions.append((d, s))
        else:
            os.symlink(s, d)


for path in os.environ["paths"].split():
    merge(path)
if collisions and not ignore:
    for d, s in collisions:
        print(f"collision between {os.path.realpath(d)} and {s}", file=sys.stderr)
    sys.exit(1)
