# The mach-nix CLI as a Nix package: the bundled TypeScript (scripts/build.ts) with its npm dependencies, built
# from package-lock.json by importNpmLock (one fixed-output fetch per locked package: no
# aggregate hash to maintain), better-sqlite3 compiled from source in the build.
self:
let
  pkgs = self.pkgs;
  root = ./..;
  # Only what the build reads: editing tests, docs or the Nix library does not rebuild the CLI
  # (and so does not invalidate every cached resolution).
  wanted = [ "package.json" "package-lock.json" "tsconfig.json" "tsconfig.build.json" ".npmrc" "src" "schemas" "scripts/build.ts" ];
  source = builtins.path {
    name = "mach-nix-source";
    path = root;
    # A wanted path, what is inside one, or a folder on the way to one (scripts/ for scripts/build.ts).
    filter = path: _type:
      let relative = builtins.substring (builtins.stringLength (toString root) + 1) (-1) (toString path);
      in builtins.any (entry: relative == entry || self.util.hasPrefix "${entry}/" relative || self.util.hasPrefix "${relative}/" entry) wanted;
  };
  manifest = builtins.fromJSON (builtins.readFile ../package.json);
  # The V8 options the command is built and trained with (scripts/build.ts): without them node
  # refuses the bundle's code cache and lets the young generation grow.
  nodeOptions = builtins.fromJSON (builtins.readFile ../src/cli/node-options.json);
  nodejs = pkgs.nodejs;
  inherit (self.util) escapeShellArg;
  # The command's one wrapper (makeWrapper's, a bash script): NODE_EXTRA_CA_CERTS handed over to the
  # index client (src/cli/extra-ca-certs.sh; makeWrapper's `--run` puts a command into the wrapper
  # before its `exec`: nixpkgs' pkgs/build-support/setup-hooks/make-wrapper.sh), then node with the
  # node options on the bundle's launcher in `package`. npm's sh launcher (package.json's `bin`)
  # would be a second shell in front of node.
  wrapCommand = package: extraArgs: ''
    makeWrapper ${nodejs}/bin/node $out/bin/mach-nix \
      --run ${escapeShellArg (builtins.readFile ../src/cli/extra-ca-certs.sh)} \
      --add-flags ${escapeShellArg "${builtins.concatStringsSep " " nodeOptions} ${package}/lib/node_modules/${manifest.name}/dist/mach-nix.cjs"}${extraArgs}
  '';
in
{
  cli = pkgs.buildNpmPackage {
    pname = manifest.name;
    inherit (manifest) version;
    src = source;
    npmDeps = pkgs.importNpmLock { npmRoot = source; };
    npmConfigHook = pkgs.importNpmLock.npmConfigHook;
    inherit nodejs;
    npmBuildScript = "build";
    # buildNpmPackage's wrapper runs `node <bin>` (which is a sh script); this one replaces it.
    postInstall = wrapCommand (placeholder "out") "";
    # The build is offline: better-sqlite3 must not try to download a prebuilt binary.
    env.npm_config_build_from_source = "true";
    meta.mainProgram = "mach-nix";
  };

  # The CLI as users run it (the flake's packages.mach-nix): the same program, told which mach-nix
  # it is — `source` is the flake's URL, self.rev, self.narHash and self.lastModified, and its
  # flake.lock — so that `mach-nix env` and `gen` pin it. A package of its own, so that `cli`, which
  # the resolution derivations run, does not change with every commit; its wrapper is `cli`'s with
  # MACH_NIX_SOURCE set, around the same node and bundle (one shell, not a wrapper of a wrapper).
  cliWithSource = source:
    pkgs.runCommand "mach-nix-${manifest.version}" {
      source = builtins.toJSON (source // { flakeLock = builtins.fromJSON (builtins.readFile ../flake.lock); });
      passAsFile = [ "source" ];
      nativeBuildInputs = [ pkgs.makeWrapper ];
      meta.mainProgram = "mach-nix";
    } ''
      mkdir -p $out/share/mach-nix
      cp "$sourcePath" $out/share/mach-nix/source.json
      ${wrapCommand self.cli " --set MACH_NIX_SOURCE $out/share/mach-nix/source.json"}
    '';
}
