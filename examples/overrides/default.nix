# The three ways to change what mach-nix builds, on one environment:
#   providers:     where a package comes from; here packaging is nixpkgs' own package instead of
#                  the wheel every other package comes from
#   overridesPre:  a python package-set overlay applied before mach-nix's, so what it changes is
#                  what the nixpkgs provider takes (here: nixpkgs' packaging, with a file added)
#   overridesPost: an overlay applied after mach-nix's, on the packages it resolved (here idna)
#   _:             mach-nix's short form for one attribute of one package (here requests'
#                  postInstall; `.add` appends to a list, `.mod = old: …` computes from the old)
# m is mach-nix.lib.<system> (or `import mach-nix { inherit pkgs; }`).
{ m }:
m.mkPython {
  requirements = builtins.readFile ./requirements.txt;
  providers = {
    _default = "wheel";
    packaging = "nixpkgs";
  };
  overridesPre = [
    (pySelf: pySuper: {
      packaging = pySuper.packaging.overridePythonAttrs (old: {
        postInstall = (old.postInstall or "") + ''
          echo "nixpkgs' packaging, changed before mach-nix" > $out/overridden-pre
        '';
      });
    })
  ];
  overridesPost = [
    (pySelf: pySuper: {
      idna = pySuper.idna.overridePythonAttrs (old: {
        postInstall = (old.postInstall or "") + ''
          echo "idna ${old.version} from its wheel, changed after mach-nix" > $out/overridden-post
        '';
      });
    })
  ];
  _.requests.postInstall = ''
    echo "requests, changed by _" > $out/overridden-underscore
  '';
}
