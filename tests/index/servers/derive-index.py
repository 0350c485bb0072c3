"""Derives a modern index (PEP 691 JSON + PEP 658 metadata) from the machine's PEP 503 mirror.

The tests of src/index/ serve the result with nginx. It is written in Python, with the standard
library's html.parser, zipfile, tarfile and hashlib, so that the expected data is computed by an
implementation independent of the client under test.

Usage: python3 derive-index.py SPEC.json, where SPEC is
  {"out": DIR, "mirrors": [SIMPLE_DIR, ...], "projects": [NAME, ...],
   "yank": {FILENAME: REASON}, "sdists": [{"name", "version", "pkg_info", "format"}]}
It writes DIR/simple/<project>/index.html (PEP 503 with data-requires-python, data-yanked,
data-core-metadata and data-dist-info-metadata) and index.json (PEP 691 v1.1), DIR/files/<file>
(symlinks to the real wheels; built sdists), DIR/files/<wheel>.metadata, and prints a JSON
summary on stdout: per project its files with sha256, requires-python, yanked, metadata sha256.
"""

import email.parser
import hashlib
import html
import html.parser
import io
import json
import os
import re
import sys
import tarfile
import zipfile


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_metadata(path):
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
        return archive.read(sorted(names)[0])


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def build_sdist(out_dir, spec):
    base = f"{spec['name']}-{spec['version']}"
    pkg_info = spec["pkg_info"].encode()
    setup = b"from setuptools import setup\nsetup()\n"
    if spec.get("format") == "zip":
        filename = base + ".zip"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{base}/PKG-INFO", pkg_info)
            archive.writestr(f"{base}/setup.py", setup)
        data = buffer.getvalue()
    else:
        filename = base + ".tar.gz"
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
            for member, content in ((f"{base}/PKG-INFO", pkg_info), (f"{base}/setup.py", setup)):
                info = tarfile.TarInfo(member)
                info.size = len(content)
                info.mtime = 0
                archive.addfile(info, io.BytesIO(content))
        data = buffer.getvalue()
    with open(os.path.join(out_dir, filename), "wb") as handle:
        handle.write(data)
    return filename, data


def main():
    with open(sys.argv[1]) as handle:
        spec = json.load(handle)
    out = spec["out"]
    files_dir = os.path.join(out, "files")
    os.makedirs(files_dir, exist_ok=True)
    wanted = {canonical(p) for p in spec["projects"]}
    yank = spec.get("yank", {})
    projects = {}

    for simple in spec["mirrors"]:
        for project in sorted(os.listdir(simple)):
            page = os.path.join(simple, project, "index.html")
            if canonical(project) not in wanted or not os.path.isfile(page):
                continue
            parser = Links()
            with open(page) as handle:
                parser.feed(handle.read())
            for href in parser.hrefs:
                path, _, fragment = href.partition("#")
                real = os.path.normpath(os.path.join(simple, project, path))
                filename = os.path.basename(real)
                target = os.path.join(files_dir, filename)
                if not os.path.lexists(target):
                    os.symlink(real, target)
                meta = wheel_metadata(real)
                with open(target + ".metadata", "wb") as handle:
                    handle.write(meta)
                fields = email.parser.BytesParser().parsebytes(meta)
                projects.setdefault(canonical(project), {})[filename] = {
                    "sha256": fragment.split("=", 1)[1],
                    "size": os.path.getsize(real),
                    "requires_python": fields.get("Requires-Python"),
                    "metadata_sha256": sha256(meta),
                    "yanked": yank.get(filename),
                    "requires_dist": fields.get_all("Requires-Dist") or [],
                }

    for sdist in spec.get("sdists", []):
        filename, data = build_sdist(files_dir, sdist)
        fields = email.parser.Parser().parsestr(sdist["pkg_info"])
        projects.setdefault(canonical(sdist["name"]), {})[filename] = {
            "sha256": sha256(data),
            "size": len(data),
            "requires_python": fields.get("Requires-Python"),
            "metadata_sha256": None,
            "yanked": yank.get(filename),
            "requires_dist": fields.get_all("Requires-Dist") or [],
        }

    for project, files in projects.items():
        page_dir = os.path.join(out, "simple", project)
        os.makedirs(page_dir, exist_ok=True)
        anchors = []
        entries = []
        for filename in sorted(files):
            info = files[filename]
            attributes = ""
            if info["requires_python"]:
                attributes += f' data-requires-python="{html.escape(info["requires_python"])}"'
            if info["yanked"] is not None:
                attributes += f' data-yanked="{html.escape(info["yanked"])}"'
            if info["metadata_sha256"]:
                attributes += f' data-core-metadata="sha256={info["metadata_sha256"]}"'
                attributes += f' data-dist-info-metadata="sha256={info["metadata_sha256"]}"'
            href = f"../../files/{filename}#sha256={info['sha256']}"
            anchors.append(f'<a href="{html.escape(href)}"{attributes}>{html.escape(filename)}</a><br/>')
            entry = {
                "filename": filename,
                "url": f"../../files/{filename}",
                "hashes": {"sha256": info["sha256"]},
                "requires-python": info["requires_python"],
                "size": info["size"],
                "yanked": info["yanked"] if info["yanked"] else (info["yanked"] is not None),
            }
            if info["metadata_sha256"]:
                entry["core-metadata"] = {"sha256": info["metadata_sha256"]}
                entry["dist-info-metadata"] = {"sha256": info["metadata_sha256"]}
            entries.append(entry)
        with open(os.path.join(page_dir, "index.html"), "w") as handle:
            handle.write(
                '<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.1">'
                f"<title>Links for {project}</title></head><body>\n" + "\n".join(anchors) + "\n</body></html>\n"
            )
        with open(os.path.join(page_dir, "index.json"), "w") as handle:
            json.dump({"meta": {"api-version": "1.1"}, "name": project, "files": entries, "versions": []}, handle)

    json.dump(projects, sys.stdout, sort_keys=True)


main()
