# pythonNamespacesHook: removes the __init__.py of the namespace packages in $pythonNamespaces,
# so that several packages can share them.
pythonNamespacesRemove() {
  local ns dir
  for ns in ${pythonNamespaces[*]-}; do
    dir="$out/@sitePackages@/${ns//.//}"
    rm -f "$dir/__init__.py" "$dir"/__pycache__/__init__.*.pyc
  done
}
postFixupHooks+=(pythonNamespacesRemove)
