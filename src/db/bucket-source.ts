/**
 * A DependencySource that reads the JSON trees directly: a bucket file is parsed and normalised the
 * first time a name in it is asked for, and the most recently used buckets stay cached. For small
 * trees (tests, conformance corpora, `--deps-db DIR`); the SQLite index answers the same questions
 * without parsing megabytes of JSON per bucket.
 *
 * A question about a name reads only the buckets of that name's possible spellings, never the
 * whole tree, and of a bucket file it parses and normalises only that name's entry (found by
 * `jsonObjectEntries`): its cost does not grow with the number of names, only with the bytes of
 * one bucket file that are read and scanned (bench/db/bucket-lookup.ts).
 */
import { boundedCache } from '../bounded-cache.js';
import { BUCKETS, bucketOf, checkBucketNames, parseJson, readDataFile, readJsonFile } from './buckets.js';
import { jsonObjectEntries } from './json-entries.js';
import { condaRecord, indexConda } from './conda.js';
import type { CondaPackage } from './conda.js';
import { DataError } from '../errors.js';
import { bucketFile, checkDepsTree, readDepsTreeMeta } from './inputs.js';
import type { BucketKind, DataInputs } from './inputs.js';
import { indexNixpkgs, nixpkgsAttribute } from './nixpkgs-index.js';
import type { NixpkgsEntry } from './nixpkgs-index.js';
import { readSdistBucket, readWheelBucket } from './pypi-deps-db.js';
import type { SdistVersion, WheelFile } from './pypi-deps-db.js';
import { distributionFile, readFetcherBucket } from './pypi-fetcher.js';
import type { FetcherFile } from './pypi-fetcher.js';
import { canonicalizeName, legacyKey } from '../pep503.js';
import { choosePythonKey, comparePythonKeys, keysOf } from './source.js';
import { compareCodePoints } from '../code-points.js';
import { decodeUtf8 } from '../utf8-text.js';
import type { Availability, CondaRecord, DataInfo, DependencySource, DistributionFile, NixpkgsAttribute, PythonTarget, SdistRelease, WheelRelease } from './source.js';

/**
 * Bucket files kept read per kind (their text and where each name is in it). Every name asked for
 * keeps its own normalised entry, so a bucket is read again only for another name that falls in
 * it, which the hash makes rare: a few suffice for a name's spellings and kinds, and a real-size
 * bucket is a few MB of text.
 */
const CACHED_BUCKETS = 4;

/** The most dots a spelling of a name gets where the name itself has other separators (see `spellings`). */
const MAX_SPELLING_DOTS = 3;

/**
 * The legacy keys the data may file a project under, given one spelling of its name: the name's
 * own key, and its PEP 503 form with each separator written `-` or `.` (legacy keys keep dots:
 * `zope.interface`, `backports.ssl-match-hostname`), at most MAX_SPELLING_DOTS of them dots —
 * O(k³) spellings for k separators instead of 2^k. Left out are keys that separate words by runs
 * (`a--b`, `a.-b`) or by more dots than that, unless the name is written so: the SQLite index,
 * which lists every key, finds those too.
 */
export function spellings(name: string): string[] {
  const words = canonicalizeName(name).split('-');
  const found = new Set([legacyKey(name)]);
  const spell = (from: number, dots: number, prefix: string) => {
    if (from === words.length) {
      found.add(prefix);
      return;
    }
    spell(from + 1, dots, `${prefix}-${words[from]}`);
    if (dots < MAX_SPELLING_DOTS) spell(from + 1, dots + 1, `${prefix}.${words[from]}`);
  };
  spell(1, 0, words[0]!);
  return [...found];
}

/**
 * Whether a bucket file may have `key` as a name, without decoding it: a JSON string equal to the
 * key appears literally, unless the file writes ASCII characters as `\u00XX` escapes (which
 * Python's json module never does; such a file is read).
 */
function mayHaveKey(bytes: Buffer, key: string): boolean {
  if (bytes.includes(`"${key}"`)) return true;
  for (let at = bytes.indexOf('\\u00'); at !== -1; at = bytes.indexOf('\\u00', at + 1)) {
    if (/^[2-7][0-9a-f]$/i.test(bytes.toString('latin1', at + 4, at + 6))) return true;
  }
  return false;
}

