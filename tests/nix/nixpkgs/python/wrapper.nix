# python.buildEnv (an empty environment; `.override { extraLibs = …; }`, which withPackages
# uses, fills it): one environment holding the interpreter and the
# transitive closure of `extraLibs`. Elements that are not modules of this python are dropped
# silently (requiredPythonModules filters them), as in nixpkgs. The environment is a venv
# rooted at $out (its site-packages merges the packages' trees; two different files at one
# path are a collision), and every program of the packages gets a wrapper pointing it at the
# environment (NIX_PYTHONPATH and friends, read by the interpreter's start-up hook).
{ lib, stdenvNoCC, makeWrapper, python, requiredPythonModules }:
lib.makeOverridable (
  { extraLibs ? [ ], extraOutputsToInstall ? [ ], postBuild ? "", ignoreCollisions ? false
  , permitUserSite ? false, makeWrapperArgs ? [ ] }:
  let
    modules = requiredPythonModules extraLibs;
    withOutputs = p: [ p ] ++ map (o: p.${o}) (builtins.filter (o: p ? ${o}) extraOutputsToInstall);
    env = stdenvNoCC.mkDerivation {
      name = "${python.name}-env";
      paths = map toString (lib.concatMap withOutputs modules);
      nativeBuildInputs = [ makeWrapper ];
      inherit ignoreCollisions permitUserSite postBuild makeWrapperArgs;
      inherit (python) executable sitePackages;
      python = python;
      preferLocalBuild = true;
      buildCommand = ''
        mkdir -p "$out/bin"
        cp "$python/pyvenv.cfg" "$out/pyvenv.cfg"
        ${python.interpreter} -I ${./env-builder.py}
        userSite=(--set PYTHONNOUSERSITE true)
        [ -z "$permitUserSite" ] || userSite=()
        eval "extraArgs=($makeWrapperArgs)"
        # the interpreter: named after the environment, so it finds the venv from any link
        makeWrapper "$python/base/bin/$executable" "$out/bin/$executable" --argv0 "$out/bin/$executable" \
          "''${userSite[@]}" "''${extraArgs[@]}"
        ln -s "$executable" "$out/bin/python3"
        ln -s "$executable" "$out/bin/python"
        for p in $paths; do
          [ "$p" != "$python" ] && [ -d "$p/bin" ] || continue
          for prog in "$p"/bin/*; do
            [ -f "$prog" ] && [ -x "$prog" ] || continue
            name=''${prog##*/}
            if [ -e "$out/bin/$name" ]; then
              [ -n "$ignoreCollisions" ] && continue
              echo "collision between $out/bin/$name and $prog" >&2; exit 1
            fi
            makeWrapper "$prog" "$out/bin/$name" --set NIX_PYTHONPREFIX "$out" \
              --set NIX_PYTHONEXECUTABLE "$out/bin/$executable" \
              --set NIX_PYTHONPATH "$out/$sitePackages" "''${userSite[@]}" "''${extraArgs[@]}"
          done
        done
        eval "$postBuild"
      '';
      passthru = python.passthru // {
        interpreter = "${env}/bin/${python.executable}";
        inherit python;
        env = shellEnv;
      };
      meta = python.meta;
    };
    # For `nix-shell -A <env>.env`; building it fails on purpose, as in nixpkgs.
    shellEnv = stdenvNoCC.mkDerivation {
      name = "interactive-${python.name}-environment";
      nativeBuildInputs = [ env ];
      buildCommand = ''
        echo >&2 ""
        echo >&2 "*** Python 'env' attributes are intended for interactive nix-shell sessions, not for building! ***"
        echo >&2 ""
        exit 1
      '';
    };
  in
  env
) { }
