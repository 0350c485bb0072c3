# The stand-in stdenv's setup script (installed as $stdenv/setup). Sourced by
# default-builder.sh, by `nix develop` (get-env.sh) and by `nix-shell`, so it only defines
# functions and sets up the environment from the inputs; genericBuild runs the phases.
# Semantics follow nixpkgs' stdenv (phases, runHook, setup hooks, propagation) in a small
# form; see README.md for what is left out.

initialInputs="@initialInputs@"
initialPath="@initialPath@"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-315532800}  # as nixpkgs: 1980, valid in zips
export NIX_BUILD_CORES=${NIX_BUILD_CORES:-1}
shell=/bin/bash
export CONFIG_SHELL=/bin/bash
: "${outputs:=out}"

# --- hooks ---------------------------------------------------------------------------------

# Evaluate a hook: a function name is called, anything else is evaluated as shell code.
_eval() {
  if declare -F "$1" >/dev/null; then "$@"; else eval "$1"; fi
}

# runHook NAME: the implicit hook first ($NAME as a function or as code), then the entries
# of the array ${NAME}Hooks (e.g. postFixupHooks+=(f)).
runHook() {
  local hookName=$1; shift
  local arr="${hookName%Hook}Hooks[@]" hook
  if declare -F "$hookName" >/dev/null; then "$hookName" "$@"
  elif [ -n "${!hookName:-}" ]; then eval "${!hookName}"; fi
  for hook in ${!arr+"${!arr}"}; do _eval "$hook" "$@"; done
  return 0
}

envHooks=()
hostOffset=0 targetOffset=1
addEnvHooks() { shift; envHooks+=("$@"); }  # the offset argument is ignored: no cross builds

addToSearchPathWithCustomDelimiter() {
  local delimiter=$1 varName=$2 dir=$3
  if [[ -d $dir && ":${!varName:-}:" != *":$dir:"* ]]; then
    export "$varName=${!varName:+${!varName}${delimiter}}${dir}"
  fi
}
addToSearchPath() { addToSearchPathWithCustomDelimiter ":" "$@"; }

# --- inputs --------------------------------------------------------------------------------

# Depth-first over inputs and their nix-support/propagated-* files; each path once.
declare -A _visited=()
_allDeps=()
_findInputs() {
  local p=$1 f
  [[ -n ${_visited[$p]:-} ]] && return 0
  _visited[$p]=1
  _allDeps+=("$p")
  for f in propagated-build-inputs propagated-native-build-inputs propagated-user-env-packages; do
    if [[ -f $p/nix-support/$f ]]; then
      local q
      for q in $(<"$p/nix-support/$f"); do _findInputs "$q"; done
    fi
  done
}

_setupInputs() {
  local p h
  for p in $initialInputs ${depsBuildBuild:-} ${nativeBuildInputs:-} ${buildInputs:-} \
           ${propagatedNativeBuildInputs:-} ${propagatedBuildInputs:-}; do
    _findInputs "$p"
  done
  local path=""
  for p in "${_allDeps[@]}"; do
    if [[ -f $p ]]; then source "$p"      # a plain file input is a setup hook itself
    elif [[ -f $p/nix-support/setup-hook ]]; then source "$p/nix-support/setup-hook"; fi
    [[ -d $p/bin ]] && path+="${path:+:}$p/bin"
  done
  for p in "${_allDeps[@]}"; do
    for h in ${envHooks[@]+"${envHooks[@]}"}; do _eval "$h" "$p"; done
  done
  [[ ${PATH:-} == /path-not-set ]] && PATH=  # what Nix gives builders
  export PATH="${path:+$path:}$initialPath${PATH:+:$PATH}"
}

# --- helpers used by phases and hooks ------------------------------------------------------

