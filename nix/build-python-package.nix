# buildPythonPackage / buildPythonApplication of mach-nix (reference §2.4): nixpkgs' functions,
# with the package's requirements resolved by mach-nix. What is not given is read from the
# source: statically from pyproject.toml or setup.cfg, and by running setup.py (in a build) for
# setup.py-only projects — one import-from-derivation for the metadata, one for the resolution.
self:
let
  inherit (builtins) isAttrs isString removeAttrs fromJSON readFile concatStringsSep filter elem concatLists;
  inherit (self.util) fail optionals unique;
  inherit (self.pep508) requirementLines requirementName;
  inherit (self) pep440;
  pkgs = self.pkgs;

  # Arguments that are mach-nix's; everything else goes to nixpkgs' function.
  machNixArguments = [
    "requirements" "requirementsExtra" "extras" "tests" "overridesPre" "overridesPost" "providers" "python" "_"
    "_providerDefaults" "_fixes" "ignoreDataOutdated" "cudaVersion" "lockFile" "allowUnpinned"
  ];

  # The metadata of a source tree (or archive), as nix/extractor/extract.py reads it.
  metadataOf = python: src:
    let
      extractorPython = python.withPackages (ps: [ ps.setuptools ]);
      # runCommand's stdenvNoCC has no unzip (nixpkgs' trivial builders): it is an input here.
      json = pkgs.runCommand "mach-nix-metadata.json" { inherit src; nativeBuildInputs = [ pkgs.unzip ]; } ''
        mkdir work
        if [ -d "$src" ]; then cp -r "$src"/. work/
        elif ! tar -xf "$src" -C work --strip-components=1 2>/dev/null; then
          # a zip archive: its files, or those of its one top-level folder
          rm -rf work; mkdir work unpacked; unzip -q "$src" -d unpacked
          set -- unpacked/*
          if [ $# = 1 ] && [ -d "$1" ]; then cp -r "$1"/. work/; else cp -r unpacked/. work/; fi
        fi
        chmod -R u+w work
        ${extractorPython}/bin/python ${./extractor/extract.py} work > $out 2> errors || {
          ${extractorPython}/bin/python -c 'import json, sys; json.dump({"error": open("errors").read()[-2000:]}, sys.stdout)' > $out
        }
      '';
      metadata = fromJSON (readFile json);
    in
    if metadata ? error then fail "reading the metadata of ${toString src} failed; give pname, version and requirements yourself. The error was:\n${metadata.error}"
    else metadata;

  # A PEP 440 version in its normalised form, else mach-nix's local version `0+<text>` where that
  # is one. mach-nix kept only versions already normalised and turned the others (`1.0-1`) into
  # `0+<text>` or refused them; but setuptools writes the normalised form into the metadata, which
  # nixpkgs' metadata check compares with the derivation's version as packaging does.
  normalizeVersion = pname: version:
    if pep440.isValid version then pep440.normalize version
    else if pep440.isValid "0+${version}" then pep440.normalize "0+${version}"
    else fail "package ${pname} version '${version}' could not be turned into a valid PEP 440 (local) version string. Supply version attribute manually.";

  isZip = src: self.util.hasSuffix ".zip" (if isAttrs src && src ? name then src.name else toString src);

  build = function: given:
    let
      args = if isAttrs given && !(given ? outPath) then given else { src = given; };
      _checked =
        if args ? extra_pkgs || args ? pkgsExtra then fail "'extra_pkgs'/'pkgsExtra' cannot be passed to ${function}. Please pass it to a mkPython call."
        else true;
      # a source given by URL is fetched by its hash, or only when allowUnpinned names the URL;
      # the environment is given the package names of allowUnpinned
      allowUnpinned = args.allowUnpinned or [ ];
      srcIsUrl = self.integrity.isSourceUrl args.src;
      src =
        assert self.integrity.checkUrlAllowances "buildPythonPackage's src" (optionals srcIsUrl [ (self.integrity.sourceUrl args.src) ]) allowUnpinned;
        if srcIsUrl then self.integrity.fetchSource "buildPythonPackage's src" allowUnpinned args.src else args.src;
      python =
        let given = args.python or self.defaultPython;
        in if given == null then pkgs.python3 else if isString given then pkgs.${given} else given;
      needsMetadata = !(args ? pname && args ? version && (args.requirements or "") != "");
      metadata = if needsMetadata then metadataOf python src else { };
      pname = args.pname or metadata.name or (fail "the name of ${toString src} is unknown; give pname");
      version = normalizeVersion pname (toString (args.version or metadata.version or (fail "the version of ${pname} is unknown; give version")));

      extras = args.extras or [ ];
      runtimeLines =
        (if (args.requirements or "") != "" then requirementLines args.requirements
         else (metadata.requirements or [ ]) ++ concatLists (map (extra: metadata.extras.${extra} or (fail "${pname} has no extra ${extra}")) extras))
        ++ requirementLines (args.requirementsExtra or "");
      buildLines = metadata.buildRequirements or [ ];
      runtimeText = concatStringsSep "\n" runtimeLines;

      core = self.machNixEnvironment.environment function (self.machNixEnvironment.normalizeArgs function ({
        requirements = concatStringsSep "\n" (unique (runtimeLines ++ buildLines));
        inherit python;
      } // removeAttrs (builtins.intersectAttrs (builtins.listToAttrs (map (name: { inherit name; value = null; }) machNixArguments)) args)
        [ "requirements" "requirementsExtra" "extras" "python" "allowUnpinned" ]
        // (if args ? allowUnpinned then { allowUnpinned = self.integrity.packageNames allowUnpinned; } else { })));
      roots = core.resolution.roots;
      resolved = names: map (name: core.finalPython.pkgs.${name}) (filter (name: elem name roots) (unique (map requirementName names)));

      # Without a declared format: a pyproject build, with the declared build system, or setuptools.
      format =
        if args ? format || args ? pyproject then { }
        else {
          pyproject = true;
          build-system = if buildLines != [ ] then resolved buildLines else [ core.finalPython.pkgs.setuptools ];
        };
    in
    assert _checked;
    core.finalPython.pkgs.${function} (removeAttrs args (machNixArguments ++ [ "src" ]) // format // {
      inherit pname version src;
      # nixpkgs adds unzip only for a src whose `name` ends in zip; a local .zip path has none
      nativeBuildInputs = (args.nativeBuildInputs or [ ]) ++ optionals (isZip src) [ pkgs.unzip ];
      propagatedBuildInputs = resolved runtimeLines ++ (args.propagatedBuildInputs or [ ]);
      doCheck = args.doCheck or (args.tests or false);
      passthru = (args.passthru or { }) // {
        requirements = runtimeText;
        machNix = {
          requirements = runtimeText;
          overridesPre = args.overridesPre or [ ];
          overridesPost = args.overridesPost or [ ];
          _ = args._ or { };
        };
      };
    });
in
{
  buildPythonPackage = build "buildPythonPackage";
  buildPythonApplication = build "buildPythonApplication";
}
