/**
 * The prefetch plan for a target (`PrefetchPlan` of `snapshot.ts`): which file of a project the
 * wheel and sdist providers will most likely try first, and which projects its metadata makes the
 * solver visit next — so that `solveWithIndex` fetches the whole likely closure at once before
 * the solver runs. It only predicts: a wrong guess costs a fetch, never a wrong result.
 *
 * The guess follows the providers' default order (`../providers/candidates.ts`): the newest
 * version the request admits with an installable, non-yanked wheel whose page Requires-Python
 * admits the target; else the newest such sdist. Prereleases only when the request names one (pip's
 * rule). Dependencies: Requires-Dist whose markers hold on the target, with the extras asked for.
 */
import { SpecifierSet, tryParseVersion } from '../pep440.js';
import { parseRequirement } from '../pep508.js';
import type { Target } from '../target.js';
import { selectWheel, wheelRank } from '../wheel-tags.js';
import type { ProjectListing } from './client.js';
import type { CoreMetadata } from './core-metadata.js';
import type { IndexFile } from './project-files.js';
import type { PrefetchPlan, ProjectRequest } from './snapshot.js';

function parseSpecifier(text: string | undefined): SpecifierSet | null {
  if (text === undefined || text.trim() === '') return null;
  try {
    return SpecifierSet.parse(text);
  } catch {
    return null;
  }
}

export function targetPlan(target: Target): PrefetchPlan {
  const admitsTarget = (file: IndexFile) => {
    if (file.requiresPython === null) return true;
    const set = parseSpecifier(file.requiresPython);
    return set !== null && set.contains(target.python.full);
  };
  return {
    choose(listing: ProjectListing, request: ProjectRequest): IndexFile | null {
      const specifier = parseSpecifier(request.specifier);
      const prereleases = specifier?.impliesPrereleases ?? false;
      const pick = (yanked: boolean): IndexFile | null => {
        const wanted = listing.files.filter((file) => {
          const version = tryParseVersion(file.version);
          if (version === null || (file.yanked !== null && !yanked) || !admitsTarget(file)) return false;
          if (version.isPrerelease && !prereleases) return false;
          return specifier === null || specifier.contains(version, { prereleases: true });
        });
        // Files are newest version first: the first version with a usable file wins.
        const wheels = wanted.filter((file) => file.kind === 'wheel' && wheelRank(file.filename, target) !== null);
        const newest = wheels[0]?.version;
        if (newest !== undefined) return selectWheel(wheels.filter((file) => file.version === newest), (file) => file.filename, target);
        return wanted.find((file) => file.kind === 'sdist') ?? null;
      };
      // A yanked release only for a pin that nothing else matches (PEP 592), as the provider decides.
      const pinned = specifier?.specifiers.some(({ operator, version }) => operator === '===' || (operator === '==' && !version.endsWith('.*'))) ?? false;
      return pick(false) ?? (pinned ? pick(true) : null);
    },
    dependencies(metadata: CoreMetadata, _file: IndexFile, extras: readonly string[]): ProjectRequest[] {
      const requests: ProjectRequest[] = [];
      for (const text of metadata.requiresDist) {
        let requirement;
        try {
          requirement = parseRequirement(text);
        } catch {
          continue; // the provider reports it when it reads the metadata
        }
        if (requirement.url !== null) continue;
        const { marker } = requirement;
        let holds = marker === null;
        try {
          holds ||= ['', ...extras].some((extra) => marker!.evaluate({ ...target.markers, extra }));
        } catch {
          continue;
        }
        if (holds) requests.push({ name: requirement.key, extras: requirement.extras, specifier: requirement.specifier.toString() });
      }
      return requests;
    },
  };
}
