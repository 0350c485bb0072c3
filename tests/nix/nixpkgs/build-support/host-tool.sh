# Builder of a host-tool package: $out/bin/<name> -> the host program, and
# $out/nix-support/host-paths listing the host files it needs at run time (the program, the
# links leading to it, its shared libraries), so images built from the package can carry them.
# $programs holds `name` (looked up in /usr/bin:/bin) or `name=/absolute/target` entries.
set -eo pipefail
export PATH=/usr/bin:/bin
mkdir -p "$out/bin" "$out/nix-support"
: >"$TMPDIR/targets"
for spec in $programs; do
  name=${spec%%=*}
  if [[ $spec == *=* ]]; then target=${spec#*=}; else target=$(type -P "$name" || true); fi   # a file, not a builtin
  [[ -n $target && -e $target ]] || continue
  target=$(readlink -f "$target")   # /bin is a link to usr/bin here; images keep usr/bin
  ln -s "$target" "$out/bin/$name"
  echo "$target" >>"$TMPDIR/targets"
done
for link in $extraLinks; do   # dir/name=/absolute/target, e.g. include/node=/usr/include/node
  mkdir -p "$out/$(dirname "${link%%=*}")"
  ln -s "${link#*=}" "$out/${link%%=*}"
  echo "${link#*=}" >>"$TMPDIR/targets"
done
while read -r target; do
  echo "$target"
  ldd "$target" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' || true
done <"$TMPDIR/targets" | sort -u >"$out/nix-support/host-paths"
