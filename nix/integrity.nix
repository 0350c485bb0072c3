# What makes a resolution document safe to build from, checked whenever one is read (a lock file
# or the import-from-derivation's answer) — the checks src/lock/integrity.ts makes in the CLI, in
# the same words: every file hash a well-formed SRI sha256 or sha512 (md5 and sha1 are broken; a
# mangled hash would fail later naming neither the package nor the file), no control character
# in the strings that become names, URLs and hashes, and no `\u0000` anywhere in the text (Nix
# 2.8's builtins.fromJSON ends a string there: a URL would be read as another one). And the
# files a call lets be fetched without a hash (mkPython's `allowUnpinned`), with the sources given
# by URL (packagesExtra, buildPythonPackage's src) fetched by their hash or not at all.
self:
let
  inherit (builtins) fromJSON toJSON split match filter isList isString isAttrs length head elemAt attrNames stringLength elem mapAttrs concatStringsSep genList removeAttrs;
  inherit (self.util) fail concatMap toLower hasPrefix utf8Problem utf8Reason;

  # A bracket expression of the control characters (written with JSON escapes: Nix strings have
  # none for them; NUL cannot be in a Nix string at all).
  controlClass = fromJSON ''"[\u0001-\u001f\u007f]"'';
  hasControl = text: length (split controlClass text) > 1;

  # The `\u0000` escapes of a JSON text: `u0000` after an odd run of backslashes (an even run is
  # escaped backslashes followed by the letters `u0000`).
  nulEscapes = text: filter (part: isList part && stringLength (head part) / 2 * 2 != stringLength (head part)) (split "(\\\\+)u0000" text);

  hashProblem = hash:
    let
      prefix = match "([A-Za-z0-9]+)-.*" hash;
      algorithm = if prefix == null then null else toLower (head prefix);
    in
    if match "sha256-[A-Za-z0-9+/]{43}=|sha512-[A-Za-z0-9+/]{86}==" hash != null then null
    else if algorithm == "md5" || algorithm == "sha1" then
      "${toJSON hash} is ${if algorithm == "md5" then "an md5" else "a sha1"} hash, too weak to pin a file (collisions can be made): mach-nix accepts sha256 or sha512"
    else if algorithm != null && algorithm != "sha256" && algorithm != "sha512" then "${toJSON hash} is a ${algorithm} hash: mach-nix pins files by sha256 or sha512"
    else "${toJSON hash} is not an SRI hash (sha256- and 44 base64 characters, or sha512- and 88)";

  packageProblems = key: p:
    let
      label = "package ${if hasControl key then toJSON key else key}";
      fields =
        [ { field = "its name in packages"; value = key; } { field = "name"; value = p.name; } { field = "version"; value = p.version; } { field = "provider"; value = p.provider; } ]
        ++ map (field: { inherit field; value = p.source.${field}; }) (filter (field: isString p.source.${field}) (attrNames p.source))
        ++ concatMap (list: map (value: { field = "a name in ${list}"; inherit value; }) (if (p.${list} or null) == null then [ ] else p.${list}))
          [ "dependencies" "buildDependencies" "extras" "cycleDependencies" ];
      controls = map (f: "${label}: ${f.field} ${toJSON f.value} holds a control character, which no name, URL or hash has (Nix would read another string)")
        (filter (f: isString f.value && hasControl f.value) fields);
      hash = p.source.hash or null;
      hashProblems =
        if !(isString hash) || hasControl hash then [ ]
        else let problem = hashProblem hash; in if problem == null then [ ] else [ "${label}: the hash ${problem}" ];
    in
    controls ++ hashProblems;

  problemsOf = document:
    map (root: "the root ${toJSON root} holds a control character") (filter hasControl (document.roots or [ ]))
    ++ concatMap (key: packageProblems key document.packages.${key}) (attrNames (document.packages or { }));

  take = n: list: genList (elemAt list) (if length list < n then length list else n);

  # An allowUnpinned entry that is a URL (a source's package name is not known before it is
  # fetched, so a source URL is allowed by itself), not a package name.
  isUrlAllowance = entry: isString entry && match "[A-Za-z][A-Za-z0-9+.-]*://.*" entry != null;

  # pip's form of a pinned URL: the archive's sha256 in hex as the fragment.
  fragmentPin = url: match "([^#]*)#sha256=([0-9A-Fa-f]{64})" url;

  # The hashes builtins.fetchTarball takes for the unpacked tree (nix-prefetch-url --unpack prints
  # base32), checked here so that a mangled one is named with its source.
  treeHashProblem = attribute: hash:
    if !(isString hash) then "${attribute} must be a string"
    else if attribute == "hash" && match "sha256-[A-Za-z0-9+/]{43}=" hash != null then null
    else if attribute == "sha256" && match "[0-9a-df-np-sv-z]{52}|[0-9A-Fa-f]{64}|sha256-[A-Za-z0-9+/]{43}=" hash != null then null
    else "${attribute} ${toJSON hash} is not ${if attribute == "hash" then "an SRI sha256 hash (sha256- and 44 base64 characters)" else "a sha256 hash (52 base32 characters as nix-prefetch-url prints, 64 hex, or SRI)"}";

  # An archive fetched by its file hash, unpacked as builtins.fetchTarball unpacks: the one
  # top-level folder's content, else everything (runCommand's stdenvNoCC has no unzip).
  unpacked = archive: self.pkgs.runCommand "source" { inherit archive; nativeBuildInputs = [ self.pkgs.unzip ]; } ''
    mkdir unpacked
    tar -xf "$archive" -C unpacked 2>/dev/null || { rm -rf unpacked; mkdir unpacked; unzip -q "$archive" -d unpacked; }
    only="$(ls -A unpacked)"
    if [ "$(ls -A unpacked | wc -l)" = 1 ] && [ -d "unpacked/$only" ]; then mv "unpacked/$only" "$out"; else mv unpacked "$out"; fi
  '';
