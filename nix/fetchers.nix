# fetchPypiSdist / fetchPypiWheel as mach-nix had them (reference §5.2): the file's URL and hash
# read from nix-pypi-fetcher-2's bucket of the package, then fetchurl. Its entries, buckets and
# URLs name a package by mach-nix's key (dots kept), as src/db/pypi-fetcher.ts reads them. An
# entry's optional third element is the file's own URL (a tree of another index, written by
# `mach-nix db update`).
self:
let
  inherit (builtins) fromJSON readFile hashString substring;
  inherit (self.util) fail;
  key = self.pep503.legacyKey;
  source =
    if self.resolution.fetcherSource != null then self.resolution.fetcherSource
    else fail "fetchPypiSdist / fetchPypiWheel need nix-pypi-fetcher-2: the pypi-deps-db tree names no PYPI_FETCHER_COMMIT; pass pypiFetcher when importing mach-nix";
  bucket = name:
    let file = "${source}/pypi/${substring 0 2 (hashString "sha256" (key name))}.json";
    in if builtins.pathExists file then fromJSON (readFile file) else { };
  release = name: version:
    let releases = (bucket name).${key name} or (fail "nix-pypi-fetcher-2 knows no package ${name}");
    in releases.${version} or (fail "nix-pypi-fetcher-2 knows no version ${version} of ${name}");
  # the data's hash is checked as a lock's is (nix/integrity.nix): a mangled one is named here
  fetch = name: directory: filename: entry:
    let
      sha256 = builtins.elemAt entry 0;
      problem = self.integrity.hashProblem "sha256-${sha256}";
    in
    if problem != null then fail "nix-pypi-fetcher-2's entry of ${name} ${filename}: the hash ${problem}"
    else self.pkgs.fetchurl {
      url =
        if builtins.length entry > 2 then builtins.elemAt entry 2
        else "https://files.pythonhosted.org/packages/${directory}/${substring 0 1 (key name)}/${key name}/${filename}";
      hash = "sha256-${sha256}";
    };
in
{
  fetchPypiSdist = name: version:
    let sdist = (release name version).sdist or (fail "${name} ${version} has no sdist in nix-pypi-fetcher-2");
    in fetch name "source" (builtins.elemAt sdist 1) sdist;

  fetchPypiWheel = name: version: filename:
    let wheel = (release name version).wheels.${filename} or (fail "${name} ${version} has no wheel ${filename} in nix-pypi-fetcher-2");
    in fetch name (builtins.elemAt wheel 1) filename wheel;
}
