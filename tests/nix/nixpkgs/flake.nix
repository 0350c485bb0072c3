{
  description = "minipkgs: a nixpkgs stand-in with the same attribute shape, for offline tests";
  # No inputs: everything comes from this folder and the host's tools. legacyPackages has
  # x86_64-darwin too, as nixpkgs' flake at the pin does, but it throws (see default.nix).
  outputs = { self }:
    let
      lib = import ./lib.nix;
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
    in
    {
      inherit lib;
      legacyPackages = lib.genAttrs systems (system: import ./. { inherit system; });
    };
}
