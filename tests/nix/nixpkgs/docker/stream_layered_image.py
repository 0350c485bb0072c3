"""The stream of dockerTools.streamLayeredImage: writes an uncompressed docker-archive
(docker save layout: <id>/layer.tar per layer, <config>.json, manifest.json) to stdout.
Usage: stream_layered_image.py CONF_JSON TAG. All entries get fixed owners and mtimes, so
the same closure gives the same bytes."""
import datetime
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile

conf = json.load(open(sys.argv[1]))
tag = sys.argv[2]


def epoch(stamp):
    if stamp == "now":
        return int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    return int(datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


MTIME = epoch(conf["mtime"])
CREATED = (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
           if conf["created"] == "now" else conf["created"])


def norm(ti, owner=True):
    ti.mtime = MTIME
    if owner:
        ti.uid, ti.gid, ti.uname, ti.gname = conf["uid"], conf["gid"], conf["uname"], conf["gname"]
    else:
        ti.uid = ti.gid = 0
        ti.uname = ti.gname = "root"
    return ti


class Layer:
    """Entries keyed by archive name (first one wins), written sorted: parents first."""

    def __init__(self):
        self.entries = {}

    def directory(self, arc, mode=0o755):
        if arc not in self.entries:
            ti = tarfile.TarInfo(arc)
            ti.type, ti.mode = tarfile.DIRTYPE, mode
            self.entries[arc] = (norm(ti, owner=False), None)

    def symlink(self, arc, target):
        if arc not in self.entries:
            ti = tarfile.TarInfo(arc)
            ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, target, 0o777
            self.entries[arc] = (norm(ti, owner=False), None)

    def tree(self, src, arc, owner=True):
        """src (not following symlinks) and, for a directory, everything below it."""
        if arc in self.entries:
            return
        with tarfile.open(fileobj=io.BytesIO(), mode="w") as probe:
            ti = norm(probe.gettarinfo(src, arcname=arc), owner)
        self.entries[arc] = (ti, src if ti.isfile() else None)
        if ti.isdir():
            for name in sorted(os.listdir(src)):
                self.tree(os.path.join(src, name), f"{arc}/{name}", owner)

    def host_path(self, path):
        """A host file or directory, with the directories and symlinks leading to it
        (e.g. /lib -> usr/lib), so that the path resolves inside the image."""
        parts = path.strip("/").split("/")
        current = ""
        for i, part in enumerate(parts):
            nxt = f"{current}/{part}"
            if os.path.islink(nxt):
                target = os.readlink(nxt)
                self.symlink(nxt.lstrip("/"), target)
                rest = "/".join(parts[i + 1:])
                resolved = os.path.normpath(os.path.join(current or "/", target))
                return self.host_path(resolved + ("/" + rest if rest else ""))
            if i < len(parts) - 1:
                self.directory(nxt.lstrip("/"))
            current = nxt
        if os.path.lexists(current):
            self.tree(current, current.lstrip("/"), owner=False)

    def write(self, fileobj):
        with tarfile.open(fileobj=fileobj, mode="w", format=tarfile.PAX_FORMAT) as tf:
            for arc in sorted(self.entries):
                ti, src = self.entries[arc]
                if src is None:
                    tf.addfile(ti)
                else:
                    with open(src, "rb") as f:
                        tf.addfile(ti, f)


layers = []
for group in conf["layers"]:
    layer = Layer()
    if group["storePaths"]:
        layer.directory("nix")
        layer.directory("nix/store")
    for path in group["storePaths"]:
        layer.tree(path, path.lstrip("/"))
    for path in group["hostPaths"]:
        layer.host_path(path)
    layers.append((layer, ", ".join(group["storePaths"]) or "host files"))
# The host files come with the host's top-level links (bin -> usr/bin, lib -> usr/lib, …).
# The customisation layer is written through them, as copying into such a root would do, and
# never replaces a host file (a host-tool package in `contents` only links to it anyway).
host_links, host_files = {}, set()
for layer, _ in layers:
    for arc, (ti, _) in layer.entries.items():
        if ti.issym():
            host_links[arc] = ti.linkname
        elif not ti.isdir():
            host_files.add(arc)


def through_links(arc):
    parts, done = arc.split("/"), []
    for i, part in enumerate(parts):
        current = "/".join(done + [part])
        if i < len(parts) - 1 and current in host_links:
            target = host_links[current]
            base = "/" if target.startswith("/") else "/" + "/".join(done)
            done = os.path.normpath(os.path.join(base, target)).lstrip("/").split("/")
        else:
            done.append(part)
    return "/".join(done)


staged = Layer()
root = conf["customisationLayer"]
for name in sorted(os.listdir(root)):
    staged.tree(os.path.join(root, name), name)
custom = Layer()
for arc, (ti, src) in staged.entries.items():
    if ti.isdir() and arc in host_links:
        continue
    arc = through_links(arc)
    if arc in host_files or (arc in host_links and ti.isdir()):
        continue
    ti.name = arc
    custom.entries.setdefault(arc, (ti, src))
layers.append((custom, "customisation layer"))

out = tarfile.open(fileobj=sys.stdout.buffer, mode="w|", format=tarfile.PAX_FORMAT)


def put(name, fileobj, size):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mtime, ti.mode = size, MTIME, 0o444
    out.addfile(ti, fileobj)


diff_ids, layer_files = [], []
for layer, _ in layers:
    with tempfile.TemporaryFile() as tmp:
        layer.write(tmp)
        size = tmp.tell()
        tmp.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: tmp.read(1 << 20), b""):
            digest.update(chunk)
        tmp.seek(0)
        diff_ids.append("sha256:" + digest.hexdigest())
        layer_files.append(f"{digest.hexdigest()}/layer.tar")
        put(layer_files[-1], tmp, size)

image_config = json.dumps({
    "architecture": conf["architecture"],
    "os": "linux",
    "created": CREATED,
    "config": conf["config"],
    "rootfs": {"type": "layers", "diff_ids": diff_ids},
    "history": [{"created": CREATED, "comment": comment} for _, comment in layers],
}, sort_keys=True).encode()
config_name = hashlib.sha256(image_config).hexdigest() + ".json"
put(config_name, io.BytesIO(image_config), len(image_config))
manifest = json.dumps([{
    "Config": config_name,
    "RepoTags": [f"{conf['repoName']}:{tag}"],
    "Layers": layer_files,
}]).encode()
put("manifest.json", io.BytesIO(manifest), len(manifest))
out.close()
