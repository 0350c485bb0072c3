# buildNpmPackage with nixpkgs' arguments. Only importNpmLock dependencies are supported
# (there is no fetchNpmDeps here): pass `npmConfigHook = importNpmLock.npmConfigHook`.
# Build: `npm run $npmBuildScript`; install: the files `npm pack` would publish, plus the
# (pruned) node_modules, into $out/lib/node_modules/<name>, and $out/bin/<bin> wrappers.
{ lib, pkgs, nodejs }:
{ pname ? null, version ? null, src ? null, npmDeps ? null, npmDepsHash ? ""
, makeCacheWritable ? false, npmBuildScript ? "build", npmFlags ? [ ], npmInstallFlags ? [ ]
, npmRebuildFlags ? [ ], npmBuildFlags ? [ ], npmPackFlags ? [ ], npmPruneFlags ? npmInstallFlags
, npmWorkspace ? null, nodejs ? pkgs.nodejs, npmConfigHook ? null, npmBuildHook ? null
, npmInstallHook ? null, dontNpmBuild ? false, dontNpmPrune ? false, forceGitDeps ? false
, forceEmptyCache ? false, nativeBuildInputs ? [ ], ...
}@args:
let
  hook = name: file: pkgs.makeSetupHook { inherit name; substitutions = { inherit nodejs; }; } file;
  configHook =
    if npmConfigHook != null then npmConfigHook
    else throw "buildNpmPackage (nixpkgs stand-in): only importNpmLock is supported; pass npmDeps = importNpmLock { npmRoot = …; } and npmConfigHook = importNpmLock.npmConfigHook";
in
pkgs.stdenv.mkDerivation (builtins.removeAttrs args [
  "npmDepsHash" "makeCacheWritable" "nodejs" "npmConfigHook" "npmBuildHook" "npmInstallHook"
  "forceGitDeps" "forceEmptyCache" "nativeBuildInputs"
] // {
  inherit npmBuildScript npmFlags npmInstallFlags npmRebuildFlags npmBuildFlags npmPackFlags
    npmPruneFlags dontNpmBuild dontNpmPrune;
  nativeBuildInputs = nativeBuildInputs ++ [
    nodejs
    configHook
    (if npmBuildHook != null then npmBuildHook else hook "npm-build-hook" ./npm-build-hook.sh)
    (if npmInstallHook != null then npmInstallHook else hook "npm-install-hook" ./npm-install-hook.sh)
    nodejs.python
    pkgs.makeWrapper
  ];
  dontStrip = args.dontStrip or true;
  strictDeps = true;
} // lib.optionalAttrs (npmWorkspace != null) { inherit npmWorkspace; })
