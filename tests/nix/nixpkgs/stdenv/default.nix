# A small stdenv: a store path holding `setup` (the phases, sourced by builders, nix develop
# and nix-shell) and `mkDerivation`, which turns nixpkgs-style attributes into a bash-builder
# derivation. Builders see on PATH only their inputs and `initialPath` (nixpkgs'
# pkgs/stdenv/common-path.nix: coreutils, findutils, diffutils, sed, grep, awk, tar, gzip, bzip2,
# make, bash, patch, xz); `cc` is an initial input of `stdenv` and absent from `stdenvNoCC`.
{ lib, system, cc, initialPath }:
let
  inherit (lib) flatten optionals;

  platform = {
    inherit system;
    config = { x86_64-linux = "x86_64-unknown-linux-gnu"; aarch64-linux = "aarch64-unknown-linux-gnu";
               x86_64-darwin = "x86_64-apple-darwin"; aarch64-darwin = "arm64-apple-darwin"; }.${system} or system;
    isLinux = lib.hasSuffix "-linux" system;
    isDarwin = lib.hasSuffix "-darwin" system;
    isx86_64 = lib.hasPrefix "x86_64-" system;
    isAarch64 = lib.hasPrefix "aarch64-" system;
    parsed.cpu.name = builtins.head (lib.splitString "-" system);
    parsed.kernel.name = lib.last (lib.splitString "-" system);
  } // lib.optionalAttrs (lib.hasSuffix "-darwin" system) {
    # The oldest macOS binaries are built for (nixpkgs sets it for darwin platforms only).
    darwinMinVersion = if lib.hasPrefix "aarch64-" system then "11.0" else "10.12";
  };

  # Attributes consumed here rather than passed to `derivation`.
  notForDerivation = [
    "passthru" "meta" "env" "pos" "checkInputs" "nativeCheckInputs" "installCheckInputs"
    "nativeInstallCheckInputs" "depsBuildBuild" "depsBuildTarget" "depsHostHost" "depsTargetTarget"
  ];

  makeStdenv = { name, initialInputs }:
    let
      setupDrv = derivation {
        inherit name system;
        builder = "/bin/bash";
        args = [ "-c" ''
          set -e
          /usr/bin/mkdir -p $out
          /usr/bin/sed -e "s|@initialInputs@|$initialInputs|" -e "s|@initialPath@|$initialPath|" ${./setup.sh} > $out/setup
        '' ];
        initialInputs = toString initialInputs;
        initialPath = lib.concatMapStringsSep ":" (p: "${p}/bin") initialPath;
      };

      mkDerivation = fnOrAttrs:
        let fn = if builtins.isFunction fnOrAttrs then fnOrAttrs else _: fnOrAttrs;
        in makeWithOverrides fn;

      # `overrideAttrs` takes `prev: {…}` or `final: prev: {…}`; `finalAttrs` sees the
      # overridden attributes and `finalAttrs.finalPackage` the result, as in nixpkgs'
      # fixed-point mkDerivation (pkgs/stdenv/generic/make-derivation.nix).
      makeWithOverrides = fn:
        let
          finalAttrs = fn (finalAttrs // { inherit finalPackage; });
          finalPackage = build finalAttrs // {
            overrideAttrs = f: makeWithOverrides (final: let prev = fn final; in prev // lib.toExtension f final prev);
          };
        in finalPackage;

      build = attrs:
        let
          name = attrs.name or "${attrs.pname}-${attrs.version}";
          doCheck = attrs.doCheck or false;
          doInstallCheck = attrs.doInstallCheck or false;
          inputs = n: flatten (attrs.${n} or [ ]);
          env = attrs.env or { };
          clash = builtins.filter (n: attrs ? ${n}) (builtins.attrNames env);
          passthru = attrs.passthru or { };
          drvAttrs = builtins.removeAttrs attrs notForDerivation // env // {
            inherit name system;
            builder = "/bin/bash";
            args = [ "-e" ./default-builder.sh ];
            stdenv = setupDrv;
            outputs = attrs.outputs or [ "out" ];
            nativeBuildInputs = inputs "depsBuildBuild" ++ inputs "nativeBuildInputs"
              ++ optionals doCheck (inputs "nativeCheckInputs")
              ++ optionals doInstallCheck (inputs "nativeInstallCheckInputs");
            buildInputs = inputs "buildInputs" ++ inputs "depsHostHost"
              ++ optionals doCheck (inputs "checkInputs")
              ++ optionals doInstallCheck (inputs "installCheckInputs");
            propagatedBuildInputs = inputs "propagatedBuildInputs";
            propagatedNativeBuildInputs = inputs "propagatedNativeBuildInputs";
            inherit doCheck doInstallCheck;
          };
          drv = derivation drvAttrs;
        in
        if clash != [ ] then throw "${name}: `env` must not contain attributes also passed directly: ${toString clash}"
        else lib.extendDerivation true ({
          inherit passthru;
          meta = attrs.meta or { };
          inherit drvAttrs;
        } // passthru) drv;
    in
    setupDrv // {
      inherit mkDerivation;
      inherit (platform) isLinux isDarwin isx86_64 isAarch64;
      hostPlatform = platform;
      buildPlatform = platform;
      targetPlatform = platform;
      shell = "/bin/bash";
      shellDryRun = "/bin/bash -n -O extglob";
      cc = if initialInputs == [ ] then null else cc;
    };
in
{
  stdenv = makeStdenv { name = "stdenv-minipkgs"; initialInputs = [ cc ]; };
  stdenvNoCC = makeStdenv { name = "stdenv-minipkgs-nocc"; initialInputs = [ ]; };
}
