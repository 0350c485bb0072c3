"""Builder of dockerTools' conf.json (run at build time, stdlib only): the store paths of the
image's closure grouped into layers (dependencies first, one path per layer up to
maxLayers - 1, the rest in the last), the host files the closure needs (nix-support/host-paths
of host-tool packages), and the image settings for stream_layered_image.py."""
import json
import os

env = os.environ


def read_graph(fn):
    """exportReferencesGraph format: path, deriver, number of references, references…"""
    graph, lines, i = {}, open(fn).read().split("\n"), 0
    while i < len(lines) and lines[i]:
        n = int(lines[i + 2])
        graph[lines[i]] = lines[i + 3:i + 3 + n]
        i += 3 + n
    return graph


graph = {}
for fn in ("closure-customisation", "closure-config"):
    if os.path.exists(fn):
        graph.update(read_graph(fn))
skip = {env["customisationLayer"], env["configJson"]}

order, seen = [], set()


def visit(path):
    if path in seen:
        return
    seen.add(path)
    for ref in sorted(graph.get(path, [])):
        if ref != path:
            visit(ref)
    if path not in skip:
        order.append(path)


for path in sorted(graph):
    visit(path)

host_paths = sorted({
    line.strip()
    for path in order if os.path.exists(os.path.join(path, "nix-support", "host-paths"))
    for line in open(os.path.join(path, "nix-support", "host-paths")) if line.strip()
})
groups = [{"storePaths": [p], "hostPaths": []} for p in order]
if host_paths:
    groups.append({"storePaths": [], "hostPaths": host_paths})
slots = int(env["maxLayers"]) - 1
if len(groups) > slots:
    rest = groups[slots - 1:]
    groups = groups[:slots - 1] + [{
        "storePaths": [p for g in rest for p in g["storePaths"]],
        "hostPaths": sorted({h for g in rest for h in g["hostPaths"]}),
    }]

json.dump({
    "repoName": env["repoName"],
    "architecture": env["architecture"],
    "created": env["created"],
    "mtime": env["mtime"],
    "uid": int(env["uid"]), "gid": int(env["gid"]), "uname": env["uname"], "gname": env["gname"],
    "config": json.load(open(env["configJson"])),
    "layers": groups,
    "customisationLayer": env["customisationLayer"],
}, open(env["out"], "w"), indent=1, sort_keys=True)
