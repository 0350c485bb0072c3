/**
 * The metadata of a resolution made from package indexes, as entries of a data tree
 * (`../db/tree-writer.ts`): for every package taken from an index, the file the resolution chose —
 * a wheel's METADATA as a `wheel/` record, an sdist's static PKG-INFO as an `sdist/` record of the
 * target's python key — and the file's hash and URL as a `pypi/` entry. The import-from-derivation
 * path then resolves the same requirements for the same target to the same packages.
 *
 * An sdist's Requires-Dist becomes setuptools' form, which has no markers on extras: lines without
 * an `extra` marker stay as they are (their markers are evaluated when resolving), and a line of an
 * extra goes, without its marker, into `extras_require` of each extra whose marker holds on the
 * target — so an sdist record is the target's, as pypi-deps-db's records are their Python's.
 */
import { compareCodePoints } from '../code-points.js';
import type { TreeContent, TreeFile, TreeSdist, TreeWheel } from '../db/tree-writer.js';
import type { Resolution } from '../generated/resolution.js';
import { canonicalizeName } from '../pep503.js';
import { Requirement, parseRequirement } from '../pep508.js';
import type { Target } from '../target.js';
import type { CoreMetadata } from './core-metadata.js';
import type { IndexSnapshot } from './snapshot.js';

/** Requires-Dist as `install_requires` and `extras_require` for the target. */
export function setuptoolsRequirements(metadata: CoreMetadata, target: Target): { installRequires: string[]; extrasRequire: Record<string, string[]> } {
  const installRequires: string[] = [];
  const extrasRequire: Record<string, string[]> = {};
  const extras = [...new Set(metadata.providesExtra.map(canonicalizeName))].sort(compareCodePoints);
  for (const line of metadata.requiresDist) {
    let requirement: Requirement;
    try {
      requirement = parseRequirement(line);
    } catch {
      installRequires.push(line); // the resolver reports it, as it would from the index
      continue;
    }
    const { marker } = requirement;
    const holds = (extra: string) => {
      try {
        return marker!.evaluate({ ...target.markers, extra });
      } catch {
        return false;
      }
    };
    if (marker === null || !marker.mentionsExtra || holds('')) {
      installRequires.push(line);
      continue;
    }
    const bare = new Requirement(requirement.name, requirement.extras, requirement.specifier, requirement.url, null).toString();
    for (const extra of extras) if (holds(extra)) (extrasRequire[extra] ??= []).push(bare);
  }
  return { installRequires, extrasRequire };
}

/** The tree entries of the packages a resolution took from the snapshot's indexes. */
export function resolutionTree(resolution: Resolution, snapshot: IndexSnapshot, target: Target): TreeContent {
  const wheels: TreeWheel[] = [];
  const sdists: TreeSdist[] = [];
  const files: TreeFile[] = [];
  for (const name of Object.keys(resolution.packages).sort(compareCodePoints)) {
    const entry = resolution.packages[name]!;
    const source = entry.source;
    if ((source.type !== 'wheel' && source.type !== 'sdist') || source.index === undefined) continue;
    const file = snapshot.project(name).files.find((candidate) => candidate.filename === source.filename);
    if (file === undefined) throw new Error(`internal: ${source.filename} of the resolution is not in the listing of ${name}`);
    const metadata = snapshot.metadata(file);
    const pythonTag = file.kind === 'wheel' ? file.filename.slice(0, -'.whl'.length).split('-').at(-3)! : null;
    if (file.kind === 'wheel') {
      wheels.push({
        key: name, version: file.version, filename: file.filename, pythonTag: pythonTag!,
        requiresDist: metadata.requiresDist, requiresPython: metadata.requiresPython, providesExtras: metadata.providesExtra,
      });
    } else {
      sdists.push({
        key: name, version: file.version, pythonKey: `${target.python.major}${target.python.minor}`,
        ...setuptoolsRequirements(metadata, target), requiresPython: metadata.requiresPython,
      });
    }
    files.push({ key: name, version: file.version, filename: file.filename, kind: file.kind, sha256: snapshot.fileSha256(file), pythonTag, url: file.url });
  }
  return { wheels, sdists, files };
}