in
{
  integrity = {
    inherit hashProblem;

    # The document of `text` (the file `file`), or a throw naming the file and the problem.
    read = file: text:
      let
        utf8 = utf8Problem text;
        document = fromJSON text;
        problems = problemsOf document;
        edited = "the lock was edited or made by a broken tool; write it again with mach-nix lock";
      in
      # fromJSON throws its own parse error on bytes that are not UTF-8 (Nix 2.8 and 2.26)
      if utf8 != null then fail "${file}:${toString utf8.line}: ${utf8Reason utf8}"
      else if nulEscapes text != [ ] then
        fail "${file}: a string holds a NUL character (\\u0000), which Nix cannot read (builtins.fromJSON ends the string there, so a name, URL or hash would be read as another one): ${edited}"
      else if document ? error then document
      else if problems != [ ] then
        fail "${file}: ${concatStringsSep "; " (take 3 problems)}${if length problems > 3 then "; and ${toString (length problems - 3)} more" else ""}: ${edited}"
      else document;

    # The resolution with the packages of `names` (mkPython's allowUnpinned) marked as allowed to
    # be fetched without a hash; a name the resolution does not have is a mistake, said.
    allowing = names: resolution:
      let
        wanted = map self.pep503.normalizeName (filter (name: !(isUrlAllowance name)) names);  # URLs: fetchSource
        unknown = filter (name: !(resolution.packages ? ${name})) wanted;
      in
      if !(isList names) then fail "allowUnpinned must be a list of package names and source URLs, e.g. allowUnpinned = [ \"my-package\" ];"
      else if unknown != [ ] then fail "allowUnpinned names ${concatStringsSep ", " unknown}, which the resolution does not have (names are compared PEP 503-normalised)"
      else if wanted == [ ] then resolution
      else resolution // { packages = mapAttrs (name: p: if elem name wanted then p // { unpinnedAllowed = true; } else p) resolution.packages; };

    # Whether packagesExtra's entry or buildPythonPackage's src is a source given by URL: a string
    # URL (pip's `#sha256=` fragment pins it) or `{ url; sha256 | hash; }` (no derivation).
    isSourceUrl = item:
      (isString item && match "(https?|file)://.*" item != null)
      || (isAttrs item && item ? url && !(item ? outPath));

    # The URL of a source given by URL.
    sourceUrl = item: if isString item then item else item.url;

    # allowUnpinned's package names, without its source URLs.
    packageNames = names: if isList names then filter (entry: !(isUrlAllowance entry)) names else names;

    # The source a URL names (place: where it was given), fetched by its hash: a fragment's is the
    # archive's (fetchurl at build time, then unpacked), a set's the unpacked tree's
    # (builtins.fetchTarball, as nix-prefetch-url --unpack prints it). Without one only when
    # `allowed` (allowUnpinned) holds the URL, and impurely.
    fetchSource = place: allowed: item:
      let
        url = if isString item then item else item.url;
        source = "${place}: the source ${toJSON url}";
        pin = if isString item then fragmentPin url else null;
        given = if isAttrs item then filter (attribute: item ? ${attribute}) [ "sha256" "hash" ] else [ ];
        unknown = if isAttrs item then attrNames (removeAttrs item [ "url" "sha256" "hash" "name" ]) else [ ];
        problem = if given == [ ] then null else treeHashProblem (head given) item.${head given};
      in
      if !(isString url) || hasControl url then fail "${place}: a source's url must be a string without control characters"
      else if unknown != [ ] then fail "${source}: ${concatStringsSep ", " unknown} is not an attribute of a source URL, which takes url, sha256 or hash, and name"
      else if length given > 1 then fail "${source}: give sha256 or hash, not both"
      else if problem != null then fail "${source}: ${problem}"
      else if given != [ ] then builtins.fetchTarball ({ inherit url; sha256 = item.${head given}; } // (if item ? name then { inherit (item) name; } else { }))
      else if pin == null && isString item && match "[^#]*#(.*&)?(sha[0-9]*|md5)=.*" url != null then
        fail "${source}: its fragment pins it by neither form mach-nix reads: write #sha256=<the archive's sha256, 64 hex digits> as the whole fragment"
      else if pin != null then unpacked (self.pkgs.fetchurl { url = head pin; sha256 = toLower (elemAt pin 1); name = self.util.fileNameOfUrl url; })
      else if elem url allowed then builtins.fetchTarball url
      else fail ("${source} has no hash, so nothing would check what the build gets. Pin it: "
        + "${url}#sha256=<the archive's sha256 in hex> (as pip's URLs carry it), or "
        + "{ url = ${toJSON url}; sha256 = \"<what nix-prefetch-url --unpack ${url} prints>\"; }; "
        + "or allow it (its package name is not known before it is fetched, so by its URL): allowUnpinned = [ ${toJSON url} ] in the same call (fetched impurely then: --impure)");

    # The URL allowances of allowUnpinned that none of `urls` (the sources given by URL in
    # `place`) is: a mistyped one would silently allow nothing.
    checkUrlAllowances = place: urls: allowed:
      let unused = filter (entry: isUrlAllowance entry && !(elem entry urls)) (if isList allowed then allowed else [ ]);
      in
      if unused != [ ] then fail "allowUnpinned names the URL ${concatStringsSep ", " (map toJSON unused)}, which no source of ${place} is (URLs are compared exactly)"
      else true;

    # Why a package's file cannot be fetched without a hash, and how to allow it.
    unpinned = name: url:
      "${name}: ${url} has no hash, so nothing would check the file the build gets"
      + (if hasPrefix "file:" url then ", and evaluation would copy the local file into the world-readable Nix store" else "")
      + ". Pin it: --hash=sha256:… (or #sha256=…) in the requirement, or lock it with mach-nix lock, which records a local file's sha256; or allow it: mkPython { allowUnpinned = [ \"${name}\" ]; … } (fetched impurely then: --impure)";
  };
}
