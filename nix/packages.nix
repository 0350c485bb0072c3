# The resolution as a python package-set overlay: one package per resolved name (its PEP 503
# name), built the way its provider says (reference §7.1, with current nixpkgs):
# - wheel: `format = "wheel"` from the locked file; on Linux a binary wheel gets autoPatchelfHook
#   and the manylinux libraries, and is not stripped (stripping broke numpy, mach-nix #38);
# - sdist: nixpkgs' own definition with version, source and Python inputs replaced when nixpkgs
#   has the package (its native inputs and build knowledge are kept; at another version its
#   source edits are cleared and setuptools joins its build system), else a setuptools build;
# - nixpkgs: nixpkgs' package, with its Python inputs replaced by the resolved ones;
# - conda: the package's archive, unpacked by conda's hooks;
# - url: a direct reference, fetched by the hash the requirement or the lock gives (without one
#   only when the call allows it, impurely).
# Every package has the exact name and version of the resolution (nixpkgs checks pyproject
# builds' metadata against them) and a `provider` in its passthru.
self:
let
  inherit (builtins) attrNames elem filter isAttrs;
  inherit (self.util) optional fail hasSuffix genAttrs;
  inherit (self.pep503) normalizeName;
  pkgs = self.pkgs;
  platform = pkgs.stdenv.hostPlatform;

  isModule = input: isAttrs input && (input.pythonModule or false) != false;
  moduleName = input: normalizeName (input.pname or (builtins.parseDrvName input.name).name);

  # A package's file, fetched by the hash the resolution pins it by; without one only when the
  # call allows that package (nix/integrity.nix, mkPython's allowUnpinned), impurely.
  fetch = name: package:
    let source = package.source;
    in
    if source.url == null then
      fail "${name}: the data has no URL and hash for ${source.filename or "its file"}, so it cannot be fetched reproducibly"
    else if source.hash != null then pkgs.fetchurl { inherit (source) url hash; }
    else if package.unpinnedAllowed or false then builtins.fetchurl source.url
    else fail (self.integrity.unpinned name source.url);

  # The manylinux libraries a binary wheel expects, for autoPatchelfHook to link against. In
  # nixpkgs (python/manylinux/default.nix) manylinux1's list (PEP 513, glibc 2.5) is manylinux2014's
  # with ncurses 5 and libcrypt added: a wheel whose manylinux tags all need glibc 2.5 at most
  # (`manylinux1`, or PEP 600's `manylinux_2_5`) gets it; every other binary wheel manylinux2014's.
  manylinuxLibraries = wheel:
    let needs = filter (glibc: glibc != null) (map (tag: self.wheelTags.manylinuxGlibc tag.platform) wheel.tags);
    in
    if needs != [ ] && builtins.all (glibc: builtins.compareVersions glibc "2.5" <= 0) needs
    then pkgs.pythonManylinuxPackages.manylinux1
    else pkgs.pythonManylinuxPackages.manylinux2014;

  # The Python inputs of a nixpkgs definition, as the resolution wants them: a resolved package
  # replaces its namesake (no second version in the closure); an unresolved one is dropped when
  # `drop` (runtime inputs of a package whose dependencies are known), else kept. Others are kept.
  replaceInputs = pySelf: resolution: drop: inputs:
    builtins.concatMap (input:
      if !(isModule input) then [ input ]
      else if resolution.packages ? ${moduleName input} then [ pySelf.${moduleName input} ]
      else if drop then [ ]
      else [ input ]) inputs;

  # Runtime inputs are what the resolution decides; build-time ones (setuptools in build-system,
  # test tools) stay nixpkgs' knowledge unless the resolution has the same package.
  runtimeLists = [ "dependencies" "propagatedBuildInputs" ];
  inputLists = runtimeLists ++ [ "build-system" "nativeBuildInputs" "buildInputs" "checkInputs" "nativeCheckInputs" ];

  # overridePythonAttrs arguments reusing a nixpkgs definition for the resolved package.
  reuse = pySelf: resolution: package: resolved: old:
    let
      known = package.dependencies != null;
      replaced = genAttrs (filter (list: old ? ${list}) inputLists)
        (list: replaceInputs pySelf resolution (known && elem list runtimeLists) old.${list});
      sameVersion = old ? version && old.version == package.version;
    in
    replaced // optionalAttrsIf known {
      dependencies = (filter (input: !(isModule input)) (replaced.dependencies or [ ])) ++ resolved.runtime;
      propagatedBuildInputs = filter (input: !(isModule input)) (replaced.propagatedBuildInputs or [ ]);
      # the data knows setup.py-era metadata: at another version setuptools may be the backend
      build-system = self.util.unique ((replaced.build-system or [ ]) ++ optional (!sameVersion) pySelf.setuptools ++ resolved.build);
    } // optionalAttrsIf (!sameVersion) sourceEditsCleared // optionalAttrsIf (package.cycleDependencies != [ ]) {
      dontCheckRuntimeDeps = true;
    } // {
      passthru = (old.passthru or { }) // passthru package;
    };

  optionalAttrsIf = condition: attrs: if condition then attrs else { };

  # What a nixpkgs definition knows only of its own version's source tree: where the tree is
  # (sourceRoot, unpacking) and how it is edited (patches, postPatch with `--replace-fail`, …).
  # At another version these are cleared; everything else (native inputs, C libraries, env,
  # flags, the other phases' hooks, pythonImportsCheck) is build knowledge that is kept.
  sourceEditsCleared = {
    patches = [ ];
    patchFlags = null;
    prePatch = "";
    postPatch = "";
    patchPhase = null;
    sourceRoot = null;
    setSourceRoot = null;
    srcs = null;
    preUnpack = "";
    unpackPhase = null;
    postUnpack = "";
  };

  passthru = package: { provider = package.provider; machNix = package; };

  resolvedInputs = pySelf: package: {
    runtime = map (name: pySelf.${name}) (if package.dependencies == null then [ ] else package.dependencies);
    build = map (name: pySelf.${name}) (if package.buildDependencies == null then [ ] else package.buildDependencies);
  };

  wheel = pySelf: name: package: resolved:
    let
      file = self.wheelTags.parseFilename package.source.filename;
      binary = platform.isLinux && builtins.any (tag: tag.platform != "any") file.tags;
    in pySelf.buildPythonPackage ({
      pname = name;
      inherit (package) version;
      format = "wheel";
      src = fetch name package;
      dependencies = resolved.runtime;
      dontStrip = true;
      passthru = passthru package;
    } // optionalAttrsIf binary {
      nativeBuildInputs = [ pkgs.autoPatchelfHook ];
      buildInputs = manylinuxLibraries file;
      # Wheels bundle most of their libraries; what remains is the system's business.
      autoPatchelfIgnoreMissingDeps = [ "*" ];
    });

  sdist = pySelf: pySuper: resolution: name: package: resolved:
    if pySuper ? ${name} && isAttrs pySuper.${name} && pySuper.${name} ? overridePythonAttrs then
      pySuper.${name}.overridePythonAttrs (old: reuse pySelf resolution package resolved old // {
        inherit (package) version;
        src = fetch name package;
      })
    else pySelf.buildPythonPackage ({
      pname = name;
      inherit (package) version;
      # The data knows setup.py metadata only: a setuptools build (mach-nix built so too).
      pyproject = true;
      src = fetch name package;
      build-system = [ pySelf.setuptools ] ++ resolved.build;
      dependencies = resolved.runtime;
      passthru = passthru package;
    } // optionalAttrsIf (package.cycleDependencies != [ ]) { dontCheckRuntimeDeps = true; });

  nixpkgs = pySelf: pySuper: resolution: name: package: resolved:
    let
      attribute = package.source.attribute;
      original = if pySuper ? ${attribute} then pySuper.${attribute} else fail "nixpkgs has no python package ${attribute} (for ${name}) any more: the lock is stale";
    in
    if toString original.version != package.version then
      fail "${name}: the resolution took version ${package.version} from nixpkgs, which now has ${toString original.version}: refresh the lock"
    else original.overridePythonAttrs (old: reuse pySelf resolution package resolved old);

  conda = pySelf: name: package: resolved: pySelf.buildPythonPackage {
    pname = name;
    inherit (package) version;
    format = "other";
    src = fetch name package;
    nativeBuildInputs = optional platform.isLinux pkgs.autoPatchelfHook ++ [ pySelf.condaUnpackHook pySelf.condaInstallHook ];
    buildInputs = pkgs.pythonCondaPackages.condaPatchelfLibs;
    dependencies = resolved.runtime;
    autoPatchelfIgnoreMissingDeps = [ "*" ];
    passthru = passthru package // { inherit (package.source) channel build; };
  };

  url = pySelf: name: package: resolved:
    let
      # named after the file, without query or fragment and with escapes decoded: fetchurl's
      # default name (the URL's baseNameOf) would be an illegal store name, and wheelUnpackHook
      # needs a valid wheel file name
      fileName = self.util.fileNameOfUrl package.source.url;
      wheelFile = hasSuffix ".whl" fileName;
    in pySelf.buildPythonPackage ({
      pname = name;
      inherit (package) version;
      # Without a hash (`--hash=`, `#sha256=`, or a local file's that mach-nix lock records) the
      # file can only be fetched impurely (pure evaluation refuses it), and only when allowed.
      src =
        if package.source.hash != null then pkgs.fetchurl { inherit (package.source) url hash; name = fileName; }
        else if package.unpinnedAllowed or false then builtins.fetchurl { inherit (package.source) url; name = fileName; }
        else fail (self.integrity.unpinned name package.source.url);
      dependencies = resolved.runtime;
      passthru = passthru package;
    } // (if wheelFile then { format = "wheel"; } else { pyproject = true; build-system = [ pySelf.setuptools ]; }));

  # The set's attributes that carry the tools every package is built with: in nixpkgs the hooks
  # take wheel, packaging, setuptools, pip from the set and build, installer from
  # pythonOnBuildForHost.pkgs (built with the same packageOverrides), and mk-python-derivation
  # builds the bootstrap packages with `bootstrap`. Taken from the interpreter's own set, they
  # stay nixpkgs' tools however the resolution replaces wheel, packaging, setuptools, … (the
  # resolved versions are what the environment and the packages' dependencies get).
  buildToolAttributes = [
    "wheelUnpackHook" "pypaBuildHook" "pypaInstallHook" "pythonRuntimeDepsCheckHook" "pythonMetadataCheckHook"
    "setuptoolsBuildHook" "pipBuildHook" "pipInstallHook" "pythonRelaxDepsHook" "pythonCatchConflictsHook"
    "eggInstallHook" "bootstrap"
  ];

  # setuptools and pip from sdist or nixpkgs stay nixpkgs' own: rebuilding them from sources
  # would need themselves (mach-nix made the same exception).
  bootstrap = [ "setuptools" "pip" ];
in
{
  packages = {
    overlay = resolution: pySelf: pySuper:
      let
        build = name: package:
          let resolved = resolvedInputs pySelf package;
          in
          if package.provider == "wheel" then wheel pySelf name package resolved
          else if package.provider == "sdist" then sdist pySelf pySuper resolution name package resolved
          else if package.provider == "nixpkgs" then nixpkgs pySelf pySuper resolution name package resolved
          else if package.provider == "url" then url pySelf name package resolved
          else if self.util.hasPrefix "conda/" package.provider then conda pySelf name package resolved
          else fail "${name}: unknown provider ${package.provider} in the resolution";
        wanted = filter (name: !(elem name bootstrap && elem resolution.packages.${name}.provider [ "sdist" "nixpkgs" ])) (attrNames resolution.packages);
      in
      genAttrs wanted (name: build name resolution.packages.${name});

    # An overlay pinning the build tools (buildToolAttributes) to those of `buildSet`.
    buildTools = buildSet: _pySelf: _pySuper: builtins.intersectAttrs (genAttrs buildToolAttributes (_: null)) buildSet;

    # The resolution's roots, as a withPackages selection.
    select = resolution: ps: map (name: ps.${name}) resolution.roots;
  };
}
