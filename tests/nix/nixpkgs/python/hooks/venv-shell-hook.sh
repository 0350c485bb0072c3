# venvShellHook: in a shell, create (once) and activate a venv at $venvDir.
venvShellHook() {
  if [ -d "${venvDir:?venvShellHook needs venvDir}" ]; then
    echo "Skipping venv creation, '$venvDir' already exists"
  else
    @pythonInterpreter@ -m venv --without-pip "$venvDir"
    runHook postVenvCreation
  fi
  source "$venvDir/bin/activate"
}
shellHook=venvShellHook
