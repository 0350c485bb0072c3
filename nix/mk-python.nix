# mkPython and the functions that are views of it (reference §2.2): the environment is the
# interpreter overridden with mach-nix's package overlay, `withPackages` of the resolution's roots.
#
# Overlays, applied in mach-nix's order (later ones win):
#   the tests switch, the interpreter's own build tools (packages.buildTools), overridesPre, packagesExtra's overridesPre, packagesExtra's packages, the resolution,
#   _fixes, packagesExtra's overridesPost, overridesPost, R packages for rpy2, packagesExtra's `_`,
#   this call's `_`, and finally `selectPkgs`.
# Unlike mach-nix, an interpreter's own packageOverrides are composed with these, not replaced.
self:
let
  inherit (builtins) isList isString isPath isAttrs isFunction attrNames removeAttrs concatStringsSep filter elem hasAttr listToAttrs trace;
  inherit (self.util) fail optionals optional composeManyExtensions composeExtensions concatMap genAttrs;
  inherit (self.pep503) normalizeName;
  pkgs = self.pkgs;
  platform = pkgs.stdenv.hostPlatform;

  defaults = {
    requirements = "";
    providers = { };
    packagesExtra = [ ];
    _ = { };
    overridesPre = [ ];
    overridesPost = [ ];
    tests = false;
    python = self.defaultPython;
    ignoreCollisions = false;
    ignoreDataOutdated = false;
    cudaVersion = null;
    postBuild = "";
    _providerDefaults = null;
    _fixes = { };
    lockFile = null;
    # names of packages whose file may be fetched without a hash (nix/integrity.nix)
    allowUnpinned = [ ];
  };

  # mach-nix's old argument names still work, with a warning.
  renamed = {
    disable_checks = { to = "tests"; convert = value: !value; };
    extra_pkgs = { to = "packagesExtra"; convert = value: value; };
    overrides_pre = { to = "overridesPre"; convert = value: value; };
    overrides_post = { to = "overridesPost"; convert = value: value; };
    _provider_defaults = { to = "_providerDefaults"; convert = value: value; };
  };
  moved = { pkgs = "pkgs"; pypi_deps_db_commit = "pypiDataRev"; pypi_deps_db_sha256 = "pypiDataSha256"; };

  normalizeArgs = function: given:
    let
      asSet = if isList given then { packagesExtra = given; } else given;
      checkMoved = name:
        if moved ? ${name} then fail "${function} does not accept '${name}' anymore. Instead, provide '${moved.${name}}' when importing mach-nix."
        else name;
      translated = listToAttrs (map (name:
        let
          rule = renamed.${checkMoved name} or null;
        in
        if rule == null then { inherit name; value = asSet.${name}; }
        else trace "DEPRECATION WARNING: Argument '${name}' of ${function} is deprecated; use '${rule.to}'." {
          name = rule.to;
          value = rule.convert asSet.${name};
        }) (attrNames asSet));
      unknown = filter (name: !(defaults ? ${name})) (attrNames translated);
    in
    if !(isAttrs asSet) then fail "${function} takes an attribute set (or a list, meaning packagesExtra)"
    else if unknown != [ ] then fail "${function} does not know the argument(s) ${concatStringsSep ", " unknown}; it takes ${concatStringsSep ", " (attrNames defaults)}"
    else defaults // translated;

  interpreter = python:
    if python == null then pkgs.python3
    else if isString python then (if pkgs ? ${python} then pkgs.${python} else fail "'python' names no interpreter of nixpkgs: ${python} (e.g. \"python313\")")
    else if isAttrs python && python ? pythonVersion then python
    else fail "'python' must be an interpreter attribute name such as \"python313\" (or an interpreter)";

  normalizeProviders = providers:
    let
      key = name: if self.util.hasPrefix "_" name then name else normalizeName name;
      names = attrNames providers;
      clashes = filter (name: builtins.length (filter (other: key other == key name) names) > 1) names;
    in
    if !(isAttrs providers) then fail "'providers' must be an attribute set, e.g. { _default = \"wheel,sdist,nixpkgs\"; }"
    else if clashes != [ ] then fail "providers names one package twice: ${concatStringsSep ", " clashes} (names are compared PEP 503-normalised)"
    else listToAttrs (map (name: { name = key name; value = providers.${name}; }) names);

  # What packagesExtra holds, sorted into the kinds mach-nix told apart (reference §2.3).
  # A source given by URL is fetched by its hash, or only when allowUnpinned names the URL.
  classify = allowUnpinned: item:
    if self.integrity.isSourceUrl item then { kind = "source"; src = self.integrity.fetchSource "packagesExtra" allowUnpinned item; }
    else if isPath item || isString item then { kind = "source"; src = item; }
    else if isAttrs item && item ? rCommand then { kind = "r"; package = item; }
    else if isAttrs item && (item.pythonModule or false) != false then
      (if item ? machNix && item.machNix ? requirements then { kind = "python"; package = item; }
       else fail "python packages from nixpkgs cannot be passed via packagesExtra. Instead, add the package's name to your requirements and set providers.${item.pname or "<name>"} = \"nixpkgs\"")
    else if isAttrs item && item ? outputHash then { kind = "source"; src = item; }
    else if isAttrs item && item ? outPath then { kind = "program"; package = item; }
    else fail "packagesExtra holds something that is neither a source, a Python package, an R package nor a derivation";

  # The R packages mach-nix gave rpy2 (reference §2.3).
  rRequirements = [ "rpy2" "ipython" "jinja2" "pytz" "pandas" "numpy" "cffi" "tzlocal" "simplegeneric" ];

  testsOverlay = enabled: _pySelf: pySuper:
    let
      switch = { doCheck = enabled; doInstallCheck = enabled; };
      # buildPythonPackage takes an attribute set or a `finalAttrs: { … }` function (nixpkgs'
      # python-packages-base.nix); flit-core and many others are written the second way.
      wrap = original:
        let call = arguments: original (if isFunction arguments then finalAttrs: arguments finalAttrs // switch else arguments // switch);
        in if isAttrs original then original // { __functor = _: call; } else call;
    in
    {
      buildPythonPackage = wrap pySuper.buildPythonPackage;
      buildPythonApplication = wrap pySuper.buildPythonApplication;
    };

  # Everything but the environment itself: the resolution of the requirements and the
  # interpreter whose package set holds it. buildPythonPackage uses this too.
  environment = function: args:
    let
      python = interpreter args.python;
      sourceUrls = map self.integrity.sourceUrl (filter self.integrity.isSourceUrl args.packagesExtra);
      extras = assert self.integrity.checkUrlAllowances "packagesExtra" sourceUrls args.allowUnpinned; map (classify args.allowUnpinned) args.packagesExtra;
      ofKind = kind: map (e: e.package or e.src) (filter (e: e.kind == kind) extras);
      sources = map (src: self.buildPythonPackage { inherit src; inherit (args) python providers tests _providerDefaults; }) (ofKind "source");
      pythonExtras = ofKind "python" ++ sources;
      rPackages = ofKind "r";
      extraNames = map (p: normalizeName p.pname) pythonExtras;
      checkPython = p:
        if p.pythonModule.pythonVersion or python.pythonVersion != python.pythonVersion then
          fail "${p.pname} from 'packagesExtra' is built with python ${p.pythonModule.pythonVersion}, but the environment is based on python ${python.pythonVersion}. Please build it with python = \"python${builtins.replaceStrings [ "." ] [ "" ] python.pythonVersion}\"."
        else p;

      requirementsText = concatStringsSep "\n" (filter (line: line != "")
        ([ args.requirements ] ++ extraNames ++ optionals (rPackages != [ ]) rRequirements));
      # Package names are PEP 503-normalised first (keys starting with `_` are settings such as
      # `_default`), then packagesExtra's names get "nixpkgs" (their package is injected into
      # the set), unless the user named a provider for them: the user's entry wins, with a
      # warning, since it replaces the packagesExtra package by the one that provider gives.
      userProviders = normalizeProviders args.providers;
      providers = genAttrs extraNames (_: "nixpkgs") // builtins.mapAttrs (name: value:
        if elem name extraNames && value != "nixpkgs"
        then trace "mach-nix: providers.${name} = ${builtins.toJSON value} replaces the package ${name} of packagesExtra" value
        else value) userProviders;
      inject = _pySelf: _pySuper: listToAttrs (map (p: { name = normalizeName p.pname; value = checkPython p; }) pythonExtras);
      fromExtras = attribute: concatMap (p: p.machNix.${attribute} or [ ]) pythonExtras;

      before = args.overridesPre ++ fromExtras "overridesPre" ++ [ inject ];
      pythonForIndex = python.override (old: {
        packageOverrides = composeExtensions (old.packageOverrides or (_: _: { })) (composeManyExtensions before);
      });

      request = self.request.make {
        inherit python providers;
        requirements = requirementsText;
        providerDefaults = args._providerDefaults;
        inherit (args) cudaVersion;
      };
      resolverArgs = { inherit request; nixpkgsIndex = self.nixpkgsProvider.index { inherit request; pythonPackages = pythonForIndex.pkgs; }; };
      resolution =
        if args.lockFile != null then self.resolution.fromLock { inherit (args) lockFile; inherit request; }
        else self.resolution.resolve resolverArgs;

      rOverlay = optional (rPackages != [ ]) (self.underscore.overlays { rpy2.buildInputs.add = rPackages; });
      selectPkgs = ps: self.packages.select resolution ps ++ map (name: ps.${name}) extraNames;
      pythonOverrides = composeManyExtensions (
        [ (testsOverlay args.tests) (self.packages.buildTools python.pkgs) ]
        ++ before
        ++ [ (self.packages.overlay (self.integrity.allowing args.allowUnpinned resolution)) ]
        ++ self.underscore.fixOverlays args._fixes python
        ++ fromExtras "overridesPost"
        ++ args.overridesPost
        ++ rOverlay
        ++ self.underscore.overlays (builtins.foldl' (a: b: a // b) { } (map (p: p.machNix._ or { }) pythonExtras))
        ++ self.underscore.overlays args._
        ++ [ (_: _: { inherit selectPkgs; }) ]
      );
    in
    {
      inherit python request resolution selectPkgs pythonOverrides pythonForIndex;
      programs = ofKind "program";
      lock =
        if args.lockFile != null then builtins.path { path = args.lockFile; name = "mach-nix.lock.json"; }
        else self.resolution.derivation resolverArgs;
      # The interpreter with the resolution in its package set. Its own packageOverrides stay.
      finalPython =
        let python' = python.override (old: {
          packageOverrides = composeExtensions (old.packageOverrides or (_: _: { })) pythonOverrides;
          self = python';
        });
        in python';
    };

  build = function: given:
    let
      args = normalizeArgs function given;
      core = environment function args;
      inherit (core) python finalPython pythonOverrides selectPkgs programs;

      pythonAttribute = if isString args.python then args.python else "python${builtins.replaceStrings [ "." ] [ "" ] python.pythonVersion}";
      overlay = _final: prev: {
        ${pythonAttribute} = prev.${pythonAttribute}.override (old: {
          packageOverrides = composeExtensions (old.packageOverrides or (_: _: { })) pythonOverrides;
        });
      };

      env = (finalPython.withPackages selectPkgs).override (old: {
        inherit (args) ignoreCollisions;
        postBuild = (old.postBuild or "") + args.postBuild;
        makeWrapperArgs = (old.makeWrapperArgs or [ ]) ++ map (p: "--suffix PATH : ${p}/bin") programs;
      });

      dockerImage = pkgs.dockerTools.buildLayeredImage {
        name = "mach-nix-python";
        tag = "latest";
        contents = [ env ] ++ programs ++ [ (if platform.isLinux then pkgs.busybox else pkgs.coreutils) ];
        config.Cmd = [ "${env}/bin/python" ];
      };
      # Refused when the result itself is evaluated, before any derivation attribute is: Nix 2.26
      # then prints one frame ("… while calling the 'throw' builtin") before the message, instead
      # of three and a truncated trace. The request checks the text again (request.nix), for
      # every other way into `environment`.
      argumentsProblem = self.request.argumentsProblem { inherit (args) requirements providers cudaVersion; providerDefaults = args._providerDefaults; };
    in
    if argumentsProblem != null then fail argumentsProblem else
    env // {
      inherit selectPkgs pythonOverrides overlay dockerImage;
      inherit (core) lock resolution;
      python = finalPython;
      # appendOverlays keeps the platform and config (nixpkgs' stage.nix); `import pkgs.path`
      # without `system` would read builtins.currentSystem, which pure evaluation refuses
      nixpkgs = pkgs.appendOverlays [ overlay ];
    };
in
{
  machNixEnvironment = { inherit normalizeArgs environment testsOverlay; };
  mkPython = build "mkPython";
  mkPythonShell = args: pkgs.mkShell { packages = [ (build "mkPythonShell" args) ]; };
  mkDockerImage = args: (build "mkDockerImage" args).dockerImage;
  mkOverlay = args: (build "mkOverlay" args).overlay;
  mkNixpkgs = args: (build "mkNixpkgs" args).nixpkgs;
  mkPythonOverrides = args: (build "mkPythonOverrides" args).pythonOverrides;
}
