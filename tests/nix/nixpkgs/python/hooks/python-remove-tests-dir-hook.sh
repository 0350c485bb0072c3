# pythonRemoveTestsDirHook: a top-level `tests` package in site-packages would shadow others.
pythonRemoveTestsDir() {
  rm -rf "$out/@sitePackages@/tests"
}
postFixupHooks+=(pythonRemoveTestsDir)
