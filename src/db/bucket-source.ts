/**
 * A DependencySource that reads the JSON trees directly: a bucket file is parsed and normalised the
 * first time a name in it is asked for, and the most recently used buckets stay cached. For small
 * trees (tests, conformance corpora, `--deps-db DIR`); the SQLite index answers the same questions
 * without parsing megabytes of JSON per bucket.
 */
import { LRUCache } from 'lru-cache';
import { BUCKETS, bucketOf, readJsonFile } from './buckets.js';
import { condaRecord, indexConda } from './conda.js';
import type { CondaPackage } from './conda.js';
import { bucketFile, checkDepsTree, readDepsTreeMeta } from './inputs.js';
import type { BucketKind, DataInputs } from './inputs.js';
import { indexNixpkgs, nixpkgsAttribute } from './nixpkgs-index.js';
import type { NixpkgsEntry } from './nixpkgs-index.js';
import { readSdistBucket, readWheelBucket } from './pypi-deps-db.js';
import type { SdistVersion, WheelFile } from './pypi-deps-db.js';
import { distributionFile, readFetcherBucket } from './pypi-fetcher.js';
import type { FetcherFile } from './pypi-fetcher.js';
import { canonicalizeName } from '../pep503.js';
import { choosePythonKey, comparePythonKeys, keysOf } from './source.js';
import { compareCodePoints } from '../code-points.js';
import type { Availability, CondaRecord, DataInfo, DependencySource, DistributionFile, NixpkgsAttribute, PythonTarget, SdistRelease, WheelRelease } from './source.js';

/**
 * Parsed buckets kept per kind. A real-size bucket of all three kinds is tens of MB once parsed, so
 * this bounds memory on a full tree (where the SQLite index is the better choice anyway).
 */
const CACHED_BUCKETS = 32;

export class BucketSource implements DependencySource {
  private readonly sdist = new LRUCache<string, Map<string, SdistVersion[]>>({ max: CACHED_BUCKETS });
  private readonly wheel = new LRUCache<string, Map<string, WheelFile[]>>({ max: CACHED_BUCKETS });
  private readonly fetcher = new LRUCache<string, Map<string, FetcherFile[]>>({ max: CACHED_BUCKETS });
  private conda: Map<string, Map<string, CondaPackage[]>> | null = null;
  private nixpkgs: Map<string, NixpkgsEntry[]> | null = null;
  private dataInfo: DataInfo | null = null;
  private aliases: Map<string, string[]> | null = null;
  /** Every key of the data, sorted (read with the aliases). */
  private everyKey: string[] | null = null;

  constructor(private readonly inputs: DataInputs) {
    checkDepsTree(inputs.depsDir);
  }

  private bucket<T>(kind: BucketKind, key: string, cache: LRUCache<string, Map<string, T>>, read: (file: string, json: unknown) => Map<string, T>): T | undefined {
    const bucket = bucketOf(key);
    let names = cache.get(bucket);
    if (names === undefined) {
      const file = bucketFile(this.inputs, kind, bucket);
      names = file === null ? new Map<string, T>() : read(file, readJsonFile(file));
      cache.set(bucket, names);
    }
    return names.get(key);
  }

  private sdistVersions(key: string): SdistVersion[] {
    return this.bucket('sdist', key, this.sdist, readSdistBucket) ?? [];
  }

  private wheelFiles(key: string): WheelFile[] {
    return this.bucket('wheel', key, this.wheel, readWheelBucket) ?? [];
  }

  private fetcherFiles(key: string): FetcherFile[] {
    return this.bucket('files', key, this.fetcher, readFetcherBucket) ?? [];
  }

  private condaIndex(): Map<string, Map<string, CondaPackage[]>> {
    return (this.conda ??= indexConda(this.inputs.conda ?? []));
  }

  private nixpkgsIndex(): Map<string, NixpkgsEntry[]> {
    return (this.nixpkgs ??= this.inputs.nixpkgsFile ? indexNixpkgs(this.inputs.nixpkgsFile) : new Map());
  }

