# The Python setup hooks (nixpkgs' python/hooks), as an extension of python3.pkgs. Each is a
# setup hook with `passthru.provides.setupHook = true` (hence allowed in the set).
{ lib, pkgs, python }:
final: prev:
let
  hook = name: script: args: final.makePythonHook ({ inherit name; } // args // {
    substitutions = {
      pythonInterpreter = python.interpreter;
      inherit (python) sitePackages;
    } // args.substitutions or { };
  }) script;

  # The hooks use the bootstrap packages (seeded.nix), which packageOverrides do not touch, as
  # nixpkgs' hooks use `pkgs.bootstrap`. Wheels are installed by pip run straight from the
  # seeded pip wheel (`python pip.whl/pip`, no installer wheel here); it checks what
  # pypa/installer checks (a valid wheel file name, a matching .dist-info directory).
  inherit (final) bootstrap;
  pipWheel = bootstrap.pip.src;
  pythonPathOf = drvs: final.makePythonPath drvs;
in
{
  pypaBuildHook = hook "pypa-build-hook" ./pypa-build-hook.sh {
    propagatedBuildInputs = [ bootstrap.build bootstrap.wheel ];
  };
  pypaInstallHook = hook "pypa-install-hook" ./pypa-install-hook.sh {
    substitutions = { inherit pipWheel; };
  };
  pipBuildHook = hook "pip-build-hook" ./pip-build-hook.sh {
    substitutions = { inherit pipWheel; };
  };
  pipInstallHook = hook "pip-install-hook" ./pip-install-hook.sh {
    substitutions = { inherit pipWheel; };
  };
  setuptoolsBuildHook = hook "setuptools-build-hook" ./setuptools-build-hook.sh {
    propagatedBuildInputs = [ bootstrap.setuptools bootstrap.wheel ];
  };
  wheelUnpackHook = hook "wheel-unpack-hook" ./wheel-unpack-hook.sh { };
  pythonImportsCheckHook = hook "python-imports-check-hook" ./python-imports-check-hook.sh { };
  pythonCatchConflictsHook = hook "python-catch-conflicts-hook" ./python-catch-conflicts-hook.sh {
    substitutions.catchConflicts = ./catch_conflicts.py;
  };
  pythonRuntimeDepsCheckHook = hook "python-runtime-deps-check-hook" ./python-runtime-deps-check-hook.sh {
    substitutions = { checker = ./runtime_deps_check.py; packagingPath = pythonPathOf [ bootstrap.packaging ]; };
  };
  pythonMetadataCheckHook = hook "python-metadata-check-hook" ./python-metadata-check-hook.sh {
    substitutions.packagingPath = pythonPathOf [ bootstrap.packaging ];
  };
  pythonRelaxDepsHook = hook "python-relax-deps-hook" ./python-relax-deps-hook.sh {
    substitutions.relaxDeps = ./relax_deps.py;
  };
  pythonOutputDistHook = hook "python-output-dist-hook" ./python-output-dist-hook.sh { };
  pythonRemoveTestsDirHook = hook "python-remove-tests-dir-hook" ./python-remove-tests-dir-hook.sh { };
  pythonRemoveBinBytecodeHook = hook "python-remove-bin-bytecode-hook" ./python-remove-bin-bytecode-hook.sh { };
  pythonRecompileBytecodeHook = hook "python-recompile-bytecode-hook" ./python-recompile-bytecode-hook.sh { };
  pythonNamespacesHook = hook "python-namespaces-hook" ./python-namespaces-hook.sh { };
  ensureNewerSourcesForZipFilesHook = hook "ensure-newer-sources-hook" ./ensure-newer-sources-hook.sh { };
  wrapPython = hook "wrap-python-hook" ./wrap-python-hook.sh {
    propagatedBuildInputs = [ pkgs.makeWrapper ];
    substitutions.wrapPythonScript = ./wrap_python.py;
  };
  pytestCheckHook = hook "pytest-check-hook" ./pytest-check-hook.sh { };
  unittestCheckHook = hook "unittest-check-hook" ./unittest-check-hook.sh { };
  venvShellHook = hook "venv-shell-hook" ./venv-shell-hook.sh { };
  eggUnpackHook = hook "egg-unpack-hook" ./egg-hook.sh { };
  eggBuildHook = final.eggUnpackHook;
  eggInstallHook = final.eggUnpackHook;
  condaUnpackHook = hook "conda-unpack-hook" ./conda-unpack-hook.sh {
    propagatedBuildInputs = [ pkgs.gnutar pkgs.lbzip2 ];
  };
  condaInstallHook = hook "conda-install-hook" ./conda-install-hook.sh {
    propagatedBuildInputs = [ pkgs.gnutar pkgs.lbzip2 ];
  };
  setuptoolsCheckHook = throw "setuptoolsCheckHook has been removed (setuptools 72 dropped `setup.py test`); use pytestCheckHook or unittestCheckHook";
}
