"""What a Python source tree says about itself: name, version, requirements, build requirements
and extras, as JSON on stdout. Static metadata first (pyproject.toml's [project] and
[build-system], setup.cfg's [metadata] and [options]); for setup.py-only projects (or dynamic
fields), setup.py is run with setuptools.setup() replaced by a recorder, as mach-nix's extractor
did. Usage: python extract.py SOURCE_DIR > metadata.json
"""
import configparser
import json
import os
import sys
import tomllib


def static_pyproject(root):
    path = os.path.join(root, "pyproject.toml")
    if not os.path.exists(path):
        return {}, []
    with open(path, "rb") as f:
        data = tomllib.load(f)
    build_requires = data.get("build-system", {}).get("requires", [])
    project = data.get("project")
    if not project:
        return {}, build_requires
    dynamic = set(project.get("dynamic", []))
    found = {}
    if "name" in project:
        found["name"] = project["name"]
    if "version" in project and "version" not in dynamic:
        found["version"] = project["version"]
    if "dependencies" not in dynamic:
        found["install_requires"] = project.get("dependencies", [])
    if "optional-dependencies" not in dynamic:
        found["extras_require"] = project.get("optional-dependencies", {})
    return found, build_requires


def lines(value):
    return [line.strip() for line in value.splitlines() if line.strip() and not line.strip().startswith("#")]


def static_setup_cfg(root):
    path = os.path.join(root, "setup.cfg")
    if not os.path.exists(path):
        return {}
    config = configparser.ConfigParser(interpolation=None)
    config.read(path)
    found = {}
    if config.has_option("metadata", "name"):
        found["name"] = config.get("metadata", "name")
    version = config.get("metadata", "version", fallback="")
    if version and not version.startswith(("attr:", "file:")):
        found["version"] = version
    if config.has_option("options", "install_requires"):
        found["install_requires"] = lines(config.get("options", "install_requires"))
    if config.has_option("options", "setup_requires"):
        found["setup_requires"] = lines(config.get("options", "setup_requires"))
    if config.has_section("options.extras_require"):
        found["extras_require"] = {k: lines(v) for k, v in config.items("options.extras_require")}
    return found


def run_setup_py(root):
    """Runs setup.py, recording the arguments of setup() instead of doing anything."""
    path = os.path.join(root, "setup.py")
    if not os.path.exists(path):
        return {}
    recorded = {}

    def record(**kwargs):
        recorded.update(kwargs)

    import setuptools
    import distutils.core

    setuptools.setup = record
    distutils.core.setup = record
    sys.argv = [path, "--version"]
    sys.path.insert(0, root)
    os.chdir(root)
    with open(path) as f:
        code = compile(f.read(), path, "exec")
    exec(code, {"__name__": "__main__", "__file__": path})
    as_list = lambda value: lines(value) if isinstance(value, str) else list(value or [])
    found = {}
    for key in ("name", "version"):
        if recorded.get(key) is not None:
            found[key] = str(recorded[key])
    for key in ("install_requires", "setup_requires"):
        if key in recorded:
            found[key] = as_list(recorded[key])
    if "extras_require" in recorded:
        found["extras_require"] = {k: as_list(v) for k, v in dict(recorded["extras_require"]).items()}
    return found


def main(root):
    pyproject, build_requires = static_pyproject(root)
    found = {**static_setup_cfg(root), **pyproject}
    wanted = ("name", "version", "install_requires")
    if any(key not in found for key in wanted) and os.path.exists(os.path.join(root, "setup.py")):
        found = {**run_setup_py(root), **found}
    json.dump(
        {
            "name": found.get("name"),
            "version": found.get("version"),
            "requirements": found.get("install_requires", []),
            "buildRequirements": list(build_requires) + found.get("setup_requires", []),
            "extras": found.get("extras_require", {}),
            "pyproject": os.path.exists(os.path.join(root, "pyproject.toml")),
        },
        sys.stdout,
        indent=1,
        sort_keys=True,
    )


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1]))
