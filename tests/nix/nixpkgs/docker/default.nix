# dockerTools.streamLayeredImage / buildLayeredImage with nixpkgs' arguments (no `...`: an
# unknown argument is an error), both overridable. The stream is a script writing an
# uncompressed docker-archive (manifest.json, config, one layer.tar per layer) to stdout;
# buildLayeredImage compresses it into `<name>.tar.gz`. Layers: one per store path of the
# closure (dependencies first) up to maxLayers - 1, the rest in the last one, then the
# customisation layer (`contents` linked into /, extraCommands). The host files that the
# closure's host-tool packages list in nix-support/host-paths (this stand-in's python, bash,
# … are the host's) are added as a layer too, so the image runs.
{ lib, pkgs }:
let
  inherit (pkgs) runCommand;
  hostPython = pkgs.python3.hostPython;
  defaultArchitecture = if pkgs.stdenv.hostPlatform.isAarch64 then "arm64" else "amd64";

  streamLayeredImage = lib.makeOverridable (
    { name, tag ? null, fromImage ? null, contents ? [ ], config ? { }
    , architecture ? defaultArchitecture, created ? "1970-01-01T00:00:01Z", mtime ? null
    , uid ? 0, gid ? 0, uname ? "root", gname ? "root", maxLayers ? 100, extraCommands ? ""
    , fakeRootCommands ? "", enableFakechroot ? false, includeStorePaths ? true
    , includeNixDB ? false, passthru ? { }, meta ? { }, layeringPipeline ? null, debug ? false
    }:
    assert lib.assertMsg (maxLayers > 1)
      "the maxLayers argument of dockerTools.buildLayeredImage function must be greater than 1 (current value: ${toString maxLayers})";
    assert lib.assertMsg (fromImage == null) "dockerTools (nixpkgs stand-in): fromImage is not supported";
    let
      baseName = baseNameOf name;
      contentsEnv = pkgs.symlinkJoin { name = "${baseName}-contents"; paths = contents; };
      # the image root: contents as links (a copy of the symlinkJoin tree), then the commands;
      # chown/chgrp are no-ops (nixpkgs runs fakeRootCommands under fakeroot)
      customisationLayer = runCommand "${baseName}-customisation-layer" {
        inherit extraCommands fakeRootCommands;
      } ''
        mkdir -p "$out"
        cp -dr --no-preserve=mode ${contentsEnv}/. "$out/"
        cd "$out"
        eval "$extraCommands"
        ( chown() { :; }; chgrp() { :; }; eval "$fakeRootCommands" )
      '';
      configJson = pkgs.writeText "${baseName}-config.json" (builtins.toJSON config);
      conf = runCommand "${baseName}-conf.json" {
        exportReferencesGraph = lib.optionals includeStorePaths
          [ "closure-customisation" customisationLayer "closure-config" configJson ];
        inherit customisationLayer configJson architecture created maxLayers uid gid uname gname;
        mtime = if mtime == null then created else mtime;
        repoName = lib.toLower name;
      } "${hostPython} -I ${./make_conf.py}";
      imageTag = if tag != null then tag
        else builtins.head (lib.splitString "-" (baseNameOf (builtins.unsafeDiscardStringContext conf.outPath)));
    in
    runCommand "stream-${baseName}" {
      passthru = { imageName = lib.toLower name; inherit imageTag conf; } // passthru;
      inherit meta;
      imageTagValue = imageTag;
    } ''
      printf '#!/bin/bash\nexec %s -I %s %s %s "$@"\n' ${hostPython} ${./stream_layered_image.py} ${conf} "$imageTagValue" > "$out"
      chmod +x "$out"
    '');

  compressors = {
    gz = { ext = ".gz"; command = "gzip -n"; inputs = [ ]; };
    zstd = { ext = ".zst"; command = "zstd -q -T1"; inputs = [ pkgs.zstd ]; };
    none = { ext = ""; command = "cat"; inputs = [ ]; };
  };

  buildLayeredImage = lib.makeOverridable ({ name, compressor ? "gz", ... }@args:
    let
      stream = streamLayeredImage (builtins.removeAttrs args [ "compressor" ]);
      compress = compressors.${compressor} or (throw "dockerTools: unknown compressor ${compressor}");
    in
    runCommand "${baseNameOf name}.tar${compress.ext}" {
      inherit (stream) imageName;
      nativeBuildInputs = compress.inputs;
      passthru = { inherit (stream) imageTag; inherit stream; };
    } "${stream} | ${compress.command} > $out");
in
{
  inherit streamLayeredImage buildLayeredImage;
}
