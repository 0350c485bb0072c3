# The Python setup hooks (nixpkgs' python/hooks), as an extension of python3.pkgs. Each is a
# setup hook with `passthru.provides.setupHook = true` (hence allowed in the set).
{ lib, pkgs, python }:
final: prev:
let
  hook = name: script: args: final.makePythonHook ({ inherit name; } // args // {
    propagatedBuildInputs = builtins.filter (p: p != null) (args.propagatedBuildInputs or [ ]);
    substitutions = {
      pythonInterpreter = python.interpreter;
      inherit (python) sitePackages;
    } // args.substitutions or { };
  }) script;

  # As in nixpkgs' hooks/default.nix, the hooks take their tools from the package set through
  # callPackage (so `<hook>.override { wheel = …; }` works, and packageOverrides of wheel,
  # packaging, setuptools, pip change every build that uses them); pypaBuildHook and
  # pypaInstallHook take build and installer from pythonOnBuildForHost.pkgs, which is built
  # with the same packageOverrides.
  buildHostPackages = python.pythonOnBuildForHost.pkgs;
in
{
  pypaBuildHook = final.callPackage ({ build, wheel }: hook "pypa-build-hook" ./pypa-build-hook.sh {
    # never propagates build itself (its wrapper finds its own modules), only wheel
    propagatedBuildInputs = [ wheel ];
    substitutions = { inherit build; };
  }) { inherit (buildHostPackages) build; };
  pypaInstallHook = final.callPackage ({ installer }: hook "pypa-install-hook" ./pypa-install-hook.sh {
    propagatedBuildInputs = [ installer ];
  }) { inherit (buildHostPackages) installer; };
  pipBuildHook = final.callPackage ({ pip, wheel }: hook "pip-build-hook" ./pip-build-hook.sh {
    propagatedBuildInputs = [ pip wheel ];
  }) { };
  pipInstallHook = final.callPackage ({ pip }: hook "pip-install-hook" ./pip-install-hook.sh {
    propagatedBuildInputs = [ pip ];
  }) { };
  setuptoolsBuildHook = final.callPackage ({ setuptools, wheel }: hook "setuptools-build-hook" ./setuptools-build-hook.sh {
    propagatedBuildInputs = [ setuptools wheel ];
  }) { };
  wheelUnpackHook = final.callPackage ({ wheel }: hook "wheel-unpack-hook" ./wheel-unpack-hook.sh {
    propagatedBuildInputs = [ wheel ];
  }) { };
  pythonImportsCheckHook = hook "python-imports-check-hook" ./python-imports-check-hook.sh { };
  pythonCatchConflictsHook = hook "python-catch-conflicts-hook" ./python-catch-conflicts-hook.sh {
    substitutions.catchConflicts = ./catch_conflicts.py;
  };
  # its script imports packaging.metadata: packaging older than 23.2 fails it
  pythonRuntimeDepsCheckHook = final.callPackage ({ packaging }: hook "python-runtime-deps-check-hook" ./python-runtime-deps-check-hook.sh {
    propagatedBuildInputs = [ packaging ];
    substitutions.checker = ./runtime_deps_check.py;
  }) { };
  # nixpkgs runs the comparison with a `pythonWithPackaging`; like its pyprojectVersionPatchHook
  # (pythonOnBuildForHost.withPackages), the stand-in takes packaging from pythonOnBuildForHost
  pythonMetadataCheckHook = final.callPackage ({ packaging }: hook "python-metadata-check-hook" ./python-metadata-check-hook.sh {
    substitutions.packagingPath = final.makePythonPath [ packaging ];
  }) { inherit (buildHostPackages) packaging; };
  pythonRelaxDepsHook = final.callPackage ({ wheel }: hook "python-relax-deps-hook" ./python-relax-deps-hook.sh {
    substitutions = { relaxDeps = ./relax_deps.py; inherit wheel; };
  }) { };
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
