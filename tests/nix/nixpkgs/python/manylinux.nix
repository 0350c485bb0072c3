# pythonManylinuxPackages: lists, as in nixpkgs (pkgs/development/interpreters/python/manylinux):
# the libraries the manylinux policies allow a wheel to need. Here each list holds one package
# linking the host's copies in lib/, for autoPatchelfHook to find (and record) them, with
# nix-support/host-paths so images get them too.
{ hostTool }:
let
  libs = hostTool {
    name = "manylinux-host-libs";
    programs = [ ];
    extraLinks = map (so: "lib/${so}=/lib/x86_64-linux-gnu/${so}") [
      "libc.so.6" "libm.so.6" "libdl.so.2" "libpthread.so.0" "librt.so.1" "libstdc++.so.6"
      "libgcc_s.so.1" "libz.so.1" "libexpat.so.1"
    ];
  };
in
{
  manylinux1 = [ libs ];
  manylinux2010 = [ libs ];
  manylinux2014 = [ libs ];
  manylinux1Package = libs;
  manylinux2010Package = libs;
  manylinux2014Package = libs;
}
