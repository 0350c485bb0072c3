"""Writes a conda channel `demo` with one noarch Python package, greeting-conda 1.0, into OUT:
OUT/noarch/greeting-conda-1.0-py_0.tar.bz2 (site-packages/ and info/, as conda's noarch python
packages are laid out) and OUT/noarch/repodata.json with the archive's sha256. The archive is
byte-identical on every run (sorted entries, fixed times and owners), so its hash is stable.

No real conda channel can be reached from this machine (no network but npm and Debian); a user
with one passes its repodata.json the same way (condaChannelsExtra, `mach-nix lock --conda`).
"""
import bz2
import hashlib
import io
import json
import os
import sys
import tarfile

NAME, VERSION, BUILD = "greeting-conda", "1.0", "py_0"
FILES = {
    "site-packages/greeting_conda/__init__.py": 'MESSAGE = "hello from a conda package"\n',
    "info/index.json": json.dumps({
        "name": NAME, "version": VERSION, "build": BUILD, "build_number": 0,
        "depends": ["python >=3.8"], "noarch": "python", "subdir": "noarch",
    }, sort_keys=True) + "\n",
}


def archive() -> bytes:
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(FILES):
            content = FILES[path].encode()
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(content), 0, 0o644
            tar.addfile(info, io.BytesIO(content))
    return bz2.compress(data.getvalue(), 9)


def main() -> None:
    out = os.path.join(sys.argv[1], "noarch")
    os.makedirs(out, exist_ok=True)
    content = archive()
    filename = f"{NAME}-{VERSION}-{BUILD}.tar.bz2"
    with open(os.path.join(out, filename), "wb") as f:
        f.write(content)
    repodata = {
        "info": {"subdir": "noarch"},
        "packages": {
            filename: {
                "name": NAME, "version": VERSION, "build": BUILD, "build_number": 0,
                "depends": ["python >=3.8"], "noarch": "python", "subdir": "noarch",
                "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
            },
        },
    }
    with open(os.path.join(out, "repodata.json"), "w") as f:
        json.dump(repodata, f, indent=1, sort_keys=True)
        f.write("\n")
    print(os.path.join(out, filename))


main()
