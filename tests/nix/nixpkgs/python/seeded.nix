# The stand-in's build tools as members of python3.pkgs, from the real wheels seeded into the
# store and listed in `wheels` (tests/nix/harness.ts seedStore: the local mirror's newest pip,
# setuptools, wheel, build, packaging, pyproject-hooks and flit-core). nixpkgs builds
# them from their sources; here they are `format = "wheel"` packages, built by the same hooks
# as every other package (so packageOverrides of them change every build, as in nixpkgs).
#
# `installer` has no wheel on this machine: the set's `installer` is a small module with
# pypa/installer's command line (`python -m installer [--prefix P] [--destdir D] WHEEL…`) that
# runs pip from the seeded pip wheel, which makes installer's checks (a valid wheel file name, a
# `.dist-info` directory matching it). It writes no `direct_url.json` (installer writes none).
#
# `bootstrap` is nixpkgs' bootstrap chain (python-modules/bootstrap): build, installer,
# packaging and flit-core installed without the hooks, from the set's own sources.
{ lib, pkgs, wheels }:
final: prev:
let
  byName = builtins.listToAttrs (map (w: { name = w.pname; value = w; }) wheels);
  seeded = pname: byName.${pname} or (throw
    "python3.pkgs.${pname}: no seeded wheel; run seedStore() of tests/nix/harness.ts (it writes tests/nix/nixpkgs/wheels.json)");
  seededSrc = pname: pkgs.fetchurl { inherit (seeded pname) url hash; };

  inherit (final) python;
  site = python.sitePackages;

  # `finalAttrs:` definitions, as nixpkgs writes many of its python-modules (flit-core among them)
  fromWheel = { pname, module, dependencies ? [ ], callArgs ? { } }: final.callPackage ({ buildPythonPackage }:
    buildPythonPackage (finalAttrs: {
      inherit pname dependencies;
      inherit (seeded pname) version;
      format = "wheel";
      src = seededSrc pname;
      pythonImportsCheck = [ module ];
      meta.changelog = "https://pypi.org/project/${finalAttrs.pname}/${finalAttrs.version}/";
    })) callArgs;

  installerModule = pkgs.writeText "installer-main.py" ''
    """pypa/installer's command line, carried out by pip from a wheel file (the stand-in has
    no installer wheel): python -m installer [--prefix P] [--destdir D] WHEEL..."""
    import argparse, glob, os, subprocess, sys
    parser = argparse.ArgumentParser(prog="python -m installer")
    parser.add_argument("wheels", nargs="+")
    parser.add_argument("--prefix", default=sys.prefix)
    parser.add_argument("--destdir", "-d", default="/")
    parser.add_argument("--compile-bytecode", action="append")
    parser.add_argument("--no-compile-bytecode", action="store_true")
    args = parser.parse_args()
    root = [] if args.destdir == "/" else ["--root", args.destdir]
    for wheel in args.wheels:
        subprocess.run([sys.executable, "${seededSrc "pip"}/pip", "install", "--no-index", "--no-deps",
            "--ignore-installed", "--no-cache-dir", "--disable-pip-version-check", "--no-warn-script-location",
            "--root-user-action=ignore", *root, "--prefix", args.prefix, wheel], check=True)
    installed = os.path.join(args.destdir, args.prefix.lstrip("/"), "lib", "*", "site-packages", "*.dist-info", "direct_url.json")
    for record in glob.glob(installed):
        os.remove(record)
  '';
  # `installer` of this python: the module and its metadata, under `prefix` (site-packages)
  installInstaller = prefix: ''
    mkdir -p ${prefix}/installer ${prefix}/installer-${installerVersion}.dist-info
    echo '__version__ = "${installerVersion}"' > ${prefix}/installer/__init__.py
    cp ${installerModule} ${prefix}/installer/__main__.py
    printf 'Metadata-Version: 2.1\nName: installer\nVersion: ${installerVersion}\n' > ${prefix}/installer-${installerVersion}.dist-info/METADATA
  '';
  installerVersion = (seeded "pip").version;

  # nixpkgs' bootstrap packages: the set's source, installed without hooks or dependencies
  bootstrapModule = package: extra: final.toPythonModule (pkgs.stdenv.mkDerivation ({
    pname = "${python.libPrefix}-bootstrap-${package.pname}";
    inherit (package) version src;
    dontUnpack = true;
    nativeBuildInputs = [ pkgs.makeWrapper ];
    installPhase = ''
      runHook preInstall
      cp "$src" "$(stripHash "$src")"
      PYTHONPATH=${final.bootstrap.installer}/${site} ${python.interpreter} -m installer --prefix "$out" "$(stripHash "$src")"
      runHook postInstall
    '';
  } // extra));
  bootstrapPyprojectHooks = bootstrapModule final.pyproject-hooks { };
in
{
  pip = fromWheel { pname = "pip"; module = "pip"; };
  setuptools = fromWheel { pname = "setuptools"; module = "setuptools"; };
  # nixpkgs builds wheel from source with `pypaBuildHook.override { wheel = null; }` (it is a
  # bootstrap package); built from its wheel here, the same exception goes on wheelUnpackHook,
  # through buildPythonPackage.override (a callPackage argument of mk-python-derivation).
  wheel = fromWheel {
    pname = "wheel";
    module = "wheel";
    callArgs.buildPythonPackage = final.buildPythonPackage.override { wheelUnpackHook = final.wheelUnpackHook.override { wheel = null; }; };
  };
  packaging = fromWheel { pname = "packaging"; module = "packaging"; };
  pyproject-hooks = fromWheel { pname = "pyproject-hooks"; module = "pyproject_hooks"; };
  build = fromWheel { pname = "build"; module = "build"; dependencies = [ final.packaging final.pyproject-hooks ]; };
  flit-core = fromWheel { pname = "flit-core"; module = "flit_core"; };
  installer = final.callPackage ({ buildPythonPackage }: buildPythonPackage {
    pname = "installer";
    version = installerVersion;
    format = "other";
    dontUnpack = true;
    installPhase = installInstaller "$out/${site}";
    pythonImportsCheck = [ "installer" ];
  }) { };

  bootstrap = {
    installer = final.toPythonModule (pkgs.stdenv.mkDerivation {
      pname = "${python.libPrefix}-bootstrap-installer";
      version = installerVersion;
      dontUnpack = true;
      installPhase = installInstaller "$out/${site}";
    });
    packaging = bootstrapModule final.packaging { };
    flit-core = bootstrapModule final.flit-core { };
    # like nixpkgs' bootstrap build: pyproject-build wrapped to find its own modules, so that
    # pypaBuildHook propagates none of them
    build = bootstrapModule final.build {
      postInstall = ''
        wrapProgram $out/bin/pyproject-build \
          --prefix PYTHONPATH : "$out/${site}:${bootstrapPyprojectHooks}/${site}:${final.bootstrap.packaging}/${site}"
      '';
    };
  };
}
