# pythonRemoveBinBytecodeHook: bytecode next to scripts in bin/ is never used.
pythonRemoveBinBytecode() {
  if [ -d "$out/bin" ]; then
    rm -rf "$out/bin/__pycache__"
    find "$out/bin" -type f -name '*.pyc' -delete
  fi
}
postFixupHooks+=(pythonRemoveBinBytecode)