/** A bucket file as read: its text, and where each name's entry is once scanned. */
interface BucketText {
  readonly file: string;
  readonly text: string;
  entries: Map<string, readonly [number, number]> | null;
}

/** What the cache keeps for a bucket the tree has no file for: an empty one. */
const NO_FILE: BucketText = { file: '', text: '{}', entries: new Map() };

/** One kind of bucket file (sdist, wheel or fetcher), read name by name. */
class BucketFiles<T> {
  private readonly buckets = boundedCache<string, BucketText>(CACHED_BUCKETS);
  /** Every name asked for, normalised (undefined: the bucket has no such name). */
  private readonly names = new Map<string, T | undefined>();

  constructor(
    private readonly inputs: DataInputs,
    private readonly kind: BucketKind,
    private readonly read: (file: string, json: unknown) => Map<string, T>,
  ) {}

  get(key: string, bytes?: Buffer): T | undefined {
    if (this.names.has(key)) return this.names.get(key);
    const bucket = this.bucket(key, bytes);
    const span = this.entries(bucket).get(key);
    const value = span ? this.read(bucket.file, { [key]: parseJson(bucket.text.slice(span[0], span[1]), bucket.file) }).get(key) : undefined;
    this.names.set(key, value);
    return value;
  }

  /**
   * Whether the bucket names `key`. A bucket whose bytes cannot name it is neither decoded nor
   * kept: most spellings of a name are in no bucket, and their files are megabytes.
   */
  has(key: string): boolean {
    if (this.names.has(key)) return this.names.get(key) !== undefined;
    const loaded = this.buckets.peek(bucketOf(key));
    if (loaded !== undefined) return this.entries(loaded).has(key);
    const file = bucketFile(this.inputs, this.kind, bucketOf(key));
    const bytes = file === null ? undefined : readDataFile(file);
    if (bytes === undefined || !mayHaveKey(bytes, key)) {
      this.names.set(key, undefined);
      return false;
    }
    return this.get(key, bytes) !== undefined;
  }

  /** The names of every bucket file of this kind (their entries not parsed). */
  allNames(): string[] {
    const names: string[] = [];
    for (const bucket of BUCKETS) {
      const file = bucketFile(this.inputs, this.kind, bucket);
      const data = file === null ? undefined : readDataFile(file);
      if (file === null || data === undefined) continue;
      const loaded = this.buckets.peek(bucket) ?? { file, text: decodeUtf8(data, file, 'data'), entries: null };
      names.push(...this.entries(loaded).keys());
    }
    return names;
  }

  /** The bucket file of `key`, decoded (from `bytes` when already read). */
  private bucket(key: string, bytes?: Buffer): BucketText {
    const bucket = bucketOf(key);
    let loaded = this.buckets.get(bucket);
    if (loaded === undefined) {
      const file = bucketFile(this.inputs, this.kind, bucket);
      const data = bytes ?? (file === null ? undefined : readDataFile(file));
      loaded = file === null || data === undefined ? NO_FILE : { file, text: decodeUtf8(data, file, 'data'), entries: null };
      this.buckets.set(bucket, loaded);
    }
    return loaded;
  }

  /** Where each name of the bucket is; every name is checked to belong in it (as the index build checks). */
  private entries(bucket: BucketText): Map<string, readonly [number, number]> {
    if (bucket.entries) return bucket.entries;
    const entries = jsonObjectEntries(bucket.text);
    if (entries === null) {
      // Not a JSON object: parsing it whole says what is wrong.
      this.read(bucket.file, parseJson(bucket.text, bucket.file));
      throw new DataError({ file: bucket.file }, 'malformed JSON');
    }
    checkBucketNames(entries.keys(), bucket.file);
    bucket.entries = entries;
    return entries;
  }
}

export class BucketSource implements DependencySource {
  private readonly sdist: BucketFiles<SdistVersion[]>;
  private readonly wheel: BucketFiles<WheelFile[]>;
  private readonly fetcher: BucketFiles<FetcherFile[]>;
  private conda: Map<string, Map<string, CondaPackage[]>> | null = null;
  private nixpkgs: Map<string, NixpkgsEntry[]> | null = null;
  private dataInfo: DataInfo | null = null;
  /** Keys of the conda and nixpkgs data (held in memory whole) by their PEP 503 form, where it differs. */
  private inMemoryAliases: Map<string, string[]> | null = null;
  /** Every key of the data, sorted: read only to suggest a name for one the data does not know. */
  private everyKey: string[] | null = null;

