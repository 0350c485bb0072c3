{
  description = "A Python environment from requirements.txt, built by mach-nix";

  inputs.mach-nix.url = "github:mach-nix/mach-nix";

  outputs = { self, mach-nix }:
    let
      system = "x86_64-linux";
      m = mach-nix.lib.${system};
      requirements = builtins.readFile ./requirements.txt;
    in
    {
      packages.${system} = {
        # nix build: the interpreter with the packages; result/bin/python
        default = m.mkPython { inherit requirements; };
        # nix build .#image: a layered Docker image running it
        image = m.mkDockerImage { inherit requirements; };
      };
      # nix develop: a shell with that interpreter
      devShells.${system}.default = m.mkPythonShell { inherit requirements; };
    };
}