# /nix/store/<hash>-name -> name
stripHash() {
  local b=${1##*/}
  if [[ $b =~ ^[0-9a-z]{32}- ]]; then echo "${b:33}"; else echo "$b"; fi
}

# substitute IN OUT [--replace-fail|--replace-warn|--replace A B] [--subst-var V] [--subst-var-by V X]
substitute() {
  local input=$1 output=$2; shift 2
  local content; content=$(<"$input"; printf x); content=${content%x}
  while (($#)); do
    case $1 in
      --replace-fail | --replace-warn | --replace-quiet | --replace)
        if [[ $1 == --replace-fail && $content != *"$2"* ]]; then
          echo "substitute: '$2' not found in $input" >&2; return 1
        fi
        content=${content//"$2"/"$3"}; shift 3 ;;
      --subst-var) content=${content//"@$2@"/"${!2}"}; shift 2 ;;
      --subst-var-by) content=${content//"@$2@"/"$3"}; shift 3 ;;
      *) echo "substitute: unknown argument $1" >&2; return 1 ;;
    esac
  done
  printf '%s' "$content" >"$output.tmp$$" && mv "$output.tmp$$" "$output"
}
substituteInPlace() { local f=$1; shift; substitute "$f" "$f" "$@"; }
# Replace every @name@ whose `name` is an environment variable.
substituteAll() {
  local args=() v
  for v in $(compgen -e); do [[ $v =~ ^[a-zA-Z_][a-zA-Z0-9_]*$ ]] && args+=(--subst-var "$v"); done
  substitute "$1" "$2" "${args[@]}"
}

# Rewrite `#!/usr/bin/env prog` and `#!/some/dir/prog` to the store path of `prog` on PATH
# (a program not found in the store stays as it is).
patchShebangs() {
  local f first interp args found
  while IFS= read -r -d '' f; do
    IFS= read -r first <"$f" || true
    [[ $first == '#!'* ]] || continue
    read -r interp args <<<"${first#'#!'}"
    if [[ $interp == */env ]]; then read -r interp args <<<"$args"; fi
    [[ $interp == /nix/store/* ]] && continue
    found=$(command -v "${interp##*/}" || true)
    [[ $found == /nix/store/* ]] || continue
    [[ -w $f ]] || chmod u+w "$f"
    sed -i "1s|.*|#!$found${args:+ $args}|" "$f"
  done < <(find "$@" -type f -perm -0100 -print0)
}

# --- phases --------------------------------------------------------------------------------

_hasMakefile() { [[ -n ${makefile:-} || -e Makefile || -e makefile || -e GNUmakefile ]]; }

unpackFile() {
  local f=$1
  if [[ -n ${unpackCmd:-} ]]; then curSrc=$f eval "$unpackCmd"; return; fi
  case $f in
    *.zip | *.ZIP | *.whl) unzip -qq "$f" ;;
    *.tar | *.tar.* | *.tgz | *.tbz2 | *.tbz | *.txz) tar xf "$f" --warning=no-timestamp ;;
    *)
      if [[ -d $f ]]; then cp -pr --reflink=auto -- "$f" "$(stripHash "$f")"
      else echo "unpackFile: do not know how to unpack $f" >&2; return 1; fi ;;
  esac
}

unpackPhase() {
  runHook preUnpack
  local s before after
  [[ -n ${srcs:-} ]] || srcs=${src:?"variable \$src or \$srcs should point to the source"}
  before=$(find . -mindepth 1 -maxdepth 1 -type d | sort)
  for s in $srcs; do unpackFile "$s"; done
  if [[ -z ${sourceRoot:-} ]]; then
    after=$(comm -13 <(echo "$before") <(find . -mindepth 1 -maxdepth 1 -type d | sort))
    if [[ -z $after || $after == *$'\n'* ]]; then
      echo "unpackPhase: expected one directory from the sources, got: ${after:-none}" >&2
      return 1
    fi
    sourceRoot=$after
  fi
  chmod -R u+w -- "$sourceRoot"
  runHook postUnpack
}

patchPhase() {
  runHook prePatch
  local p
  for p in ${patches:-}; do
    echo "applying patch $p"
    case $p in
      *.gz) gzip -dc "$p" ;; *.bz2) bzip2 -dc "$p" ;; *.xz) xz -dc "$p" ;; *) cat "$p" ;;
    esac | patch ${patchFlags:--p1}
  done
  runHook postPatch
}

configurePhase() {
  runHook preConfigure
  if [[ -z ${configureScript:-} && -x ./configure ]]; then configureScript=./configure; fi
  if [[ -n ${configureScript:-} ]]; then
    local prefixFlag=()
    [[ -n ${dontAddPrefix:-} ]] || prefixFlag=(--prefix="${prefix:-$out}")
    $configureScript "${prefixFlag[@]}" ${configureFlags:-}
  else
    echo "no configure script, doing nothing"
  fi
  runHook postConfigure
}

buildPhase() {
  runHook preBuild
  if [[ -z ${makeFlags:-} ]] && ! _hasMakefile; then echo "no Makefile or custom buildPhase, doing nothing"
  else make ${makefile:+-f $makefile} -j"$NIX_BUILD_CORES" ${makeFlags:-} ${buildFlags:-}; fi
  runHook postBuild
}

checkPhase() {
  runHook preCheck
  if _hasMakefile && make -n ${makefile:+-f $makefile} ${checkTarget:-check} >/dev/null 2>&1; then
    make ${makefile:+-f $makefile} ${makeFlags:-} ${checkFlags:-} ${checkTarget:-check}
  else echo "no check target, doing nothing"; fi
  runHook postCheck
}

installPhase() {
  runHook preInstall
  if [[ -z ${makeFlags:-} ]] && ! _hasMakefile; then echo "no Makefile or custom installPhase, doing nothing"
  else mkdir -p "${prefix:-$out}"; make ${makefile:+-f $makefile} ${makeFlags:-} ${installFlags:-} ${installTargets:-install}; fi
  runHook postInstall
}

fixupPhase() {
  local o
  for o in $outputs; do [[ -e ${!o} ]] && chmod -R u+w -- "${!o}"; done
  runHook preFixup
  for o in $outputs; do [[ -e ${!o} && -z ${dontPatchShebangs:-} ]] && patchShebangs "${!o}"; done
  if [[ -n ${propagatedBuildInputs:-} ]]; then
    mkdir -p "$out/nix-support"; echo $propagatedBuildInputs >"$out/nix-support/propagated-build-inputs"
  fi
  if [[ -n ${propagatedNativeBuildInputs:-} ]]; then
    mkdir -p "$out/nix-support"; echo $propagatedNativeBuildInputs >"$out/nix-support/propagated-native-build-inputs"
  fi
  if [[ -n ${setupHook:-} ]]; then
    mkdir -p "$out/nix-support"; substituteAll "$setupHook" "$out/nix-support/setup-hook"
  fi
  runHook postFixup
}

installCheckPhase() {
  runHook preInstallCheck
  if _hasMakefile && make -n ${makefile:+-f $makefile} ${installCheckTarget:-installcheck} >/dev/null 2>&1; then
    make ${makefile:+-f $makefile} ${makeFlags:-} ${installCheckFlags:-} ${installCheckTarget:-installcheck}
  else echo "no installcheck target, doing nothing"; fi
  runHook postInstallCheck
}

distPhase() {
  runHook preDist
  make ${makefile:+-f $makefile} ${distFlags:-} ${distTarget:-dist}
  mkdir -p "$out/tarballs"; cp -pvd ${tarballs:-*.tar.gz} "$out/tarballs"
  runHook postDist
}

# Runs one phase: a variable of that name (code, or the name of a function such as
# wheelUnpackPhase) wins over the function of the same name.
runPhase() {
  local phase=$1
  case $phase in
    unpackPhase) [[ -n ${dontUnpack:-} ]] && return ;;
    patchPhase) [[ -n ${dontPatch:-} ]] && return ;;
    configurePhase) [[ -n ${dontConfigure:-} ]] && return ;;
    buildPhase) [[ -n ${dontBuild:-} ]] && return ;;
    checkPhase) [[ -z ${doCheck:-} ]] && return ;;
    installPhase) [[ -n ${dontInstall:-} ]] && return ;;
    fixupPhase) [[ -n ${dontFixup:-} ]] && return ;;
    installCheckPhase) [[ -z ${doInstallCheck:-} ]] && return ;;
    distPhase) [[ -z ${doDist:-} ]] && return ;;
  esac
  echo "Running phase: $phase"
  eval "${!phase:-$phase}"
  if [[ $phase == unpackPhase ]]; then cd "${sourceRoot:-.}"; fi
  return 0
}

genericBuild() {
  if [[ -f ${buildCommandPath:-} ]]; then source "$buildCommandPath"; return; fi
  if [[ -n ${buildCommand:-} ]]; then eval "$buildCommand"; return; fi
  local phase
  for phase in ${phases:-${prePhases[*]:-} unpackPhase patchPhase ${preConfigurePhases[*]:-} \
      configurePhase ${preBuildPhases[*]:-} buildPhase checkPhase ${preInstallPhases[*]:-} \
      installPhase ${preFixupPhases[*]:-} fixupPhase installCheckPhase ${preDistPhases[*]:-} \
      distPhase ${postPhases[*]:-}}; do
    runPhase "$phase"
  done
}

_setupInputs
runHook postHook
