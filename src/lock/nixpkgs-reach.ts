/**
 * What the Nix library must read of the nixpkgs python set to answer a resolve request (the first
 * import-from-derivation of nix/nixpkgs-index.nix): every name the resolution can reach
 * (`../providers/reach.ts`), those of them whose providers include nixpkgs, and the attributes of
 * the set that may hold those (`../providers/nixpkgs-attributes.ts`). The request is read as
 * `answer` reads it, with the same provider settings; a request the resolver would refuse reaches
 * nothing (the resolver then says why, whatever the index holds).
 */
import { DataError, InputFileError, InvalidRequirement, MachNixError, NotUtf8Error } from '../errors.js';
import { writeFileAtomic } from '../on-demand.js';
import type { DependencySource } from '../db/source.js';
import type { ResolveRequest } from '../generated/resolve-request.js';
import { readRequirementsText } from '../inputs.js';
import { type Dependency, parseDependency } from '../providers/dependencies.js';
import { attributesOf } from '../providers/nixpkgs-attributes.js';
import { reachableNames } from '../providers/reach.js';
import { rootsOf } from '../providers/roots.js';
import { ProviderSettings, parseProvidersInput } from '../providers/settings.js';
import { compareCodePoints } from '../code-points.js';
import { readUtf8File } from '../utf8-text.js';
import { type Target, parseTarget } from '../target.js';

export interface NixpkgsReach {
  /** Every name the resolution can reach, sorted. */
  readonly reached: string[];
  /** The reached names whose providers include nixpkgs, sorted. */
  readonly names: string[];
  /** The attributes of the set that may hold a package of `names`, sorted. */
  readonly attributes: string[];
}

/**
 * @param attributeNames the set's attribute names (`builtins.attrNames`)
 * @param extraRoots requirement lines to reach from besides the request's, their markers not
 *   evaluated: the requirements of packages of the set (`passthru.requirements`)
 */
export function nixpkgsReach(request: ResolveRequest, source: DependencySource, attributeNames: readonly string[], extraRoots: readonly string[]): NixpkgsReach {
  let settings: ProviderSettings;
  let roots: Dependency[];
  let target: Target;
  try {
    const inputs = readRequirementsText(request.requirements, { name: 'requirements' });
    target = parseTarget(request);
    settings = ProviderSettings.create(
      parseProvidersInput(request.providers, 'providers'),
      request.providerDefaults === null ? null : parseProvidersInput(request.providerDefaults, '_providerDefaults'),
      [...inputs.condaChannels, ...request.condaChannels],
    ).withFormats(inputs.options);
    const { requirements, constraints } = rootsOf(inputs.requirements, inputs.constraints, target);
    roots = [...requirements, ...constraints, ...extraRoots.flatMap(extraRoot)];
  } catch (error) {
    if (!(error instanceof MachNixError) || error instanceof DataError) throw error;
    return { reached: [], names: [], attributes: [] };
  }
  const condaChannels = settings.all.filter((provider) => provider.startsWith('conda/')).map((provider) => provider.slice('conda/'.length));
  const reached = reachableNames({ source, target, condaChannels, roots });
  const sorted = [...reached.keys()].sort(compareCodePoints);
  const names = sorted.filter((name) => !name.startsWith('__') && settings.forPackage(name).includes('nixpkgs'));
  return { reached: sorted, names, attributes: attributesOf(attributeNames, names).sort(compareCodePoints) };
}

/** A line of a package's requirements; one no name can be read from reaches nothing (the resolver refuses it). */
function extraRoot(line: string): Dependency[] {
  const text = line.replace(/(^|\s)#.*$/, '').trim();
  if (text === '') return [];
  try {
    return [parseDependency(text)];
  } catch (error) {
    if (error instanceof InvalidRequirement) return [];
    throw error;
  }
}

/** A JSON list of strings the Nix library wrote (attribute names, requirement lines). */
export function readStringList(file: string, what: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(readUtf8File(file));
  } catch (error) {
    if (error instanceof NotUtf8Error) throw error;
    throw new InputFileError({ file }, `cannot read ${what}: ${(error as Error).message}`);
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new InputFileError({ file }, `${what} must be a JSON list of strings`);
  return value as string[];
}

/** The reach as JSON, one line. */
export function reachText(reach: NixpkgsReach): string {
  return `${JSON.stringify(reach)}\n`;
}

/** Written atomically: a reader never sees half of it. */
export function writeReach(file: string, reach: NixpkgsReach): void {
  writeFileAtomic().sync(file, reachText(reach));
}
