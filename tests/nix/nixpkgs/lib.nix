# The part of nixpkgs' `lib` that the stand-in and the project touch, written from the
# documented semantics (see README.md): fixed points and extensions, overridable functions,
# scopes, derivation helpers and a handful of list/attr/string functions.
let
  inherit (builtins)
    attrNames concatLists concatStringsSep elem filter foldl' functionArgs genList head
    isAttrs isFunction isList isString length listToAttrs map mapAttrs replaceStrings
    stringLength substring tail;

  # --- fixed points and extensions -------------------------------------------------------
  fix = f: let x = f x; in x;
  extends = overlay: f: final: let prev = f final; in prev // overlay final prev;
  # the result is only the delta of both extensions (not prev // delta)
  composeExtensions = f: g: final: prev:
    let
      fDelta = f final prev;
      gDelta = g final (prev // fDelta);
    in fDelta // gDelta;
  composeManyExtensions = foldr composeExtensions (_: _: { });
  # an attrset, `prev: {…}` or `final: prev: {…}`, as overrideAttrs accepts all three
  toExtension = f: final: prev:
    if !(isFunction f) then f
    else let r = f prev; in if isFunction r then f final prev else r;

  # --- functions with inspectable arguments --------------------------------------------------
  setFunctionArgs = f: args: { __functor = _: f; __functionArgs = args; };
  functionArgs' = f: if f ? __functor then f.__functionArgs or (functionArgs' (f.__functor f)) else functionArgs f;
  mirrorFunctionArgs = f: g: setFunctionArgs g (functionArgs' f);

  # `f origArgs` plus `override` (attrset, or old: attrset), `overrideDerivation`, and an
  # `overrideAttrs` that keeps `override` available on its result.
  makeOverridable = f:
    let
      wrapped = origArgs:
        let
          result = f origArgs;
          merge = newArgs: origArgs // (if isFunction newArgs then newArgs origArgs else newArgs);
          override = newArgs: makeOverridable f (merge newArgs);
          overrideResult = g: makeOverridable (args: g (f args)) origArgs;
        in
        if isAttrs result then
          result // {
            inherit override;
            overrideDerivation = fdrv: overrideResult (drv: overrideDerivation drv fdrv);
          } // optionalAttrs (result ? overrideAttrs) {
            overrideAttrs = fattrs: overrideResult (drv: drv.overrideAttrs fattrs);
          }
        else if isFunction result then
          { __functor = _: result; inherit override; } // functionArgsAttr result
        else result;
      functionArgsAttr = r: { __functionArgs = functionArgs' r; };
    in mirrorFunctionArgs f wrapped;

  overrideDerivation = drv: f:
    let newDrv = derivation (drv.drvAttrs // f drv.drvAttrs);
    in drv // newDrv // { drvAttrs = drv.drvAttrs // f drv.drvAttrs; };

  callPackageWith = autoArgs: fn: args:
    let
      f = if isFunction fn || fn ? __functor then fn else import fn;
      wanted = builtins.intersectAttrs (functionArgs' f) autoArgs;
    in makeOverridable f (wanted // args);

  # A package scope: callPackage/newScope resolve arguments from the scope itself;
  # `overrideScope` returns a new scope (it does not change the one it came from).
  makeScope = newScope: f:
    let
      self = f self // {
        newScope = scope: newScope (self // scope);
        callPackage = self.newScope { };
        overrideScope = g: makeScope newScope (extends g f);
        packages = f;
      };
    in self;

  # --- derivations -----------------------------------------------------------------------
  isDerivation = x: isAttrs x && x.type or null == "derivation";

  # Adds `passthru` to a derivation and all its outputs; forcing the store paths asserts
  # `condition` (a `cond || throw "…"` expression surfaces its message).
  extendDerivation = condition: passthru: drv:
    let
      outputs = drv.outputs or [ "out" ];
      common = drv // outputAttrs // passthru // { all = map (o: outputAttrs.${o}) outputs; };
      outputAttrs = listToAttrs (map (o: {
        name = o;
        value = common // {
          inherit (drv.${o}) type outputName;
          outputSpecified = true;
          drvPath = assert condition; drv.${o}.drvPath;
          outPath = assert condition; drv.${o}.outPath;
        };
      }) outputs);
    in common // {
      drvPath = assert condition; drv.drvPath;
      outPath = assert condition; drv.outPath;
    };

  makeSearchPath = subDir: paths: concatStringsSep ":" (map (p: "${p}/${subDir}") (filter (p: p != null) paths));

  # --- lists -----------------------------------------------------------------------------
  foldr = op: nul: list:
    let
      len = length list;
      go = n: if n == len then nul else op (builtins.elemAt list n) (go (n + 1));
    in go 0;
  flatten = x: if isList x then concatLists (map flatten x) else [ x ];
  unique = foldl' (acc: e: if elem e acc then acc else acc ++ [ e ]) [ ];
  reverseList = xs: let l = length xs; in genList (n: builtins.elemAt xs (l - n - 1)) l;
  optional = cond: x: if cond then [ x ] else [ ];
  optionals = cond: xs: if cond then xs else [ ];
  last = xs: builtins.elemAt xs (length xs - 1);
  subtractLists = e: filter (x: !(elem x e));
  concatMap = f: xs: concatLists (map f xs);

  # --- attribute sets --------------------------------------------------------------------
  optionalAttrs = cond: as: if cond then as else { };
  nameValuePair = name: value: { inherit name value; };
  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);
  attrByPath = path: default: set:
    if path == [ ] then set
    else if isAttrs set && set ? ${head path} then attrByPath (tail path) default set.${head path}
    else default;
  catAttrs = builtins.catAttrs;

  # --- strings ---------------------------------------------------------------------------
  optionalString = cond: s: if cond then s else "";
  concatMapStringsSep = sep: f: xs: concatStringsSep sep (map f xs);
  hasPrefix = p: s: substring 0 (stringLength p) s == p;
  removePrefix = p: s: if hasPrefix p s then substring (stringLength p) (-1) s else s;
  hasSuffix = p: s:
    let lp = stringLength p; ls = stringLength s;
    in ls >= lp && substring (ls - lp) lp s == p;
  hasInfix = infix: s: builtins.match ".*${escapeRegex infix}.*" s != null;
  toLower = replaceStrings upperChars lowerChars;
  lowerChars = [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" ];
  upperChars = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" ];
  splitString = sep: s: filter isString (builtins.split (escapeRegex sep) s);
  escapeRegex = replaceStrings
    [ "\\" "." "[" "]" "(" ")" "{" "}" "*" "+" "?" "|" "^" "$" ]
    [ "\\\\" "\\." "\\[" "\\]" "\\(" "\\)" "\\{" "\\}" "\\*" "\\+" "\\?" "\\|" "\\^" "\\$" ];
  versionAtLeast = a: b: builtins.compareVersions a b >= 0;
  versionOlder = a: b: builtins.compareVersions a b < 0;
  versions = {
    major = v: builtins.elemAt (builtins.splitVersion v) 0;
    minor = v: builtins.elemAt (builtins.splitVersion v) 1;
    majorMinor = v: let p = builtins.splitVersion v; in "${builtins.elemAt p 0}.${builtins.elemAt p 1}";
  };
  assertMsg = pred: msg: pred || throw msg;
  importJSON = path: builtins.fromJSON (builtins.readFile path);
  warn = msg: builtins.trace "warning: ${msg}";

  fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  fakeSha256 = "0000000000000000000000000000000000000000000000000000";
  version = "26.05-minipkgs";
in
{
  inherit
    fix extends composeExtensions composeManyExtensions toExtension
    setFunctionArgs mirrorFunctionArgs makeOverridable overrideDerivation callPackageWith makeScope
    isDerivation extendDerivation makeSearchPath
    foldr flatten unique reverseList optional optionals last subtractLists concatMap
    optionalAttrs nameValuePair genAttrs attrByPath catAttrs
    optionalString concatMapStringsSep hasPrefix removePrefix hasSuffix hasInfix toLower
    splitString versionAtLeast versionOlder versions assertMsg importJSON warn fakeHash fakeSha256
    version;
  inherit (builtins)
    attrNames concatStringsSep elem filter foldl' head isAttrs isFunction isList isString
    length listToAttrs map mapAttrs tail;
  functionArgs = functionArgs';
}