  constructor(private readonly inputs: DataInputs) {
    checkDepsTree(inputs.depsDir);
    this.sdist = new BucketFiles(inputs, 'sdist', readSdistBucket);
    this.wheel = new BucketFiles(inputs, 'wheel', readWheelBucket);
    this.fetcher = new BucketFiles(inputs, 'files', readFetcherBucket);
  }

  private sdistVersions(key: string): SdistVersion[] {
    return this.sdist.get(key) ?? [];
  }

  private wheelFiles(key: string): WheelFile[] {
    return this.wheel.get(key) ?? [];
  }

  private fetcherFiles(key: string): FetcherFile[] {
    return this.fetcher.get(key) ?? [];
  }

  private condaIndex(): Map<string, Map<string, CondaPackage[]>> {
    return (this.conda ??= indexConda(this.inputs.conda ?? []));
  }

  private nixpkgsIndex(): Map<string, NixpkgsEntry[]> {
    return (this.nixpkgs ??= this.inputs.nixpkgsFile ? indexNixpkgs(this.inputs.nixpkgsFile) : new Map());
  }

  /**
   * The tree's metadata. `pythonKeys` needs every sdist bucket read, so it is computed when first
   * asked for (a resolution never does), once.
   */
  info(): DataInfo {
    if (this.dataInfo) return this.dataInfo;
    let pythonKeys: string[] | null = null;
    const allPythonKeys = () => (pythonKeys ??= this.allPythonKeys());
    this.dataInfo = {
      ...readDepsTreeMeta(this.inputs.depsDir),
      condaChannels: [...new Set((this.inputs.conda ?? []).map((input) => input.channel))].sort(compareCodePoints),
      get pythonKeys() {
        return allPythonKeys();
      },
    };
    return this.dataInfo;
  }

  private allPythonKeys(): string[] {
    const pythonKeys = new Set<string>();
    for (const bucket of BUCKETS) {
      const file = bucketFile(this.inputs, 'sdist', bucket);
      if (file === null) continue;
      for (const versions of readSdistBucket(file, readJsonFile(file)).values()) {
        for (const { records } of versions) for (const key of records.keys()) pythonKeys.add(key);
      }
    }
    return [...pythonKeys].sort(comparePythonKeys);
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

  /** The conda and nixpkgs keys whose PEP 503 form differs from them (those data are in memory anyway). */
  private inMemoryAliasIndex(): Map<string, string[]> {
    if (this.inMemoryAliases) return this.inMemoryAliases;
    const aliases = new Map<string, string[]>();
    const add = (key: string) => {
      const canonical = canonicalizeName(key);
      if (canonical === key) return;
      const list = aliases.get(canonical) ?? [];
      if (!list.includes(key)) list.push(key);
      aliases.set(canonical, list);
    };
    for (const byKey of this.condaIndex().values()) for (const key of byKey.keys()) add(key);
    for (const key of this.nixpkgsIndex().keys()) add(key);
    this.inMemoryAliases = aliases;
    return aliases;
  }

  /** Whether a bucket of any kind names `key`. */
  private inBuckets(key: string): boolean {
    return this.sdist.has(key) || this.wheel.has(key) || this.fetcher.has(key);
  }

  /**
   * Every bucket's names are read for this (the only question that reads the whole tree), which
   * only an unknown name asks: the cost of a mistake, not of a resolution.
   */
  keysOfLength(min: number, max: number): string[] {
    this.everyKey ??= [
      ...new Set([
        ...this.sdist.allNames(), ...this.wheel.allNames(), ...this.fetcher.allNames(),
        ...[...this.condaIndex().values()].flatMap((byKey) => [...byKey.keys()]), ...this.nixpkgsIndex().keys(),
      ]),
    ].sort(compareCodePoints);
    return this.everyKey.filter((key) => key.length >= min && key.length <= max);
  }

  keys(name: string): string[] {
    const canonical = canonicalizeName(name);
    const aliases = spellings(name).filter((key) => key !== canonical && this.inBuckets(key));
    return keysOf(canonical, [...aliases, ...(this.inMemoryAliasIndex().get(canonical) ?? [])], this.has(canonical));
  }

  close(): void {}
}
