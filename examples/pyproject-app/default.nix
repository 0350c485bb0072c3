# A pyproject.toml project as an application: buildPythonApplication reads its name, version,
# dependencies and build system from pyproject.toml, mach-nix resolves the dependencies, and the
# result has the project's console script (bin/weather-cli) with them on its path.
# m is mach-nix.lib.<system> (or `import mach-nix { inherit pkgs; }`).
{ m }:
m.buildPythonApplication {
  src = ./.;
  providers._default = "wheel";
}
