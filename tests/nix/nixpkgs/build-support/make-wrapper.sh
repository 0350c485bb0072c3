# Setup hook: makeWrapper / wrapProgram, writing bash wrappers (run by the bash package, so
# images carry it) with nixpkgs' option names.
#   makeWrapper EXECUTABLE OUT [--argv0 NAME | --inherit-argv0 | --resolve-argv0]
#     [--set VAR VAL] [--set-default VAR VAL] [--unset VAR] [--prefix VAR SEP VAL]
#     [--suffix VAR SEP VAL] [--chdir DIR] [--run CMD] [--add-flags FLAGS] [--append-flags FLAGS]
makeWrapper() {
  local original=$1 wrapper=$2; shift 2
  [[ -x $original ]] || { echo "makeWrapper: $original is not executable" >&2; return 1; }
  local argv0='"$0"' flags="" appended="" lines=()
  while (($#)); do
    case $1 in
      --argv0) argv0=$(printf '%q' "$2"); shift 2 ;;
      --inherit-argv0 | --resolve-argv0) argv0='"$0"'; shift ;;
      --set) lines+=("export $2=$(printf '%q' "$3")"); shift 3 ;;
      --set-default) lines+=("export $2=\${$2-$(printf '%q' "$3")}"); shift 3 ;;
      --unset) lines+=("unset $2"); shift 2 ;;
      --prefix) lines+=("export $2=$(printf '%q' "$4")\${$2:+$(printf '%q' "$3")\$$2}"); shift 4 ;;
      --suffix) lines+=("export $2=\${$2:+\$$2$(printf '%q' "$3")}$(printf '%q' "$4")"); shift 4 ;;
      --chdir) lines+=("cd $(printf '%q' "$2")"); shift 2 ;;
      --run) lines+=("$2"); shift 2 ;;
      --add-flags) flags+=" $2"; shift 2 ;;
      --append-flags) appended+=" $2"; shift 2 ;;
      *) echo "makeWrapper: unknown argument $1" >&2; return 1 ;;
    esac
  done
  mkdir -p "$(dirname "$wrapper")"
  {
    echo "#!@shell@"
    printf '%s\n' ${lines[@]+"${lines[@]}"}
    echo "exec -a $argv0 $(printf '%q' "$original")$flags \"\$@\"$appended"
  } >"$wrapper"
  chmod +x "$wrapper"
}

# wrapProgram PROG ARGS...: moves PROG to .PROG-wrapped and puts a wrapper in its place.
wrapProgram() {
  local prog=$1; shift
  local hidden; hidden="$(dirname "$prog")/.$(basename "$prog")-wrapped"
  while [[ -e $hidden ]]; do hidden="${hidden}_"; done
  mv "$prog" "$hidden"
  makeWrapper "$hidden" "$prog" --inherit-argv0 "$@"
}
