# fetchPypi: fetchurl of a file of files.pythonhosted.org by project, version and format.
{ lib, fetchurl }:
{ pname, version, format ? "setuptools", extension ? (if format == "wheel" then "whl" else "tar.gz")
, python ? "py2.py3", dist ? python, abi ? "none", platform ? "any", ... }@attrs:
let
  first = builtins.substring 0 1 pname;
  url =
    if format == "wheel"
    then "https://files.pythonhosted.org/packages/${dist}/${first}/${pname}/${pname}-${version}-${python}-${abi}-${platform}.whl"
    else "https://files.pythonhosted.org/packages/source/${first}/${pname}/${pname}-${version}.${extension}";
in
fetchurl ({ inherit url; } // builtins.removeAttrs attrs [
  "pname" "version" "format" "extension" "python" "dist" "abi" "platform"
])
