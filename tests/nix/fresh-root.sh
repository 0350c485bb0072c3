#!/usr/bin/env bash
# The quick start and the Nix tests as a machine that never had Nix sees them: a fresh Debian
# bookworm root (debootstrap, never entered, copied anew for every run), with what a new machine
# of this project's kind brings (node 20 with npm and its cache; the local PyPI mirror; pyenv's
# pip with its configuration and environment) from this machine, and a clean clone of this
# repository's HEAD (no node_modules: the quick start runs `npm ci`). In it:
#   1. with nothing but `apt-get install nix-bin`, a host-Nix build fails the way the issue
#      reported (no `nixbld` group) — the check that the root is really new;
#   2. the README's quick start, `./quickstart` from the clean clone, with host Nix only
#      (MACH_NIX_NIX_VARIANTS=host-2.8: no nested trixie chroot; MACH_NIX_QUICKSTART_ONCE=1):
#      it runs `.ci/setup-nix` and `npm ci`, locks, builds and serves examples/flask-app, and
#      must print the plain note about the nixpkgs stand-in and the app's `Hello, world!`;
#   3. `.ci/setup-nix` again (idempotent), then the harness tests and real host-Nix builds of
#      the stand-in pass.
# Re-runnable; root only. MACH_NIX_FRESH_ROOT sets where the roots live.
#   tests/nix/fresh-root.sh          run the check (about 5 minutes)
#   tests/nix/fresh-root.sh clean    remove the roots
set -euo pipefail

