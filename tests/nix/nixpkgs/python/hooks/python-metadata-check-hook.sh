# pythonMetadataCheckHook (nixpkgs, mid-2026): after the install, the installed distribution
# named $pname must have the version $version (compared as PEP 440 versions).
# dontCheckPythonMetadata = true skips it.
pythonMetadataCheckPhase() {
  echo "Executing pythonMetadataCheckPhase"
  @pythonInterpreter@ -I -c '
import sys
sys.path[:0] = sys.argv[3].split(":")
import importlib.metadata
from packaging.version import Version
pname, version = sys.argv[1], sys.argv[2]
found = importlib.metadata.version(pname)
if Version(found) != Version(version):
    sys.exit(f"pythonMetadataCheck: {pname} has version {found} in its metadata, but version = \"{version}\"")
' "$pname" "$version" "$out/@sitePackages@:@packagingPath@"
}
if [ -z "${dontCheckPythonMetadata-}" ]; then preDistPhases+=" pythonMetadataCheckPhase"; fi
