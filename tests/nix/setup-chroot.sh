#!/usr/bin/env bash
# A Debian trixie chroot with Nix 2.26, so every Nix test also runs under a modern Nix
# (real nixpkgs needs Nix >= 2.18; the host's Debian bookworm has 2.8).
#
#   setup-chroot.sh [setup]      idempotent: debootstrap, apt packages, host libraries
#   setup-chroot.sh run CMD...   run CMD inside the chroot, with the mounts below in a private
#                                mount namespace (gone when CMD exits; concurrent runs are fine)
#   setup-chroot.sh teardown     unmount whatever an interrupted run left behind
#
# The chroot keeps its own /nix/store (in $ROOT/nix). Paths the tests share with the host are
# bind-mounted at the same paths: the host's CPython 3.11 (/usr/bin/python3.11 + stdlib,
# matching the cp311 wheels of the local mirror) and node (binary, headers, bundled
# npm/node-gyp), the wheels, the npm cache, the project, /tmp. Trixie's own CPython 3.13 is
# /usr/bin/python3 here, as 3.13 is nixpkgs' python3 at the pin. The stand-in learns which
# interpreters a machine has from tests/nix/nixpkgs/machine.json (bookworm's: 3.11); `run`
# mounts this chroot's description (python3 = 3.13, python311 = the host's, glibc 2.41) over it.
# Root only (debootstrap, chroot, mount).
set -euo pipefail

