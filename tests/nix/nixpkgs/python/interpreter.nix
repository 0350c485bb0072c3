# One CPython of the stand-in: a derivation named like nixpkgs' (`python3-3.13.5`) with its
# passthru (versions, paths, `pkgs`, `withPackages`, `buildEnv`, `override`). It is built from
# the machine's binary of that version (`interpreters`); without one it is for evaluation only.
{ lib, pkgs, system, interpreters, wheels }:
let
  # interpreter = mkInterpreter { sourceVersion; packageOverrides?; self?; pythonAttr?; }
  mkInterpreter = args:
    let
      interpreter = build (args // { self = args.self or interpreter; }) // {
        # `.override` re-calls with the merged arguments: a new `packageOverrides` replaces
        # the old one (compose them with `old: …` yourself), as in nixpkgs.
        override = new: mkInterpreter (args // (if builtins.isFunction new then new args else new));
      };
    in interpreter;

  build = { sourceVersion, packageOverrides ? (_: _: { }), self, pythonAttr ? null }:
    let
      inherit (sourceVersion) major minor;
      pythonVersion = "${major}.${minor}";
      version = "${major}.${minor}.${sourceVersion.patch}${sourceVersion.suffix}";
      executable = "python${pythonVersion}";
      sitePackages = "lib/${executable}/site-packages";
      hostPython = interpreters.${pythonVersion} or "";

      drv = derivation {
        name = "python3-${version}";
        inherit system hostPython pythonVersion sitePackages executable;
        fullVersion = version;
        builder = "/bin/bash";
        args = [ "-e" ./interpreter.sh ];
        nixSiteCustomize = ./nix_sitecustomize.py;
        setupHookSrc = ./setup-hook.sh;
      };

      passthru = {
        inherit executable pythonVersion sitePackages sourceVersion pythonAttr hostPython;
        implementation = "cpython";
        libPrefix = executable;
        interpreter = "${self}/bin/${executable}";
        isPy27 = false; isPy2 = false; isPy3 = true; isPy3k = true; isPyPy = false;
        isPy311 = pythonVersion == "3.11"; isPy312 = pythonVersion == "3.12";
        isPy313 = pythonVersion == "3.13"; isPy314 = pythonVersion == "3.14";
        pythonAtLeast = lib.versionAtLeast pythonVersion;
        pythonOlder = lib.versionOlder pythonVersion;
        pythonABITags = [ "abi3" "none" "cp${major}${minor}" ];
        hasDistutilsCxxPatch = true;
        # nixpkgs (cpython/default.nix) makes each pythonOn* by overriding the interpreter of that
        # platform with the same inputs, packageOverrides among them; with no cross-compilation
        # here that is this interpreter, whose pkgs already have the packageOverrides
        pythonOnBuildForBuild = self; pythonOnBuildForHost = self; pythonOnBuildForTarget = self;
        pythonOnHostForHost = self; pythonOnTargetForTarget = self;
        tests = { };
        inherit (pkgs) stdenv;
        pkgs = pythonPackages;
        buildEnv = import ./wrapper.nix {
          inherit lib;
          inherit (pkgs) stdenvNoCC makeWrapper;
          python = self;
          inherit (pythonPackages) requiredPythonModules;
        };
        withPackages = f: passthru.buildEnv.override { extraLibs = f pythonPackages; };
      };

      pythonPackages = import ./package-set.nix {
        inherit lib pkgs packageOverrides wheels;
        python = self;
      };
    in
    drv // passthru // {
      pname = "python3";
      inherit version passthru;
      meta = { platforms = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ]; mainProgram = "python3"; };
    };

  # Patch levels: 3.11 is Debian bookworm's CPython (the host's python3.11), the others are
  # what nixpkgs ships around the pin. A full `pythonVersion` ("3.11.2") takes precedence.
  patchLevels = { "3.11" = "2"; "3.12" = "12"; "3.13" = "11"; "3.14" = "2"; };
  sourceVersionOf = v:
    let p = builtins.splitVersion v;
    in {
      major = builtins.elemAt p 0;
      minor = builtins.elemAt p 1;
      patch = if builtins.length p > 2 then builtins.elemAt p 2 else patchLevels.${v} or "0";
      suffix = "";
    };
in
version: attr: mkInterpreter { sourceVersion = sourceVersionOf version; pythonAttr = attr; }
