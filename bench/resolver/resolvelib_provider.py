"""A resolvelib provider over a conformance corpus, for comparing mach-nix's resolver with resolvelib.

The reference side of `bench/resolver/run.ts`: the resolvelib and packaging that ship inside the
machine's pip (`pip._vendor`), reading the same pypi-deps-db bucket files
(`<corpus>/deps/{wheel,sdist}/XX.json`) that mach-nix's index is built from, with the same rules:

- candidates of a project come provider by provider in the order the case's providers give
  (`wheel` and `sdist` only), each provider's newest version first; the same version from two
  providers is two candidates;
- a wheel version is a candidate when one of its files has a tag compatible with the TARGET
  (python, platform, glibc: tags computed with packaging's tag functions given explicit
  parameters, never the host's) and a Requires-Python that admits the target's Python; the best
  ranked such file gives its metadata;
- an sdist version is a candidate when it has a record for the target's python key or the nearest
  older one of the same major version, and its `python_requires` admits the target;
  `setup_requires` is resolved into the same graph, as mach-nix does;
- a version that is not PEP 440, or an unparseable Requires-Python, is no candidate (mach-nix's
  rule; pip would ignore the latter);
- markers are evaluated for the target's environment; `extra` names compare PEP 685-normalised;
- pip's prerelease rule: the specifiers of all requirements on a project are combined and admit
  a prerelease only when one of them names a prerelease or nothing final matches (`pip_filter`);
  a pinned candidate satisfies a requirement with prereleases admitted;
- extras follow resolvelib's own functional tests: identifier `name[extra,...]`, whose candidate
  depends on exactly the same candidate of `name` plus the extras' dependencies; the preference is
  theirs too (root requirements first, then by identifier).

Bucket files are read and parsed lazily, the first time a name in them is asked for, and kept in
the `Corpus` (like the pages of an open SQLite index); everything derived from them — candidates,
parsed requirements, evaluated markers — is computed anew by every `MachNixProvider`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence, Union

from pip._vendor.packaging import tags as packaging_tags
from pip._vendor.packaging._manylinux import _LEGACY_MANYLINUX_MAP
from pip._vendor.packaging.markers import Marker, Value, Variable
from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
from pip._vendor.packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from pip._vendor.packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from pip._vendor.packaging.version import InvalidVersion, Version
from pip._vendor.resolvelib import AbstractProvider
from pip._vendor.resolvelib.resolvers import RequirementInformation

PROVIDERS = ("wheel", "sdist")

# Values of the bucket files: JSON, checked where read.
Json = Any


def bucket_of(key: str) -> str:
    """The bucket file of a data key (lower case, `_` -> `-`, dots kept): sha256's first two hex digits."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:2]


class Corpus:
    """The pypi-deps-db tree of a conformance corpus, read bucket by bucket on demand."""

    def __init__(self, corpus_dir: str) -> None:
        self.deps_dir = os.path.join(corpus_dir, "deps")
        self._buckets: dict[tuple[str, str], dict[str, Json]] = {}

    def _bucket(self, kind: str, key: str) -> dict[str, Json]:
        bucket = bucket_of(key)
        loaded = self._buckets.get((kind, bucket))
        if loaded is None:
            path = os.path.join(self.deps_dir, kind, f"{bucket}.json")
            try:
                with open(path, encoding="utf-8") as file:
                    loaded = json.load(file)
            except FileNotFoundError:
                loaded = {}
            self._buckets[(kind, bucket)] = loaded
        return loaded

    def keys(self, canonical: str) -> list[str]:
        """The data's keys of a project: its canonical name and the spellings that differ only in
        `-` versus `.` (`zope-interface` -> `zope.interface`), which live in other buckets. Up to
        six separators are varied (64 spellings); longer names are looked up as written."""
        separators = canonical.count("-")
        parts = canonical.split("-")
        spellings = [canonical]
        if 0 < separators <= 6:
            spellings = []
            for mask in range(2**separators):
                text = parts[0]
                for i, part in enumerate(parts[1:]):
                    text += ("." if mask >> i & 1 else "-") + part
                spellings.append(text)
        return sorted(s for s in spellings if any(s in self._bucket(kind, s) for kind in PROVIDERS))

    def wheel_entry(self, key: str) -> Mapping[str, Json]:
        entry = self._bucket("wheel", key).get(key)
        return entry if isinstance(entry, dict) else {}

    def sdist_entry(self, key: str) -> Mapping[str, Json]:
        entry = self._bucket("sdist", key).get(key)
        return entry if isinstance(entry, dict) else {}


