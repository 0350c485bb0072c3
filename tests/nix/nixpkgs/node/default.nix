# Node.js of the stand-in: the host's node (with its npm, node-gyp and headers), and
# importNpmLock / buildNpmPackage with nixpkgs' arguments.
{ lib, pkgs }:
let
  nodejs = pkgs.hostTool {
    name = "nodejs-host";
    programs = [ "node" "npm=/usr/lib/node_modules/npm/bin/npm-cli.js" "npx=/usr/lib/node_modules/npm/bin/npx-cli.js" ];
    extraLinks = [ "include/node=/usr/include/node" "lib/node_modules/npm=/usr/lib/node_modules/npm" ];
    mainProgram = "node";
  } // {
    pname = "nodejs";
    python = pkgs.python3;   # what node-gyp runs; buildNpmPackage adds it to nativeBuildInputs
  };
  importNpmLock = import ./import-npm-lock.nix { inherit lib pkgs nodejs; };
in
{
  inherit nodejs importNpmLock;
  nodejs_20 = nodejs;
  nodejs-slim = nodejs;
  buildNpmPackage = import ./build-npm-package.nix { inherit lib pkgs nodejs; };
}
