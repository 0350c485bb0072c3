# pythonImportsCheckHook: imports every module of $pythonImportsCheck from the installed
# package (a preDist phase: it runs whether or not doCheck is set).
pythonImportsCheckPhase() {
  echo "Executing pythonImportsCheckPhase"
  if [ -n "${pythonImportsCheck[*]-}" ]; then
    echo "Check whether the following modules can be imported: ${pythonImportsCheck[*]}"
    PYTHONPATH="$out/@sitePackages@${PYTHONPATH:+:$PYTHONPATH}" @pythonInterpreter@ -P -c \
      'import importlib, sys; [importlib.import_module(m) for m in sys.argv[1:]]' ${pythonImportsCheck[*]}
  fi
}
if [ -z "${dontUsePythonImportsCheck-}" ]; then preDistPhases+=" pythonImportsCheckPhase"; fi