@dataclass(frozen=True)
class Target:
    """The system resolved for: a CPython version on a Nix platform (never the running machine)."""

    python: str
    platform: str
    glibc: Optional[str] = None
    macos: Optional[str] = None

    @property
    def version_info(self) -> tuple[int, int]:
        major, minor = self.python.split(".")[:2]
        return int(major), int(minor)

    @property
    def python_full(self) -> str:
        parts = self.python.split(".")
        return ".".join(parts + ["0"] * (3 - len(parts)))

    def platform_tags(self) -> list[str]:
        arch = self.platform.split("-")[0]
        if self.platform.endswith("-linux"):
            # packaging's own manylinux list probes the running glibc; this is its order for the
            # target's glibc: manylinux_2_Y newest first, each legacy alias right after its 2_Y.
            oldest = 5 if arch in ("x86_64", "i686") else 17
            glibc_minor = int((self.glibc or "2.17").split(".")[1])
            platforms: list[str] = []
            for minor in range(glibc_minor, oldest - 1, -1):
                platforms.append(f"manylinux_2_{minor}_{arch}")
                legacy = _LEGACY_MANYLINUX_MAP.get((2, minor))
                if legacy is not None:
                    platforms.append(f"{legacy}_{arch}")
            return platforms + [f"linux_{arch}"]
        # mach-nix's CLI defaults: macOS 10.12 on x86_64, 11.0 on aarch64.
        macos = self.macos or ("11.0" if arch == "aarch64" else "10.12")
        major, minor = (int(part) for part in macos.split(".")[:2])
        return list(packaging_tags.mac_platforms((major, minor), "arm64" if arch == "aarch64" else arch))

    def tag_ranks(self) -> dict[packaging_tags.Tag, int]:
        """Every tag compatible with the target, mapped to its rank (lower is preferred)."""
        version = self.version_info
        interpreter = f"cp{version[0]}{version[1]}"
        abi = interpreter + ("m" if version < (3, 8) else "")
        platforms = self.platform_tags()
        ordered = list(packaging_tags.cpython_tags(version, [abi], platforms))
        ordered += packaging_tags.compatible_tags(version, interpreter, platforms)
        ranks: dict[packaging_tags.Tag, int] = {}
        for rank, tag in enumerate(ordered):
            ranks.setdefault(tag, rank)
        return ranks

    def marker_environment(self) -> dict[str, str]:
        """Every marker variable, so that packaging's default (the host's) is never used."""
        major, minor = self.version_info
        linux = self.platform.endswith("-linux")
        arm = self.platform.startswith("aarch64")
        return {
            "python_version": f"{major}.{minor}",
            "python_full_version": self.python_full,
            "os_name": "posix",
            "sys_platform": "linux" if linux else "darwin",
            "platform_system": "Linux" if linux else "Darwin",
            "platform_machine": ("aarch64" if linux else "arm64") if arm else "x86_64",
            "platform_release": "",
            "platform_version": "",
            "platform_python_implementation": "CPython",
            "implementation_name": "cpython",
            "implementation_version": self.python_full,
            "extra": "",
        }


class InvalidMetadata(Exception):
    """A candidate's metadata cannot be used (pip skips such candidates too)."""


def _normalize_extra_literals(markers: list[object]) -> None:
    """PEP 685: literals compared with `extra` are compared PEP 503-normalised. packaging 21.3
    (pip 23.2's) compares them as written, so they are normalised in the parsed marker."""
    for index, item in enumerate(markers):
        if isinstance(item, list):
            _normalize_extra_literals(item)
        elif isinstance(item, tuple):
            lhs, op, rhs = item
            if isinstance(lhs, Variable) and lhs.value == "extra" and isinstance(rhs, Value):
                markers[index] = (lhs, op, Value(canonicalize_name(rhs.value)))
            elif isinstance(rhs, Variable) and rhs.value == "extra" and isinstance(lhs, Value):
                markers[index] = (Value(canonicalize_name(lhs.value)), op, rhs)


def _mentions_extra(markers: list[object]) -> bool:
    for item in markers:
        if isinstance(item, list) and _mentions_extra(item):
            return True
        if isinstance(item, tuple) and any(isinstance(o, Variable) and o.value == "extra" for o in (item[0], item[2])):
            return True
    return False


