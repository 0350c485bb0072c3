# Host programs as store paths ($out/bin/<prog> -> /usr/bin/<prog>): this machine has no
# nixpkgs to build them from. Impure by design — the derivations do not change when the host
# programs do, only when the machine's description (machine.json, which lists the chroot's
# Debian packages) does; `nix-support/host-paths` lets dockerTools put the host files into images.
{ lib, system, machine }:
let
  hostTool = { name, programs, extraLinks ? [ ], mainProgram ? null }:
    derivation {
      inherit name system;
      builder = "/bin/bash";
      args = [ "-e" ./build-support/host-tool.sh ];
      programs = toString programs;
      extraLinks = toString extraLinks;
      machine = builtins.toJSON machine;
    } // {
      pname = name;
      version = "host";
      meta = lib.optionalAttrs (mainProgram != null) { inherit mainProgram; };
    };

  # GNU coreutils' programs (those the host lacks are left out by host-tool.sh)
  coreutilsPrograms = [
    "[" "arch" "b2sum" "base32" "base64" "basename" "basenc" "cat" "chcon" "chgrp" "chmod" "chown"
    "chroot" "cksum" "comm" "cp" "csplit" "cut" "date" "dd" "df" "dir" "dircolors" "dirname" "du"
    "echo" "env" "expand" "expr" "factor" "false" "fmt" "fold" "groups" "head" "hostid" "id"
    "install" "join" "link" "ln" "logname" "ls" "md5sum" "mkdir" "mkfifo" "mknod" "mktemp" "mv"
    "nice" "nl" "nohup" "nproc" "numfmt" "od" "paste" "pathchk" "pinky" "pr" "printenv" "printf"
    "ptx" "pwd" "readlink" "realpath" "rm" "rmdir" "runcon" "seq" "sha1sum" "sha224sum"
    "sha256sum" "sha384sum" "sha512sum" "shred" "shuf" "sleep" "sort" "split" "stat" "stdbuf"
    "stty" "sum" "sync" "tac" "tail" "tee" "test" "timeout" "touch" "tr" "true" "truncate" "tsort"
    "tty" "uname" "unexpand" "uniq" "unlink" "users" "vdir" "wc" "who" "whoami" "yes"
  ];
in
rec {
  inherit hostTool;
  bash = hostTool { name = "bash-host"; programs = [ "bash" "sh=/bin/bash" ]; mainProgram = "bash"; };
  bashInteractive = bash;
  coreutils = hostTool { name = "coreutils-host"; programs = coreutilsPrograms; };
  # No busybox on the host: the usual applet names, served by the host's programs.
  busybox = hostTool {
    name = "busybox-host";
    programs = coreutilsPrograms ++ [ "sh=/bin/sh" "grep" "sed" "find" "xargs" "tar" "gzip" "which" "less" "vi" ];
  };
  gnutar = hostTool { name = "gnutar-host"; programs = [ "tar" ]; };
  gzip = hostTool { name = "gzip-host"; programs = [ "gzip" "gunzip" "zcat" ]; };
  bzip2 = hostTool { name = "bzip2-host"; programs = [ "bzip2" "bunzip2" "bzcat" ]; };
  xz = hostTool { name = "xz-host"; programs = [ "xz" "unxz" "xzcat" ]; };
  lbzip2 = bzip2;
  unzip = hostTool { name = "unzip-host"; programs = [ "unzip" ]; };
  zstd = hostTool { name = "zstd-host"; programs = [ "zstd" "unzstd" "zstdcat" ]; };
  gnused = hostTool { name = "gnused-host"; programs = [ "sed" ]; };
  gnugrep = hostTool { name = "gnugrep-host"; programs = [ "grep" ]; };
  gawk = hostTool { name = "gawk-host"; programs = [ "awk" "gawk" ]; };
  findutils = hostTool { name = "findutils-host"; programs = [ "find" "xargs" ]; };
  diffutils = hostTool { name = "diffutils-host"; programs = [ "diff" "cmp" ]; };
  gnumake = hostTool { name = "gnumake-host"; programs = [ "make" ]; };
  gnupatch = hostTool { name = "gnupatch-host"; programs = [ "patch" ]; };
  which = hostTool { name = "which-host"; programs = [ "which" ]; };
  file = hostTool { name = "file-host"; programs = [ "file" ]; };
  # the C/C++ toolchain of `stdenv` (not of stdenvNoCC)
  cc = hostTool { name = "gcc-wrapper-host"; programs = [ "cc" "c++" "gcc" "g++" "cpp" "ld" "as" "ar" "ranlib" "strip" ]; }
    // { isGNU = true; isClang = false; cc = cc; libc = null; };
}
