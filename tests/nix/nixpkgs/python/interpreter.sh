# Builder of the stand-in's CPython, made from the host interpreter ($hostPython): its binary,
# stdlib and headers are copied to $out/base (so the store path is self-contained but for
# shared libraries), and $out is a venv over it — which keeps Debian's dist-packages scheme
# out and gives the standard $out/lib/pythonX.Y/site-packages (empty here).
set -eo pipefail
export PATH=/usr/bin:/bin
if [[ -z $hostPython || ! -x $hostPython ]]; then
  echo "python $pythonVersion of the nixpkgs stand-in is for evaluation only: this machine has no CPython $pythonVersion (tests/nix/nixpkgs/machine.json)" >&2
  exit 1
fi
actual=$("$hostPython" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [[ $actual != "$pythonVersion" ]]; then
  echo "python $pythonVersion of the nixpkgs stand-in: $hostPython is $actual" >&2
  exit 1
fi
real=$(readlink -f "$hostPython")
prefix=$("$hostPython" -c 'import sys; print(sys.base_prefix)')
base=$out/base
mkdir -p "$base/bin" "$base/lib" "$base/include"
cp "$real" "$base/bin/$executable"
cp -r "$prefix/lib/$executable" "$base/lib/"
# Debian's additions: the PEP 668 marker and the apport hook (a link into /etc)
rm -f "$base/lib/$executable/EXTERNALLY-MANAGED" "$base/lib/$executable/sitecustomize.py"
[[ -d $prefix/include/$executable ]] && cp -r "$prefix/include/$executable" "$base/include/"

site=$out/$sitePackages
mkdir -p "$out/bin" "$site" "$out/nix-support"
printf 'home = %s\ninclude-system-site-packages = false\nversion = %s\n' "$base/bin" "$fullVersion" >"$out/pyvenv.cfg"
# The venv is found through argv[0], so the wrapper names itself, wherever it is linked from.
bash=$(readlink -f /bin/bash)
printf '#!%s\nexec -a "%s" "%s" "$@"\n' "$bash" "$out/bin/$executable" "$base/bin/$executable" >"$out/bin/$executable"
chmod +x "$out/bin/$executable"
ln -s "$executable" "$out/bin/python3"
ln -s "$executable" "$out/bin/python"
# NIX_PYTHONPATH support (what nixpkgs' sitecustomize.py does), loaded through a .pth file
cp "$nixSiteCustomize" "$site/_nix_sitecustomize.py"
echo "import _nix_sitecustomize" >"$site/_nix_sitecustomize.pth"
sed "s|@sitePackages@|$sitePackages|g" "$setupHookSrc" >"$out/nix-support/setup-hook"
# Host files needed at run time (for images): bash and the shared libraries of the
# interpreter, of its extension modules and of bash.
{
  echo "$bash"
  ldd "$real" "$bash" "$base/lib/$executable"/lib-dynload/*.so 2>/dev/null |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
} | sort -u >"$out/nix-support/host-paths"
