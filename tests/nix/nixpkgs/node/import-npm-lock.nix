# importNpmLock: every entry of package-lock.json (lockfileVersion >= 2) with an http(s)
# `resolved` becomes `fetchurl { url = resolved; hash = integrity; }` — one hash per tarball,
# no aggregate hash — and the result holds package.json and package-lock.json rewritten to
# point at those store paths (`file:/nix/store/…`), as nixpkgs does.
# Difference: optional entries for another platform (npm's os/cpu fields, e.g. esbuild's
# other binaries) keep their URL instead of being fetched — npm skips them, and an offline
# machine never downloaded them. nixpkgs fetches them too.
{ lib, pkgs, nodejs }:
let
  npmOs = { linux = "linux"; darwin = "darwin"; }.${pkgs.stdenv.hostPlatform.parsed.kernel.name} or "linux";
  npmCpu = { x86_64 = "x64"; aarch64 = "arm64"; }.${pkgs.stdenv.hostPlatform.parsed.cpu.name} or "x64";
  # npm's rule: a list of names, or of "!name" exclusions
  allows = list: value:
    list == [ ] || builtins.elem value list
    || (builtins.all (lib.hasPrefix "!") list && !(builtins.elem "!${value}" list));
  forThisPlatform = m: allows (m.os or [ ]) npmOs && allows (m.cpu or [ ]) npmCpu;

  fetchModule = npmRoot: m:
    let url = m.resolved or null;
    in
    if url == null || (m.optional or false) && !forThisPlatform m then null
    else if builtins.match "https?://.*" url != null then
      pkgs.fetchurl { inherit url; hash = m.integrity or (throw "importNpmLock: ${url} has no `integrity`"); }
    else if builtins.match "[a-z+]+://.*" url == null then
      assert lib.assertMsg (npmRoot != null) "importNpmLock: a relative `resolved` (${url}) needs npmRoot";
      npmRoot + "/${url}"
    else if lib.hasPrefix "git" url then builtins.fetchGit { inherit url; }
    else throw "importNpmLock: unsupported URL ${url}";

  importNpmLock =
    { npmRoot ? null
    , package ? lib.importJSON (npmRoot + "/package.json")
    , packageLock ? lib.importJSON (npmRoot + "/package-lock.json")
    , pname ? package.name or "unknown"
    , version ? package.version or "0.0.0"
    }:
    let
      entries = builtins.mapAttrs (_: m:
        let src = fetchModule npmRoot m;
        in builtins.removeAttrs m [ "link" "funding" ]
          // lib.optionalAttrs (src != null) { resolved = "file:${src}"; })
        packageLock.packages;
      lock =
        if (packageLock.lockfileVersion or 1) < 2
        then throw "importNpmLock: ${pname} has a lockfileVersion 1 package-lock.json; version 2 or 3 is needed"
        else packageLock // { packages = entries; };
      # package.json's dependencies point at the same store paths
      toResolved = builtins.mapAttrs (name: spec: entries."node_modules/${name}".resolved or spec);
      package' = package
        // lib.optionalAttrs (package ? dependencies) { dependencies = toResolved package.dependencies; }
        // lib.optionalAttrs (package ? devDependencies) { devDependencies = toResolved package.devDependencies; };
    in
    pkgs.runCommand "${pname}-${version}-sources" {
      inherit pname version;
      package = builtins.toJSON package';
      packageLock = builtins.toJSON lock;
      passAsFile = [ "package" "packageLock" ];
    } ''
      mkdir -p "$out"
      cp "$packagePath" "$out/package.json"
      cp "$packageLockPath" "$out/package-lock.json"
    '';

  npmConfigHook = pkgs.makeSetupHook {
    name = "npm-config-hook";
    substitutions = { inherit nodejs; };
  } ./npm-config-hook.sh;
in
{
  __functor = _: importNpmLock;
  inherit importNpmLock npmConfigHook;
  hooks = { inherit npmConfigHook; };
}
