# runCommand and friends with nixpkgs' signatures (see README.md for the differences).
{ lib, stdenv, stdenvNoCC, bash }:
let
  runtimeShell = "${bash}/bin/bash";

  runCommandWith = { stdenv, runLocal ? false, name, derivationArgs ? { } }: buildCommand:
    stdenv.mkDerivation ({
      inherit name buildCommand;
      passAsFile = [ "buildCommand" ] ++ derivationArgs.passAsFile or [ ];
    } // lib.optionalAttrs runLocal { preferLocalBuild = true; allowSubstitutes = false; }
      // builtins.removeAttrs derivationArgs [ "passAsFile" ]);

  runCommand = name: env: runCommandWith { stdenv = stdenvNoCC; inherit name; derivationArgs = env; };

  writeTextFile =
    { name, text, executable ? false, destination ? "", checkPhase ? "", meta ? { }
    , passthru ? { }, allowSubstitutes ? false, preferLocalBuild ? true, derivationArgs ? { } }:
    assert lib.isString text || text ? outPath
      || throw "writeTextFile: `text` of ${name} must be a string";
    runCommandWith {
      stdenv = stdenvNoCC;
      inherit name;
      derivationArgs = {
        inherit text executable checkPhase allowSubstitutes preferLocalBuild meta passthru;
        destination = destination;
        passAsFile = [ "text" ];
      } // derivationArgs;
    } ''
      target=$out$destination
      mkdir -p "$(dirname "$target")"
      cp "$textPath" "$target"
      if [ -n "$executable" ]; then chmod +x "$target"; fi
      eval "$checkPhase"
    '';

  shellScript = name: text: extra: writeTextFile ({
    inherit name;
    executable = true;
    text = "#!${runtimeShell}\n${text}\n";
    checkPhase = ''${stdenv.shellDryRun} "$target"'';
  } // extra);
in
{
  inherit runtimeShell runCommandWith runCommand writeTextFile;
  runCommandLocal = name: env: runCommandWith { stdenv = stdenvNoCC; runLocal = true; inherit name; derivationArgs = env; };
  runCommandNoCC = runCommand;
  runCommandCC = name: env: runCommandWith { inherit stdenv name; derivationArgs = env; };

  writeText = name: text: writeTextFile { inherit name text; };
  writeScript = name: text: writeTextFile { inherit name text; executable = true; };
  writeScriptBin = name: text: writeTextFile {
    inherit name text; executable = true; destination = "/bin/${name}"; meta.mainProgram = name;
  };
  writeShellScript = name: text: shellScript name text { };
  writeShellScriptBin = name: text: shellScript name text {
    destination = "/bin/${name}"; meta.mainProgram = name;
  };

  # A union of `paths` made of symlinks (directories are real, files are links; the first
  # path providing a file wins, as with lndir).
  symlinkJoin =
    args@{ name ? "${args.pname}-${args.version}", paths, stripPrefix ? "", postBuild ? ""
    , preferLocalBuild ? true, allowSubstitutes ? false, ... }:
    runCommand name (builtins.removeAttrs args [ "name" "paths" "stripPrefix" "postBuild" "pname" "version" ] // {
      inherit preferLocalBuild allowSubstitutes stripPrefix;
      paths = map toString paths;
      passAsFile = [ "paths" ];
    } // lib.optionalAttrs (args ? pname) { inherit (args) pname version; }) ''
      mkdir -p "$out"
      for p in $(<"$pathsPath"); do
        src=$p$stripPrefix
        [ -d "$src" ] || { echo "symlinkJoin: $src is not a directory" >&2; exit 1; }
        (cd "$src" && find -L . -mindepth 1 -printf '%P\0' | sort -z) |
          while IFS= read -r -d "" rel; do
            if [ -d "$src/$rel" ]; then mkdir -p "$out/$rel"
            elif [ ! -e "$out/$rel" ] && [ ! -L "$out/$rel" ]; then ln -s "$src/$rel" "$out/$rel"; fi
          done
      done
      ${postBuild}
    '';

  # A package whose nix-support/setup-hook is `script` with @name@ substituted.
  makeSetupHook =
    { name ? lib.warn "calling makeSetupHook without passing a name is deprecated." "hook"
    , propagatedBuildInputs ? [ ], depsTargetTargetPropagated ? [ ], meta ? { }, passthru ? { }
    , substitutions ? { } }:
    script:
    let
      names = builtins.attrNames substitutions;
      text = builtins.replaceStrings (map (n: "@${n}@") names)
        (map (n: let v = substitutions.${n}; in if builtins.isList v then toString v else "${v}") names)
        (builtins.readFile script);
    in
    runCommand name {
      inherit meta text;
      passAsFile = [ "text" ];
      propagated = toString propagatedBuildInputs;
      inherit passthru;
    } ''
      mkdir -p "$out/nix-support"
      cp "$textPath" "$out/nix-support/setup-hook"
      if [ -n "$propagated" ]; then echo "$propagated" > "$out/nix-support/propagated-build-inputs"; fi
    '';
}
