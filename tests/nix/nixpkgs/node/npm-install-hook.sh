# npmInstallHook: installPhase copies what `npm pack` would publish and the node_modules
# (without dev dependencies unless dontNpmPrune) to $out/lib/node_modules/<name>, and makes a
# $out/bin wrapper running node for each entry of package.json `bin`.
npmInstallPhase() {
  echo "Executing npmInstallPhase"
  runHook preInstall
  local name packageOut
  name=$(node -p 'require("./package.json").name')
  packageOut=$out/lib/node_modules/$name
  mkdir -p "$packageOut"
  npm pack --json --dry-run --ignore-scripts --loglevel=warn $npmPackFlags $npmFlags |
    node -e 'for (const f of JSON.parse(require("fs").readFileSync(0, "utf8"))[0].files) console.log(f.path)' |
    while IFS= read -r f; do
      mkdir -p "$packageOut/$(dirname "$f")"
      cp -p "$f" "$packageOut/$f"
    done
  if [ -z "${dontNpmPrune-}" ]; then npm prune --omit=dev --no-save $npmPruneFlags $npmFlags; fi
  [ -d node_modules ] && cp -r node_modules "$packageOut/"
  node -e '
    const p = require("./package.json");
    const bin = typeof p.bin === "string" ? { [p.name.replace(/^@[^/]+\//, "")]: p.bin } : (p.bin || {});
    for (const [k, v] of Object.entries(bin)) console.log(k + " " + v);' |
    while read -r binName file; do
      makeWrapper @nodejs@/bin/node "$out/bin/$binName" --add-flags "$packageOut/$file"
    done
  runHook postInstall
}
if [ -z "${dontNpmInstall-}" ] && [ -z "${installPhase-}" ]; then installPhase=npmInstallPhase; fi