ROOT=${MACH_NIX_CHROOT:-/var/cache/mach-nix-ci/trixie}
MIRROR=${MACH_NIX_CHROOT_MIRROR:-http://deb.debian.org/debian}
SELF=$(realpath "${BASH_SOURCE[0]}")
PROJECT=$(cd "$(dirname "$SELF")/../.." && pwd)
NPM_CACHE=${npm_config_cache:-${HOME:-/root}/.npm}
# trixie packages: Nix itself, what builds need (a C/C++ toolchain for node-gyp, basic tools),
# CPython 3.13 (python3), and skopeo (1.18 reads gzipped docker-archives; bookworm's 1.9 does not)
PACKAGES=(nix-bin g++ make patch bash coreutils findutils gzip tar xz-utils bzip2 unzip ca-certificates skopeo python3 python3.13)
# what the stand-in is told about this chroot (see tests/nix/nixpkgs/default.nix)
MACHINE_JSON=$ROOT/etc/mach-nix/stand-in-machine.json
STAND_IN_MACHINE=$PROJECT/tests/nix/nixpkgs/machine.json

# Host paths bind-mounted at the same path (files and folders); missing ones are skipped.
shared_paths() {
  # the project's git directory too, where it lies outside (a git worktree's is in the main checkout)
  local git_dir
  git_dir=$(git -C "$PROJECT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  [[ -z $git_dir || $git_dir == "$PROJECT"/* ]] || printf '%s\n' "$git_dir"
  printf '%s\n' "$PROJECT" /tmp /opt/pypi /opt/pypi-more /opt/wheels /usr/share/python-wheels \
    "$NPM_CACHE" /usr/bin/python3.11 /usr/lib/python3.11 /etc/python3.11 /usr/include/python3.11 \
    /usr/include/x86_64-linux-gnu/python3.11 \
    /usr/bin/node /usr/include/node /usr/lib/node_modules/npm
}

MOUNTED=()   # mount points in mount order; unmounted in reverse

mount_one() { # mount_one TARGET mount-args...
  local target=$1; shift
  mount "$@" "$target"
  MOUNTED+=("$target")
}

teardown() {
  local i
  for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTED[i]}" 2>/dev/null || umount -l "${MOUNTED[i]}" || true
  done
  MOUNTED=()
}

mount_all() {
  trap teardown EXIT
  mount_one "$ROOT/proc" -t proc proc
  mount_one "$ROOT/dev" --bind /dev
  mount_one "$ROOT/dev/pts" --bind /dev/pts
  local p t
  while IFS= read -r p; do
    [[ -e $p ]] || continue
    t=$ROOT$p
    if [[ -d $p ]]; then mkdir -p "$t"; else mkdir -p "$(dirname "$t")"; [[ -e $t ]] || : >"$t"; fi
    mount_one "$t" --bind "$p"
  done < <(shared_paths)
  mount_one "$ROOT$STAND_IN_MACHINE" --bind "$MACHINE_JSON"
}

# Host libraries needed by python3.11 and its lib-dynload modules that trixie does not have
# (ldd run inside the chroot reports them "not found").
# (run in the private mount namespace of `run`, so the host never sees the mounts)
host_libs() {
  bash "$SELF" run sh -c 'ldd /usr/bin/python3.11 /usr/lib/python3.11/lib-dynload/*.so 2>/dev/null' |
    awk '/not found/ { print $1 }' | sort -u |
    while IFS= read -r soname; do
      ldconfig -p | awk -v s="$soname" '$1 == s && /x86-64/ { print $NF; exit }'
    done
}

setup() {
  if [[ ! -x $ROOT/usr/bin/apt-get ]]; then
    command -v debootstrap >/dev/null || { echo "setup-chroot: install debootstrap first" >&2; exit 1; }
    mkdir -p "$ROOT"
    debootstrap --variant=minbase trixie "$ROOT" "$MIRROR"
  fi
  local marker=$ROOT/etc/mach-nix-packages
  if [[ ! -f $marker || $(cat "$marker") != "${PACKAGES[*]}" ]]; then
    trap teardown EXIT
    mount_one "$ROOT/proc" -t proc proc
    mount_one "$ROOT/dev" --bind /dev
    mount_one "$ROOT/dev/pts" --bind /dev/pts
    cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
    chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive sh -c \
      "apt-get update -qq && apt-get install -y -qq --fix-broken --no-install-recommends ${PACKAGES[*]}"
    teardown; trap - EXIT
    echo "${PACKAGES[*]}" >"$marker"
  fi
  # npm/npx from the host's node (links into bind-mounted paths dangle outside `run`: test with -L)
  [[ -L $ROOT/usr/bin/npm ]] || ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/bin/npm"
  [[ -L $ROOT/usr/bin/npx ]] || ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOT/usr/bin/npx"
  mkdir -p "$(dirname "$MACHINE_JSON")"
  local glibc
  glibc=$(chroot "$ROOT" getconf GNU_LIBC_VERSION | awk '{ print $2 }')
  printf '{ "python3": "3.13", "interpreters": { "3.11": "/usr/bin/python3.11", "3.13": "/usr/bin/python3.13" }, "glibc": "%s", "packages": "%s" }\n' \
    "$glibc" "${PACKAGES[*]}" >"$MACHINE_JSON"
  # copied (a bind mount would need a placeholder file that gets in dpkg's way) to the same
  # path as on the host, a default library path, so images built in the chroot find them too
  local lib
  for lib in $(host_libs); do cp -L "$lib" "$ROOT$lib"; done
  chroot "$ROOT" ldconfig
  # smoke test with every mount in place
  bash "$SELF" run sh -c 'nix --version && for p in python3.11 python3.13; do $p -c "import ssl, sqlite3, ctypes, decimal, lzma, bz2, sys; print(sys.version.split()[0])"; done && node --version' |
    tr '\n' ' '
  echo "(chroot $ROOT ready)"
}

run() {
  if [[ ${MACH_NIX_IN_NS:-} != 1 ]]; then
    # a private mount namespace: mounts vanish with the process, even on SIGKILL
    MACH_NIX_IN_NS=1 exec unshare --mount --propagation private bash "$SELF" run "$@"
  fi
  [[ -x $ROOT/usr/bin/nix ]] || { echo "setup-chroot: no chroot at $ROOT; run tests/nix/setup-chroot.sh" >&2; exit 1; }
  mount_all
  local rc=0
  chroot "$ROOT" "$@" || rc=$?
  exit "$rc"
}

# Unmount leftovers (mount points under $ROOT, deepest first), e.g. after a killed `setup`.
teardown_all() {
  local m
  awk -v r="$ROOT/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while IFS= read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}

case ${1:-setup} in
  setup) setup ;;
  run) shift; run "$@" ;;
  teardown) teardown_all ;;
  *) echo "usage: $0 [setup | run CMD... | teardown]" >&2; exit 2 ;;
esac
