{
  description = "mach-nix: reproducible Python environments from requirements.txt, pyproject.toml or environment.yml";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/d407951447dcd00442e97087bf374aad70c04cea";
    pypi-deps-db = {
      url = "github:DavHau/pypi-deps-db/ba35683c35218acb5258b69a9916994979dc73a9";
      flake = false;
    };
  };

  outputs = { self, nixpkgs, pypi-deps-db }:
    let
      # No x86_64-darwin: the pinned nixpkgs (26.11 development) dropped it, and evaluating its
      # legacyPackages.x86_64-darwin throws. (The CLI still resolves for Intel Macs, for a
      # nixpkgs such as 26.05 that has them.)
      systems = [ "x86_64-linux" "aarch64-linux" "aarch64-darwin" ];
      forAllSystems = f: builtins.listToAttrs (map (system: { name = system; value = f system; }) systems);
      machNixFor = pkgs: import ./nix { inherit pkgs; pypiData = pypi-deps-db; };
      machNix = forAllSystems (system: machNixFor nixpkgs.legacyPackages.${system});
      api = [
        "mkPython" "mkPythonShell" "mkDockerImage" "mkOverlay" "mkNixpkgs" "mkPythonOverrides"
        "buildPythonPackage" "buildPythonApplication" "fetchPypiSdist" "fetchPypiWheel"
      ];
    in
    {
      lib = forAllSystems (system: builtins.listToAttrs (map (name: { inherit name; value = machNix.${system}.${name}; }) api));

      # The CLI knows which mach-nix it is (`mach-nix env` and `gen` pin it): this flake's commit
      # of its upstream repository, and the content's NAR hash.
      packages = forAllSystems (system: rec {
        mach-nix = machNix.${system}.cliWithSource {
          url = "github:mach-nix/mach-nix";
          rev = self.rev or null;
          inherit (self) narHash;
          lastModified = self.lastModified or null;
        };
        default = mach-nix;
      });

      apps = forAllSystems (system: rec {
        mach-nix = { type = "app"; program = "${self.packages.${system}.mach-nix}/bin/mach-nix"; };
        default = mach-nix;
      });

      devShells = forAllSystems (system: {
        default = nixpkgs.legacyPackages.${system}.mkShell {
          packages = [ nixpkgs.legacyPackages.${system}.nodejs ];
        };
      });

      overlays.default = final: _prev: {
        mach-nix = (machNixFor final).cli;
      };

      templates.default = {
        path = ./templates/default;
        description = "A Python environment from requirements.txt, built by mach-nix";
      };

      # Builds the CLI and calls every function of `lib` (nix/checks.nix; nothing there needs
      # import-from-derivation, so `nix flake check` works for every system).
      checks = forAllSystems (system: {
        cli = machNix.${system}.cli;
        lib = import ./nix/checks.nix { pkgs = nixpkgs.legacyPackages.${system}; lib = self.lib.${system}; };
      });
    };
}