  /** Reads every sdist bucket once (for the python keys): expensive on a big tree, cached. */
  info(): DataInfo {
    if (this.dataInfo) return this.dataInfo;
    const pythonKeys = new Set<string>();
    for (const bucket of BUCKETS) {
      const file = bucketFile(this.inputs, 'sdist', bucket);
      if (file === null) continue;
      for (const versions of readSdistBucket(file, readJsonFile(file)).values()) {
        for (const { records } of versions) for (const key of records.keys()) pythonKeys.add(key);
      }
    }
    const meta = readDepsTreeMeta(this.inputs.depsDir);
    this.dataInfo = {
      ...meta,
      pythonKeys: [...pythonKeys].sort(comparePythonKeys),
      condaChannels: [...new Set((this.inputs.conda ?? []).map((input) => input.channel))].sort(compareCodePoints),
    };
    return this.dataInfo;
  }

  sdistReleases(key: string, python: PythonTarget): SdistRelease[] {
    const releases: SdistRelease[] = [];
    for (const { version, records } of this.sdistVersions(key)) {
      const chosen = choosePythonKey(records.keys(), python);
      const record = chosen && records.get(chosen.key);
      if (!chosen || !record) continue;
      releases.push({ version, pythonKey: chosen.key, exactPythonKey: chosen.exact, ...record });
    }
    return releases;
  }

  wheelReleases(key: string): WheelRelease[] {
    return this.wheelFiles(key).map(({ version, filename, pythonTag, record }) => ({ version, filename, pythonTag, ...record }));
  }

  files(key: string, version: string): DistributionFile[] {
    return this.fetcherFiles(key)
      .filter((file) => file.version === version)
      .map((file) => distributionFile(key, file));
  }

  condaRecords(channel: string, key: string): CondaRecord[] {
    return (this.condaIndex().get(channel)?.get(key) ?? []).map((record) => condaRecord(channel, record));
  }

  nixpkgsAttributes(key: string): NixpkgsAttribute[] {
    return (this.nixpkgsIndex().get(key) ?? []).map(nixpkgsAttribute);
  }

  has(key: string): Availability {
    const conda: string[] = [];
    for (const [channel, byKey] of this.condaIndex()) if (byKey.has(key)) conda.push(channel);
    return {
      sdist: this.sdistVersions(key).some((version) => version.records.size > 0),
      wheel: this.wheelFiles(key).length > 0,
      files: this.fetcherFiles(key).length > 0,
      nixpkgs: this.nixpkgsIndex().has(key),
      conda: conda.sort(compareCodePoints),
    };
  }

  /** Reads every bucket once to find the keys whose PEP 503 form differs from them: cached. */
  private aliasIndex(): Map<string, string[]> {
    if (this.aliases) return this.aliases;
    const aliases = new Map<string, string[]>();
    const every = new Set<string>();
    const add = (key: string) => {
      every.add(key);
      const canonical = canonicalizeName(key);
      if (canonical === key) return;
      const list = aliases.get(canonical) ?? [];
      if (!list.includes(key)) list.push(key);
      aliases.set(canonical, list);
    };
    const kinds: [BucketKind, (file: string, json: unknown) => Map<string, unknown>][] = [
      ['sdist', readSdistBucket], ['wheel', readWheelBucket], ['files', readFetcherBucket],
    ];
    for (const bucket of BUCKETS) {
      for (const [kind, read] of kinds) {
        const file = bucketFile(this.inputs, kind, bucket);
        if (file !== null) for (const key of read(file, readJsonFile(file)).keys()) add(key);
      }
    }
    for (const byKey of this.condaIndex().values()) for (const key of byKey.keys()) add(key);
    for (const key of this.nixpkgsIndex().keys()) add(key);
    this.aliases = aliases;
    this.everyKey = [...every].sort(compareCodePoints);
    return aliases;
  }

  keysOfLength(min: number, max: number): string[] {
    this.aliasIndex();
    return this.everyKey!.filter((key) => key.length >= min && key.length <= max);
  }

  keys(name: string): string[] {
    const canonical = canonicalizeName(name);
    return keysOf(canonical, this.aliasIndex().get(canonical) ?? [], this.has(canonical));
  }

  close(): void {}
}
