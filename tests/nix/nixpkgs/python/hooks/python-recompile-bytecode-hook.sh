# pythonRecompileBytecodeHook: compile the installed sources again (after the fixup edits).
pythonRecompileBytecode() {
  [ -d "$out/@sitePackages@" ] && @pythonInterpreter@ -m compileall -q -f "$out/@sitePackages@" || true
}
postFixupHooks+=(pythonRecompileBytecode)
