"""pythonRelaxDepsHook: rewrite a wheel's Requires-Dist in place. Usage:
relax_deps.py WHEEL RELAX REMOVE, where RELAX and REMOVE are space-separated names, or "1"
(nix's `true`) for all requirements."""
import base64
import hashlib
import os
import re
import sys
import zipfile

wheel, relax, remove = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
relax_all, remove_all = relax == ["1"], remove == ["1"]
relax, remove = {norm(n) for n in relax}, {norm(n) for n in remove}


def rewrite(metadata):
    lines = []
    for line in metadata.splitlines(keepends=True):
        if line.startswith("Requires-Dist:"):
            value = line[len("Requires-Dist:"):].strip()
            m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(\([^)]*\)|[^;]*)?(;.*)?$", value)
            name = norm(m.group(1))
            if remove_all or name in remove:
                continue
            if relax_all or name in relax:
                line = f"Requires-Dist: {m.group(1)}{m.group(2) or ''}{' ' + m.group(4) if m.group(4) else ''}\n"
        lines.append(line)
    return "".join(lines)


tmp = wheel + ".tmp"
with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
    record_name, hashes = None, {}
    for info in src.infolist():
        data = src.read(info)
        if info.filename.endswith(".dist-info/METADATA") and info.filename.count("/") == 1:
            data = rewrite(data.decode()).encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            hashes[info.filename] = f"sha256={digest},{len(data)}"
        if info.filename.endswith(".dist-info/RECORD"):
            record_name, record_info = info.filename, info
            continue
        dst.writestr(info, data)
    if record_name:
        rows = []
        for row in src.read(record_name).decode().splitlines():
            path = row.split(",")[0]
            rows.append(f"{path},{hashes[path]}" if path in hashes else row)
        dst.writestr(record_info, "\n".join(rows) + "\n")
os.replace(tmp, wheel)
