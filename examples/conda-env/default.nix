# A conda environment.yml built by mach-nix: its channels become providers (here conda/demo),
# `python=3.11` must match the interpreter, the pip section is resolved with the conda packages.
# The pip packages need a PyPI provider after the channel: wheel.
#   m:        `import mach-nix { inherit pkgs; condaChannelsExtra.demo = [ repodata ]; }`, the
#             channel's repodata.json given to mach-nix when it is imported
#   lockFile: null to resolve during evaluation, or what `mach-nix lock -r environment.yml
#             --conda demo=REPODATA …` wrote
{ m, lockFile ? null }:
m.mkPython {
  requirements = builtins.readFile ./environment.yml;
  providers._default = "conda/demo,wheel";
  inherit lockFile;
}
