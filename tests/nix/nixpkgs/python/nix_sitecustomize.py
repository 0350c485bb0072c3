"""Loaded at start-up through _nix_sitecustomize.pth (the stand-in's counterpart of nixpkgs'
sitecustomize.py): wrappers of programs in a python environment set NIX_PYTHONPATH so the
program sees the environment's packages, and NIX_PYTHONEXECUTABLE / NIX_PYTHONPREFIX so it
reports the environment's interpreter. The variables are removed so subprocesses start clean."""
import os
import site
import sys

for _path in filter(None, os.environ.pop("NIX_PYTHONPATH", "").split(":")):
    site.addsitedir(_path)
_executable = os.environ.pop("NIX_PYTHONEXECUTABLE", None)
if _executable:
    sys.executable = _executable
_prefix = os.environ.pop("NIX_PYTHONPREFIX", None)
if _prefix:
    sys.prefix = sys.exec_prefix = _prefix