def parse_requirement(text: str) -> Requirement:
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        raise InvalidMetadata(f"invalid requirement {text!r}: {error}") from None
    if requirement.marker is not None:
        _normalize_extra_literals(requirement.marker._markers)  # packaging 21.3 keeps the parse here
    return requirement


def marker_holds(marker: Optional[Marker], environment: dict[str, str], extra: str = "") -> bool:
    if marker is None:
        return True
    try:
        return marker.evaluate({**environment, "extra": extra})
    except Exception as error:  # packaging raises several types for comparisons it refuses
        raise InvalidMetadata(f"invalid marker {marker}: {error}") from None


def requirement_list(value: Json) -> list[str]:
    """A pypi-deps-db requirement field: a list, or a string of lines (pkg_resources' yield_lines)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.split("\n") if line.strip() and not line.strip().startswith("#")]
    return [str(item) for item in value]


def admits_python(requires_python: Json, python_full: str) -> bool:
    # Wheels store a string; the crawler stores an sdist's `python_requires` as a list of clauses.
    text = ",".join(requires_python) if isinstance(requires_python, list) else (requires_python or "")
    if text.strip() == "":
        return True
    try:
        return SpecifierSet(text).contains(python_full, prereleases=True)
    except InvalidSpecifier:
        return False


def names_prerelease(specifier: Specifier) -> bool:
    """Whether a clause names a prerelease (`>=1.0b1`, `<2.0a2`, `==1.0rc1.*`; never `!=`)."""
    if specifier.operator == "!=":
        return False
    text = specifier.version[:-2] if specifier.version.endswith(".*") else specifier.version
    try:
        return Version(text).is_prerelease
    except InvalidVersion:
        return False


def pip_filter(specifier: SpecifierSet, versions: list[Version]) -> list[Version]:
    """pip's prerelease rule over all requirements on a project together: the versions every
    clause admits, prereleases among them only when a clause names one or nothing final matches.
    packaging 21.3's `SpecifierSet.filter` falls short of it (it never falls back to prereleases
    when a set has clauses, and `<`/`>` clauses never name one), so the rule is written out."""
    matching = [v for v in versions if all(clause.contains(v, prereleases=True) for clause in specifier)]
    if any(names_prerelease(clause) for clause in specifier):
        return matching
    finals = [v for v in matching if not v.is_prerelease]
    return finals or matching


@dataclass
class Metadata:
    """What a release depends on for the target: always (runtime + build), and per extra."""

    always: list[Requirement]
    by_extra: Callable[[str], list[Requirement]]


class Release:
    """One candidate version of a project from one provider; its metadata is evaluated once."""

    def __init__(self, name: str, version: Version, version_text: str, provider: str, metadata: Callable[[], Metadata]) -> None:
        self.name = name
        self.version = version
        self.version_text = version_text
        self.provider = provider
        self._compute = metadata
        self._metadata: Optional[Union[Metadata, InvalidMetadata]] = None

    def metadata(self) -> Metadata:
        if self._metadata is None:
            try:
                self._metadata = self._compute()
            except InvalidMetadata as error:
                self._metadata = error
        if isinstance(self._metadata, InvalidMetadata):
            raise self._metadata
        return self._metadata

    def usable(self) -> bool:
        try:
            self.metadata()
            return True
        except InvalidMetadata:
            return False

    def __repr__(self) -> str:
        return f"{self.name} {self.version_text} ({self.provider})"


@dataclass(frozen=True)
class Candidate:
    """A release, or a release with extras (identifier `name[extras]`)."""

    release: Release
    extras: frozenset[str] = field(default_factory=frozenset)

    @property
    def name(self) -> str:
        return self.release.name

    @property
    def version(self) -> Version:
        return self.release.version


@dataclass(frozen=True)
class SpecifierRequirement:
    name: str
    extras: frozenset[str]
    specifier: SpecifierSet


@dataclass(frozen=True)
class ExplicitRequirement:
    """The requirement of `name[extras]` on exactly its own release of `name`."""

    release: Release

    @property
    def name(self) -> str:
        return self.release.name

    @property
    def extras(self) -> frozenset[str]:
        return frozenset()


AnyRequirement = Union[SpecifierRequirement, ExplicitRequirement]


def requirement_of(requirement: Requirement) -> SpecifierRequirement:
    return SpecifierRequirement(
        name=canonicalize_name(requirement.name),
        extras=frozenset(canonicalize_name(e) for e in requirement.extras),
        specifier=requirement.specifier,
    )


def identifier_of(name: str, extras: Iterable[str]) -> str:
    extras = sorted(extras)
    return f"{name}[{','.join(extras)}]" if extras else name


class MachNixProvider(AbstractProvider):
    """Candidates, dependencies and preferences for resolvelib, by mach-nix's rules (module doc)."""

    def __init__(self, corpus: Corpus, target: Target, providers: Callable[[str], Sequence[str]]) -> None:
        self.corpus = corpus
        self.target = target
        self.providers = providers
        self.environment = target.marker_environment()
        self.tag_ranks = target.tag_ranks()
        self.python_key = target.version_info
        self._releases: dict[str, list[Release]] = {}

    # -- candidates ------------------------------------------------------------------------

    def releases(self, name: str) -> list[Release]:
        releases = self._releases.get(name)
        if releases is None:
            keys = self.corpus.keys(name)
            releases = []
            for provider in self.providers(name):
                if provider == "wheel":
                    found = self._wheel_releases(name, keys)
                elif provider == "sdist":
                    found = self._sdist_releases(name, keys)
                else:
                    raise ValueError(f"provider {provider} is not supported by this benchmark")
                releases += sorted(found, key=lambda r: r.version, reverse=True)
            self._releases[name] = releases
        return releases

    def _wheel_releases(self, name: str, keys: list[str]) -> list[Release]:
        files_by_version: dict[str, list[tuple[str, Json]]] = {}
        for key in keys:
            for tag_versions in self.corpus.wheel_entry(key).values():
                for version_text, files in tag_versions.items():
                    for filename, record in files.items():
                        files_by_version.setdefault(version_text, []).append((filename, self._wheel_record(tag_versions, record)))
        releases: list[Release] = []
        for version_text, files in files_by_version.items():
            try:
                version = Version(version_text)
            except InvalidVersion:
                continue
            best: Optional[tuple[tuple[int, tuple[int, ...], str], Json]] = None
            for filename, record in files:
                try:
                    _, _, build, file_tags = parse_wheel_filename(filename)
                except (InvalidWheelFilename, InvalidVersion):
                    continue
                ranks = [self.tag_ranks[t] for t in file_tags if t in self.tag_ranks]
                if not ranks or not admits_python(record.get("requires_python"), self.target.python_full):
                    continue
                order = (min(ranks), self._build_order(build), filename)
                if best is None or order < best[0]:
                    best = (order, record)
            if best is not None:
                requires_dist = requirement_list(best[1].get("requires_dist"))
                releases.append(Release(name, version, version_text, "wheel", self._wheel_metadata(name, requires_dist)))
        return releases

    @staticmethod
    def _build_order(build: tuple[()] | tuple[int, str]) -> tuple[int, ...]:
        """Sorts the highest build tag first and files without one last (mach-nix's order)."""
        if not build:
            return (1,)
        number, rest = build
        return (0, -number, *(-ord(c) for c in rest), 1)

    @staticmethod
    def _wheel_record(tag_versions: Mapping[str, Json], record: Json) -> Json:
        """Follows `"version@file"` references within one name and python tag."""
        seen: set[str] = set()
        while isinstance(record, str):
            if record in seen:
                raise InvalidMetadata(f"reference cycle through {record}")
            seen.add(record)
            version_text, _, filename = record.partition("@")
            record = tag_versions[version_text][filename]
        return record

    def _wheel_metadata(self, name: str, requires_dist: list[str]) -> Callable[[], Metadata]:
        def compute() -> Metadata:
            parsed = [parse_requirement(text) for text in requires_dist]
            always = [r for r in parsed if marker_holds(r.marker, self.environment)]
            optional = [r for r in parsed if r not in always and r.marker is not None and _mentions_extra(r.marker._markers)]
            return Metadata(always, lambda extra: [r for r in optional if marker_holds(r.marker, self.environment, extra)])

        return compute

    def _sdist_releases(self, name: str, keys: list[str]) -> list[Release]:
        major, minor = self.python_key
        releases: list[Release] = []
        seen: set[Version] = set()
        for key in keys:
            versions = self.corpus.sdist_entry(key)
            for version_text in sorted(versions):
                python_keys = versions[version_text]
                hops = 0
                while isinstance(python_keys, str):  # a version sharing another's records
                    python_keys, hops = versions[python_keys], hops + 1
                    if hops > len(versions):
                        raise InvalidMetadata(f"version reference cycle at {name} {version_text}")
                chosen = self._nearest_python_key(python_keys, major, minor)
                if chosen is None:
                    continue
                try:
                    version = Version(version_text)
                except InvalidVersion:
                    continue
                record = python_keys[chosen]
                while isinstance(record, str):  # a python key sharing another key's record
                    record = python_keys[record]
                if version in seen or not admits_python(record.get("python_requires"), self.target.python_full):
                    continue
                seen.add(version)
                releases.append(Release(name, version, version_text, "sdist", self._sdist_metadata(record)))
        return releases

    @staticmethod
    def _nearest_python_key(python_keys: Mapping[str, Json], major: int, minor: int) -> Optional[str]:
        """The target's own python key (`"311"`) or the nearest older one of the same major."""
        best: Optional[str] = None
        best_minor = -1
        for key in python_keys:
            match = re.fullmatch(r"([0-9])([0-9]+)", key)
            if match is None or int(match.group(1)) != major or int(match.group(2)) > minor:
                continue
            if int(match.group(2)) > best_minor:
                best, best_minor = key, int(match.group(2))
        return best

    def _sdist_metadata(self, record: Mapping[str, Json]) -> Callable[[], Metadata]:
        def compute() -> Metadata:
            def filtered(texts: list[str]) -> list[Requirement]:
                return [r for r in map(parse_requirement, texts) if marker_holds(r.marker, self.environment)]

            always = filtered(requirement_list(record.get("install_requires"))) + filtered(requirement_list(record.get("setup_requires")))
            by_extra: dict[str, list[Requirement]] = {}
            extras_require = record.get("extras_require") or {}
            for key, texts in extras_require.items():
                extra, _, marker_text = key.partition(":")
                if marker_text.strip():
                    try:
                        key_marker = Marker(marker_text.strip())
                    except Exception as error:
                        raise InvalidMetadata(f"invalid extras_require marker {key!r}: {error}") from None
                    if not marker_holds(key_marker, self.environment):
                        continue
                dependencies = filtered(requirement_list(texts))
                if extra.strip() == "":
                    always += dependencies
                else:
                    by_extra.setdefault(canonicalize_name(extra.strip()), []).extend(dependencies)
            return Metadata(always, lambda extra: by_extra.get(extra, []))

        return compute

    # -- resolvelib's interface --------------------------------------------------------------

    def identify(self, requirement_or_candidate: Union[AnyRequirement, Candidate]) -> str:
        return identifier_of(requirement_or_candidate.name, requirement_or_candidate.extras)

    def get_preference(self, identifier: str, resolutions: Mapping[str, Candidate], candidates: Mapping[str, Iterator[Candidate]],
                       information: Mapping[str, Iterator[RequirementInformation]],
                       backtrack_causes: Sequence[RequirementInformation]) -> tuple[bool, str]:
        # resolvelib's functional tests' preference, under which the cases' expectations were made.
        transitive = all(info.parent is not None for info in information[identifier])
        return (transitive, identifier)

    def find_matches(self, identifier: str, requirements: Mapping[str, Iterator[AnyRequirement]],
                     incompatibilities: Mapping[str, Iterator[Candidate]]) -> Callable[[], Iterator[Candidate]]:
        name, _, rest = identifier.partition("[")
        extras = frozenset(rest.rstrip("]").split(",")) if rest else frozenset()
        releases = self.releases(name)
        specifier = SpecifierSet()
        explicit: list[Release] = []
        for requirement in requirements[identifier]:
            if isinstance(requirement, ExplicitRequirement):
                explicit.append(requirement.release)
            else:
                specifier &= requirement.specifier
        allowed = set(pip_filter(specifier, [r.version for r in releases]))
        bad = set(incompatibilities[identifier])

        def matches() -> Iterator[Candidate]:
            for release in releases:
                candidate = Candidate(release, extras)
                if (release.version in allowed and all(release is e for e in explicit)
                        and candidate not in bad and release.usable()):
                    yield candidate

        return matches

    def is_satisfied_by(self, requirement: AnyRequirement, candidate: Candidate) -> bool:
        if isinstance(requirement, ExplicitRequirement):
            return candidate.release is requirement.release
        return requirement.specifier.contains(candidate.version, prereleases=True)

    def get_dependencies(self, candidate: Candidate) -> list[AnyRequirement]:
        metadata = candidate.release.metadata()
        if not candidate.extras:
            return [requirement_of(r) for r in metadata.always]
        dependencies: list[AnyRequirement] = [ExplicitRequirement(candidate.release)]
        for extra in sorted(candidate.extras):
            dependencies += [requirement_of(r) for r in metadata.by_extra(extra)]
        return dependencies
