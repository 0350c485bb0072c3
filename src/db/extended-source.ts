/**
 * A DependencySource with data that changes more often than the pypi-deps-db pin laid over it:
 * the nixpkgs index of the user's nixpkgs (it replaces any in the base) and conda channels given
 * as extra repodata files (`condaChannelsExtra`; they replace a base channel of the same name).
 * The SQLite index is built once per DB pin; these are read per resolution.
 */
import { canonicalizeName } from '../pep503.js';
import { type CondaInput, type CondaPackage, condaRecord, indexConda } from './conda.js';
import { type NixpkgsEntry, indexNixpkgs, nixpkgsAttribute } from './nixpkgs-index.js';
import { keysOf } from './source.js';
import { compareCodePoints } from '../code-points.js';
import type { Availability, CondaRecord, DataInfo, DependencySource, DistributionFile, NixpkgsAttribute, PythonTarget, SdistRelease, WheelRelease } from './source.js';

export interface ExtraData {
  readonly nixpkgsFile?: string | null;
  readonly conda?: readonly CondaInput[];
}

export function extendSource(base: DependencySource, extra: ExtraData): DependencySource {
  if (!extra.nixpkgsFile && !(extra.conda?.length)) return base;
  return new ExtendedSource(base, extra.nixpkgsFile ? indexNixpkgs(extra.nixpkgsFile) : null, indexConda(extra.conda ?? []));
}

class ExtendedSource implements DependencySource {
  /** Keys of the extra data whose PEP 503 form differs from them, by that form. */
  private readonly aliases = new Map<string, string[]>();

  constructor(
    private readonly base: DependencySource,
    private readonly nixpkgs: Map<string, NixpkgsEntry[]> | null,
    private readonly conda: Map<string, Map<string, CondaPackage[]>>,
  ) {
    const keys = [...(nixpkgs?.keys() ?? []), ...[...conda.values()].flatMap((byKey) => [...byKey.keys()])];
    for (const key of keys) {
      const canonical = canonicalizeName(key);
      if (canonical === key) continue;
      const list = this.aliases.get(canonical) ?? [];
      if (!list.includes(key)) list.push(key);
      this.aliases.set(canonical, list);
    }
  }

  info(): DataInfo {
    const info = this.base.info();
    return { ...info, condaChannels: [...new Set([...info.condaChannels, ...this.conda.keys()])].sort(compareCodePoints) };
  }

  sdistReleases(key: string, python: PythonTarget): SdistRelease[] {
    return this.base.sdistReleases(key, python);
  }

  wheelReleases(key: string): WheelRelease[] {
    return this.base.wheelReleases(key);
  }

  files(key: string, version: string): DistributionFile[] {
    return this.base.files(key, version);
  }

  condaRecords(channel: string, key: string): CondaRecord[] {
    const own = this.conda.get(channel);
    return own ? (own.get(key) ?? []).map((record) => condaRecord(channel, record)) : this.base.condaRecords(channel, key);
  }

  nixpkgsAttributes(key: string): NixpkgsAttribute[] {
    return this.nixpkgs ? (this.nixpkgs.get(key) ?? []).map(nixpkgsAttribute) : this.base.nixpkgsAttributes(key);
  }

  has(key: string): Availability {
    const base = this.base.has(key);
    const conda = new Set(base.conda.filter((channel) => !this.conda.has(channel)));
    for (const [channel, byKey] of this.conda) if (byKey.has(key)) conda.add(channel);
    return {
      ...base,
      nixpkgs: this.nixpkgs ? this.nixpkgs.has(key) : base.nixpkgs,
      conda: [...conda].sort(compareCodePoints),
    };
  }

  keys(name: string): string[] {
    const canonical = canonicalizeName(name);
    return keysOf(canonical, [...this.base.keys(name).filter((k) => k !== canonical), ...(this.aliases.get(canonical) ?? [])], this.has(canonical));
  }

  keysOfLength(min: number, max: number): string[] {
    const own = [...(this.nixpkgs?.keys() ?? []), ...[...this.conda.values()].flatMap((byKey) => [...byKey.keys()])];
    const keys = new Set([...this.base.keysOfLength(min, max), ...own.filter((key) => key.length >= min && key.length <= max)]);
    return [...keys].sort(compareCodePoints);
  }

  close(): void {
    this.base.close();
  }
}
