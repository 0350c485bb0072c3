# buildPythonPackage / buildPythonApplication: nixpkgs' argument handling (see the contract's
# table): an attribute set or a `finalAttrs: { … }` function, `format`/`pyproject` resolution
# with the throw when neither is set, format-specific hooks (with the bootstrap exceptions),
# `dependencies` and `python` propagated, `build-system` last in nativeBuildInputs, checks moved
# to installCheck (`doInstallCheck` is not an argument), the Python-version mismatch throw, and
# a `disabled` that fails only when the derivation is used.
{ lib, python, stdenv, unzip, hooks, namePrefix, toPythonModule }:
let
  # removed before stdenv.mkDerivation, as nixpkgs does
  consumedArgs = [
    "disabled" "checkPhase" "checkInputs" "nativeCheckInputs" "doCheck" "doInstallCheck"
    "pyproject" "format" "stdenv" "dependencies" "optional-dependencies" "build-system"
    "disabledTests" "disabledTestPaths" "disabledTestMarks" "enabledTests" "enabledTestPaths"
    "enabledTestMarks" "pytestFlags" "pytestFlagsArray" "unittestFlags" "unittestFlagsArray"
  ];

  # The bootstrap chain of nixpkgs (mk-python-derivation.nix): these packages are built with
  # pythonOnBuildForHost.pkgs.bootstrap's tools instead of the set's, and, like setuptools'
  # own dependencies, are not checked for conflicts.
  bootstrapInstallPackages = [ "flit-core" "installer" ];
  bootstrapPackages = bootstrapInstallPackages ++ [ "build" "packaging" "pyproject-hooks" "wheel" ]
    ++ lib.optional (python.pythonOlder "3.11") "tomli";
  setuptoolsDependencies = [ "setuptools" "wheel" ];
  bootstrap = python.pythonOnBuildForHost.pkgs.bootstrap;

  # The stdenv.mkDerivation attributes of one package, given its arguments and the fixed point.
  mkAttrs = finalAttrs:
    { nativeBuildInputs ? [ ], buildInputs ? [ ], propagatedBuildInputs ? [ ], pythonPath ? [ ]
    , dependencies ? [ ], optional-dependencies ? { }, build-system ? [ ]
    , checkInputs ? [ ], nativeCheckInputs ? [ ], doCheck ? true, disabled ? false
    , catchConflicts ? true, format ? null, pyproject ? null, dontWrapPythonPrograms ? false
    , removeBinBytecode ? true, outputs ? [ "out" ], meta ? { }, passthru ? { }, ...
    }@attrs:
    let
      name = attrs.name or "${finalAttrs.pname}-${finalAttrs.version}";
      pname = attrs.pname or null;
      isBootstrapInstallPackage = builtins.elem pname bootstrapInstallPackages;
      isBootstrapPackage = builtins.elem pname bootstrapPackages;
      format' =
        if pyproject != null then
          if format != null then throw "${name}: `pyproject` and `format` are both set (assertion failed); set only `pyproject`"
          else if pyproject then "pyproject" else "other"
        else if format != null then format
        else throw "${name} does not configure a `format`. To build with setuptools as before, set `pyproject = true` and `build-system = [ setuptools ]`.";

      withDistOutput = builtins.elem format' [ "pyproject" "setuptools" "wheel" ];

      # Every input that is a Python module (pythonModule not a boolean) must be for this python.
      checkPython = attrName: drv:
        if builtins.isAttrs drv && drv ? pythonModule && !builtins.isBool drv.pythonModule
          && drv.pythonModule != python
        then throw ''
          Python version mismatch in '${namePrefix}${name}':
          its ${attrName} contain '${drv.name}', built for ${toString (drv.pythonModule.name or drv.pythonModule)},
          while '${namePrefix}${name}' is built for ${python.name}.''
        else drv;

      withMetadataCheck = format' == "pyproject" && !(lib.hasInfix "unstable-" finalAttrs.version);

    in
      builtins.removeAttrs attrs consumedArgs // {
        name = namePrefix + name;
        inherit catchConflicts;
        nativeBuildInputs = with hooks;
          [ python wrapPython ensureNewerSourcesForZipFilesHook pythonRemoveTestsDirHook ]
          ++ lib.optional (finalAttrs.catchConflicts && !isBootstrapPackage && !builtins.elem pname setuptoolsDependencies) pythonCatchConflictsHook
          ++ lib.optional (attrs ? pythonRelaxDeps || attrs ? pythonRemoveDeps) pythonRelaxDepsHook
          ++ lib.optional removeBinBytecode pythonRemoveBinBytecodeHook
          ++ lib.optional (lib.hasSuffix "zip" (attrs.src.name or "")) unzip
          ++ lib.optional (format' == "setuptools") setuptoolsBuildHook
          ++ lib.optionals (format' == "pyproject") (if isBootstrapPackage then [
            (pypaBuildHook.override { inherit (bootstrap) build; wheel = null; })
            (pythonRuntimeDepsCheckHook.override { inherit (bootstrap) packaging; })
          ] else [ pypaBuildHook pythonRuntimeDepsCheckHook ])
          ++ lib.optional withMetadataCheck pythonMetadataCheckHook
          ++ lib.optional (format' == "wheel") wheelUnpackHook
          ++ lib.optionals (format' == "egg") [ eggUnpackHook eggBuildHook eggInstallHook ]
          ++ lib.optional (format' != "other")
            (if isBootstrapInstallPackage then pypaInstallHook.override { inherit (bootstrap) installer; } else pypaInstallHook)
          ++ [ pythonImportsCheckHook ]
          ++ lib.optional (attrs ? pythonNamespaces) pythonNamespacesHook
          ++ lib.optional withDistOutput pythonOutputDistHook
          ++ nativeBuildInputs
          ++ build-system;
        buildInputs = map (checkPython "buildInputs") (buildInputs ++ pythonPath);
        propagatedBuildInputs = map (checkPython "propagatedBuildInputs")
          (propagatedBuildInputs ++ dependencies ++ [ python ]);
        LANG = "C.UTF-8";
        doCheck = false;
        doInstallCheck = doCheck;
        installCheckInputs = checkInputs;
        nativeInstallCheckInputs = nativeCheckInputs;
        postFixup = lib.optionalString (!dontWrapPythonPrograms) "wrapPythonPrograms\n" + attrs.postFixup or "";
        strictDeps = true;
        outputs = outputs ++ lib.optional withDistOutput "dist";
        meta = { platforms = python.meta.platforms; isBuildPythonPackage = python.meta.platforms; } // meta;
        passthru = { inherit disabled; }
          // lib.optionalAttrs (dependencies != [ ]) { inherit dependencies; }
          // lib.optionalAttrs (optional-dependencies != { }) { inherit optional-dependencies; }
          // lib.optionalAttrs (build-system != [ ]) { inherit build-system; }
          // passthru;
      } // lib.optionalAttrs (attrs ? checkPhase) { installCheckPhase = attrs.checkPhase; };
in
# an attribute set or a `finalAttrs: { … }` function, as nixpkgs' buildPythonPackage takes
fnOrAttrs:
let
  drv = stdenv.mkDerivation (finalAttrs:
    mkAttrs finalAttrs (if builtins.isFunction fnOrAttrs then fnOrAttrs finalAttrs else fnOrAttrs));
in
lib.extendDerivation
  (drv.disabled -> throw "${lib.removePrefix namePrefix drv.name} not supported for interpreter ${python.executable}")
  { }
  (toPythonModule drv)
