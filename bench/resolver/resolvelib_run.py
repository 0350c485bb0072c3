"""Resolves one conformance case with pip's vendored resolvelib and prints the outcome and timings as JSON.

    python3 bench/resolver/resolvelib_run.py CASE.json CORPUS_DIR [--repeat N]

The child process `bench/resolver/run.ts` starts for each case. The case's requirements and
provider settings are read before any timing. Timed is `Resolver.resolve()` alone:

- `coldMs`: the first call, on a fresh `Corpus` — it reads and parses the bucket files it needs;
- `warmMs`: N more calls, each with a new provider and resolver over the same `Corpus` (buckets
  already parsed, everything derived from them computed again).

Output: `{"resolvelib": version, "coldMs": float, "warmMs": [float...], "outcome": {...}}` where
the outcome is `{"satisfiable": true, "packages": {name: version}}`, `{"satisfiable": false,
"reason": ...}` or `{"satisfiable": null, "reason": ...}` (resolvelib gave up: too many rounds).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Callable, Mapping, Sequence, Union

from pip._vendor import resolvelib
from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name

from resolvelib_provider import PROVIDERS, Corpus, MachNixProvider, SpecifierRequirement, Target, marker_holds, requirement_of

# pip's own limit (pip/_internal/resolution/resolvelib/resolver.py); resolvelib's default is 100.
MAX_ROUNDS = 200000

ProvidersInput = Mapping[str, Union[str, Sequence[str]]]


def provider_list(value: Union[str, Sequence[str]]) -> list[str]:
    words = value.split(",") if isinstance(value, str) else list(value)
    return [w.strip() for w in words]


def provider_settings(providers: ProvidersInput, provider_defaults: ProvidersInput) -> Callable[[str], Sequence[str]]:
    """mach-nix's rule: per-package entries (PEP 503 keys) replace the defaults' entry."""
    merged: dict[str, list[str]] = {}
    for table in (provider_defaults, providers):
        for key, value in table.items():
            merged[key if key.strip() == "_default" else canonicalize_name(key.strip())] = provider_list(value)
    for key, names in merged.items():
        unsupported = [n for n in names if n not in PROVIDERS]
        if unsupported:
            raise SystemExit(f"providers.{key}: {', '.join(unsupported)} not supported by this benchmark (wheel, sdist only)")
    fallback = merged.pop("_default")
    return lambda name: merged.get(name, fallback)


def root_requirements(text: str, target: Target) -> list[SpecifierRequirement]:
    environment = target.marker_environment()
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    parsed = [Requirement(line) for line in lines if line]
    return [requirement_of(r) for r in parsed if marker_holds(r.marker, environment)]


def resolve_once(corpus: Corpus, target: Target, providers: Callable[[str], Sequence[str]],
                 roots: list[SpecifierRequirement]) -> tuple[float, dict[str, object]]:
    provider = MachNixProvider(corpus, target, providers)
    resolver = resolvelib.Resolver(provider, resolvelib.BaseReporter())
    started = time.perf_counter()
    try:
        result = resolver.resolve(roots, max_rounds=MAX_ROUNDS)
        outcome: dict[str, object] = {
            "satisfiable": True,
            "packages": {c.name: c.release.version_text for c in result.mapping.values() if not c.extras},
        }
    except resolvelib.ResolutionImpossible as error:
        causes = sorted({str(cause.requirement.name) for cause in error.causes})
        outcome = {"satisfiable": False, "reason": f"conflict on {', '.join(causes)}"}
    except resolvelib.ResolutionTooDeep:
        outcome = {"satisfiable": None, "reason": f"more than {MAX_ROUNDS} rounds"}
    return (time.perf_counter() - started) * 1000, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case")
    parser.add_argument("corpus")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with open(args.case, encoding="utf-8") as file:
        case = json.load(file)
    target = Target(python=case["python"], platform=case["platform"], glibc=case.get("glibc"))
    if case.get("providerDefaults") is None:
        raise SystemExit("providerDefaults absent: the built-in table needs nixpkgs, which this benchmark does not provide")
    providers = provider_settings(case.get("providers") or {}, case["providerDefaults"])
    roots = root_requirements(case["requirements"], target)

    corpus = Corpus(args.corpus)
    cold, outcome = resolve_once(corpus, target, providers, roots)
    warm = [resolve_once(corpus, target, providers, roots)[0] for _ in range(args.repeat)]
    json.dump({"resolvelib": resolvelib.__version__, "coldMs": cold, "warmMs": warm, "outcome": outcome}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
