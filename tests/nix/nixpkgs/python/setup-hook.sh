# Setup hook of the stand-in's python: every input's site-packages goes on PYTHONPATH.
addPythonPath() {
  addToSearchPath PYTHONPATH "$1/@sitePackages@"
}
if [ -z "${dontAddPythonPath:-}" ]; then addEnvHooks "$hostOffset" addPythonPath; fi
# reproducible builds: fixed str/bytes hashing (bytecode uses SOURCE_DATE_EPOCH, set by stdenv)
export PYTHONHASHSEED=0