BASE=${MACH_NIX_FRESH_ROOT:-/var/cache/mach-nix-ci/fresh-bookworm}
PRISTINE=$BASE/pristine
ROOT=$BASE/root
MIRROR=${MACH_NIX_CHROOT_MIRROR:-http://deb.debian.org/debian}
SELF=$(realpath "${BASH_SOURCE[0]}")
PROJECT=$(cd "$(dirname "$SELF")/../.." && pwd)
NPM_CACHE=${npm_config_cache:-${HOME:-/root}/.npm}

# What a new machine of the project's kind has before .ci/run starts, taken from this machine
# (bind-mounted read-only where they are): node and npm (not in bookworm's apt) with their
# configuration (root's .npmrc names nodedir=/usr, where node-gyp finds node's headers offline),
# the local PyPI mirror pip is configured with, and that pip: pyenv's, with its configuration files (user,
# global, XDG; the find-links folder they name). The npm cache is copied instead: npm ci
# writes to it.
machine_paths() {
  printf '%s\n' /usr/bin/node /usr/lib/node_modules/npm /usr/include/node /etc/npmrc /usr/etc/npmrc /root/.npmrc \
    /opt/pypi /opt/pypi-more \
    /root/.pyenv /root/.config/pip /etc/pip.conf /etc/xdg/pip /opt/wheels
}
# ... and its environment: pyenv's shims first on PATH, and pip's settings from the environment
# (PIP_*, as this machine's are, e.g. PIP_FIND_LINKS).
machine_env() {
  printf '%s\n' PATH=/root/.pyenv/shims:/root/.pyenv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYENV_ROOT=/root/.pyenv
  env | grep -E '^PIP_[A-Z_]+=' | sort || true
}

# The host-Nix tests run in the root: the harness's settings and build users, and builds of
# the stand-in's interpreter, environments and wheel packages.
TESTS=(tests/nix/harness.test.ts tests/nix/stand-in.test.ts)
PATTERN='harness|build user|nix.conf|isolated environment|format = "wheel"'

inside() { chroot "$ROOT" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb "$@"; }

run_check() {
  if [[ ${MACH_NIX_IN_NS:-} != 1 ]]; then
    # a private mount namespace: the bind mounts vanish with the process
    MACH_NIX_IN_NS=1 exec unshare --mount --propagation private bash "$SELF" "$@"
  fi
  if [[ ! -x $PRISTINE/usr/bin/apt-get ]]; then
    command -v debootstrap >/dev/null || { echo "fresh-root: apt-get install debootstrap first" >&2; exit 1; }
    rm -rf "$PRISTINE"
    mkdir -p "$PRISTINE"
    debootstrap --variant=minbase bookworm "$PRISTINE" "$MIRROR"
  fi
  echo "== a fresh bookworm root at $ROOT"
  rm -rf "$ROOT"
  cp -a "$PRISTINE" "$ROOT"
  if chroot "$ROOT" getent group nixbld >/dev/null; then
    echo "fresh-root: $ROOT already has a nixbld group" >&2; exit 1
  fi
  [[ $NPM_CACHE == /root/.npm ]] || { echo "fresh-root: the npm cache must be /root/.npm" >&2; exit 1; }
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  git clone --quiet "$PROJECT" "$ROOT/src"
  echo "   clean clone of $(git -C "$PROJECT" rev-parse --short HEAD) at /src"
  cp -a "$NPM_CACHE" "$ROOT/root/.npm"
  # step 1's test runs before the quick start's `npm ci`: it borrows the host's node_modules
  # (same lock), removed again before step 2
  cp -a "$PROJECT/node_modules" "$ROOT/src/node_modules"
  mount -t proc proc "$ROOT/proc"
  mount --bind /dev "$ROOT/dev"
  mount --bind /dev/pts "$ROOT/dev/pts"
  local p t
  while IFS= read -r p; do
    [[ -e $p ]] || continue
    t=$ROOT$p
    if [[ -d $p ]]; then mkdir -p "$t"; else mkdir -p "$(dirname "$t")"; : >"$t"; fi
    mount --bind "$p" "$t"
    mount -o remount,bind,ro "$t"
  done < <(machine_paths)
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/bin/npm"

  echo "== 1. Nix without set-up (apt-get install nix-bin): the build must fail for want of nixbld"
  inside sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nix-bin >/dev/null'
  local before
  before=$(inside sh -c 'cd /src && MACH_NIX_NIX_VARIANTS=host-2.8 node --import tsx --test --test-name-pattern="build user" tests/nix/harness.test.ts 2>&1' || true)
  if ! grep -q "the group 'nixbld' specified in 'build-users-group' does not exist" <<<"$before"; then
    echo "$before" | tail -30
    echo "fresh-root: expected the missing-nixbld failure before .ci/setup-nix" >&2; exit 1
  fi
  echo "   failed as on a new machine: the group 'nixbld' specified in 'build-users-group' does not exist"
  git -C "$ROOT/src" clean -fdxq
  [[ -z $(git -C "$ROOT/src" status --porcelain --ignored) ]] || { echo "fresh-root: /src is not a clean clone" >&2; exit 1; }

  echo "== 2. the quick start: MACH_NIX_NIX_VARIANTS=host-2.8 MACH_NIX_QUICKSTART_ONCE=1 ./quickstart"
  local -a menv
  mapfile -t menv < <(machine_env)
  if ! chroot "$ROOT" env -i HOME=/root TERM=dumb "${menv[@]}" sh -c \
    'cd /src && MACH_NIX_NIX_VARIANTS=host-2.8 MACH_NIX_QUICKSTART_ONCE=1 ./quickstart' 2>&1 | tee "$BASE/quickstart.log"; then
    echo "fresh-root: ./quickstart failed (log: $BASE/quickstart.log)" >&2; exit 1
  fi
  grep -qx 'Hello, world!' "$BASE/quickstart.log" || { echo "fresh-root: ./quickstart did not print the app's 'Hello, world!'" >&2; exit 1; }
  grep -q '^NOTE: this machine has no nixpkgs and no PyPI, so this uses the nixpkgs stand-in bundled for' "$BASE/quickstart.log" ||
    { echo "fresh-root: ./quickstart did not print its note about the nixpkgs stand-in" >&2; exit 1; }
  echo "fresh-root: quickstart OK (the stand-in's note, then 'Hello, world!' from the app; log: $BASE/quickstart.log)"

  echo "== 3. .ci/setup-nix again, then host-Nix tests: ${TESTS[*]} (matching: $PATTERN)"
  inside sh -c 'cd /src && MACH_NIX_NIX_VARIANTS=host-2.8 bash .ci/setup-nix'
  inside sh -c "cd /src && MACH_NIX_NIX_VARIANTS=host-2.8 node --import tsx --test --test-reporter=spec \
    --test-name-pattern='$PATTERN' ${TESTS[*]}" | tee "$BASE/last-run.log" | grep -E '^\s*(✔|✖|ℹ (tests|pass|fail))'
  local failed passed
  passed=$(awk '/^ℹ pass/ { print $3 }' "$BASE/last-run.log")
  failed=$(awk '/^ℹ fail/ { print $3 }' "$BASE/last-run.log")
  [[ ${failed:-1} == 0 && ${passed:-0} -ge 4 ]] || { echo "fresh-root: tests failed (log: $BASE/last-run.log)" >&2; exit 1; }
  echo "fresh-root: OK ($passed passed, 0 failed; log: $BASE/last-run.log)"
}

case ${1:-check} in
  check) run_check check ;;
  clean) rm -rf "$PRISTINE" "$ROOT" ;;
  *) echo "usage: $0 [check | clean]" >&2; exit 2 ;;
esac
