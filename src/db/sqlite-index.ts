/**
 * The SQLite index of mach-nix's data: `buildIndex` writes it from the JSON trees (schema in
 * `schema.ts`, documented in `README.md`), `SqliteSource` answers the DependencySource queries
 * from it.
 *
 * Building streams the trees bucket by bucket (the real DB is ~2 GB of JSON; one bucket of each
 * kind is in memory at a time), writes to `<out>.tmp-<pid>` and renames it to `<out>` only when
 * complete, so a crash or bad input never leaves a partial index and an existing `<out>` stays as
 * it was. Equal inputs give byte-identical files: rows go in in a fixed order, record ids are
 * counted, the page size is fixed and SQLite stores no timestamps.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { DataError } from '../errors.js';
import { betterSqlite3 } from '../on-demand.js';
import { canonicalizeName } from '../pep503.js';
import { BUCKETS, readJsonFile } from './buckets.js';
import { condaRecord, readCondaFile } from './conda.js';
import { bucketFile, checkDepsTree, readDepsTreeMeta } from './inputs.js';
import type { BucketKind, DataInputs } from './inputs.js';
import { readNixpkgsIndex } from './nixpkgs-index.js';
import { readSdistBucket, readWheelBucket } from './pypi-deps-db.js';
import type { SdistRecord, SdistVersion, WheelFile, WheelRecord } from './pypi-deps-db.js';
import { distributionFile, readFetcherBucket } from './pypi-fetcher.js';
import type { FetcherFile } from './pypi-fetcher.js';
import { INDEXES, PAGE_SIZE, SCHEMA_VERSION, TABLES } from './schema.js';
import { comparePythonKeys, keysOf, parsePythonKey } from './source.js';
import { compareCodePoints } from '../code-points.js';
import type {
  Availability,
  CondaRecord,
  DataInfo,
  DependencySource,
  DistributionFile,
  NixpkgsAttribute,
  PythonTarget,
  SdistRelease,
  WheelRelease,
} from './source.js';

const KIND_SDIST = 1;
const KIND_WHEEL = 2;
const KIND_FILES = 4;
/** python_mask is a SQLite integer used with `&`; 31 bits keep JavaScript's bit operators exact. */
const MAX_PYTHON_KEYS = 31;

export interface BuildProgress {
  /** Units done and in all: one per bucket, conda file and nixpkgs index. */
  readonly done: number;
  readonly total: number;
}

export interface BuildStats {
  readonly names: number;
  readonly sdistReleases: number;
  readonly wheelFiles: number;
  readonly files: number;
  readonly condaRecords: number;
  readonly nixpkgsAttributes: number;
}

type SdistRecordRow = [string[], string[], string[], Record<string, string[]>, string | null];
type WheelRecordRow = [string[], string | null, string[]];

function sdistRecordJson(record: SdistRecord): string {
  return JSON.stringify([record.installRequires, record.setupRequires, record.testsRequire, record.extrasRequire, record.requiresPython]);
}

function wheelRecordJson(record: WheelRecord): string {
  return JSON.stringify([record.requiresDist, record.requiresPython, record.providesExtras]);
}

/**
 * Numbers distinct records within a bucket: references already share objects, and equal records
 * that were written out twice share a row through their JSON text. Forgotten after each bucket,
 * which keeps memory flat; records are rarely equal across buckets' unrelated names.
 */
class RecordTable<R> {
  private readonly byObject = new Map<R, number>();
  private readonly byText = new Map<string, number>();
  private nextId = 1;

  constructor(
    private readonly insert: Statement<[number, string]>,
    private readonly toJson: (record: R) => string,
  ) {}

  idOf(record: R): number {
    const known = this.byObject.get(record);
    if (known !== undefined) return known;
    const text = this.toJson(record);
    let id = this.byText.get(text);
    if (id === undefined) {
      id = this.nextId++;
      this.insert.run(id, text);
      this.byText.set(text, id);
    }
    this.byObject.set(record, id);
    return id;
  }

  forgetBucket(): void {
    this.byObject.clear();
    this.byText.clear();
  }
}

/** Writes the index of `inputs` to `out`, atomically (see the module comment). */
export function buildIndex(inputs: DataInputs, out: string, onProgress?: (progress: BuildProgress) => void): BuildStats {
  checkDepsTree(inputs.depsDir);
  const temp = `${out}.tmp-${process.pid}`;
  rmSync(temp, { force: true });
  let db: SqliteDatabase | null = null;
  try {
    db = new (betterSqlite3())(temp);
    const stats = fillIndex(db, inputs, onProgress);
    db.close();
    db = null;
    // The rename publishes the file: its bytes must be on disk first.
    const fd = openSync(temp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, out);
    return stats;
  } catch (error) {
    db?.close();
    rmSync(temp, { force: true });
    throw error;
  }
}

function fillIndex(db: SqliteDatabase, inputs: DataInputs, onProgress?: (progress: BuildProgress) => void): BuildStats {
  db.pragma(`page_size = ${PAGE_SIZE}`);
  // The file is thrown away on any failure, so SQLite's own crash safety is only overhead here
  // (OFF would be cheaper still, but better-sqlite3's defensive mode refuses it).
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('cache_size = -131072');
  for (const sql of TABLES) db.exec(sql);

  const insertName = db.prepare<[number, string, number]>('INSERT INTO name (id, key, kinds) VALUES (?, ?, ?)');
  const insertSdist = db.prepare<[number, string, number, number]>(
    'INSERT INTO sdist_release (name_id, version, record_id, python_mask) VALUES (?, ?, ?, ?)',
  );
  const insertWheel = db.prepare<[number, string, string, string, number]>(
    'INSERT INTO wheel_file (name_id, version, filename, python_tag, record_id) VALUES (?, ?, ?, ?, ?)',
  );
  const insertFile = db.prepare<[number, string, string, string | null, Buffer]>(
    'INSERT INTO file (name_id, version, filename, python_tag, sha256) VALUES (?, ?, ?, ?, ?)',
  );
  const insertConda = db.prepare<[string, string, string, string, string, string, string, number, string, string, string | null]>(
    `INSERT OR IGNORE INTO conda_record (channel, key, subdir, filename, name, version, build, build_number, depends, constrains, sha256)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertNixpkgs = db.prepare<[string, string, string, string, string | null]>(
    'INSERT INTO nixpkgs_attribute (key, attribute, pname, version, requirements) VALUES (?, ?, ?, ?, ?)',
  );
  const insertMeta = db.prepare<[string, string | null]>('INSERT INTO meta (key, value) VALUES (?, ?)');
  const insertAlias = db.prepare<[string, string]>('INSERT OR IGNORE INTO alias (canonical, key) VALUES (?, ?)');
  const addAlias = (key: string) => {
    const canonical = canonicalizeName(key);
    if (canonical !== key) insertAlias.run(canonical, key);
  };
  const sdistRecords = new RecordTable<SdistRecord>(db.prepare('INSERT INTO sdist_record (id, data) VALUES (?, ?)'), sdistRecordJson);
  const wheelRecords = new RecordTable<WheelRecord>(db.prepare('INSERT INTO wheel_record (id, data) VALUES (?, ?)'), wheelRecordJson);

  const pythonKeyBits = new Map<string, number>();
  const bitOf = (key: string, file: string, name: string): number => {
    let bit = pythonKeyBits.get(key);
    if (bit === undefined) {
      bit = pythonKeyBits.size;
      if (bit >= MAX_PYTHON_KEYS) throw new DataError({ file, key: name }, `more than ${MAX_PYTHON_KEYS} python keys in the data`);
      pythonKeyBits.set(key, bit);
    }
    return bit;
  };

  const stats = { names: 0, sdistReleases: 0, wheelFiles: 0, files: 0, condaRecords: 0, nixpkgsAttributes: 0 };
  const conda = inputs.conda ?? [];
  const total = BUCKETS.length + conda.length + (inputs.nixpkgsFile ? 1 : 0);
  let done = 0;
  const step = () => onProgress?.({ done: ++done, total });

  const readBucket = <T>(kind: BucketKind, bucket: string, read: (file: string, json: unknown) => Map<string, T>) => {
    const file = bucketFile(inputs, kind, bucket);
    return { file: file ?? '', names: file === null ? new Map<string, T>() : read(file, readJsonFile(file)) };
  };

  db.exec('BEGIN');
  let nameId = 0;
  for (const bucket of BUCKETS) {
    const sdist = readBucket('sdist', bucket, readSdistBucket);
    const wheel = readBucket('wheel', bucket, readWheelBucket);
    const fetcher = readBucket('files', bucket, readFetcherBucket);
    const names = [...new Set([...sdist.names.keys(), ...wheel.names.keys(), ...fetcher.names.keys()])].sort(compareCodePoints);
    for (const name of names) {
      const id = ++nameId;
      const versions: SdistVersion[] = sdist.names.get(name) ?? [];
      const wheels: WheelFile[] = wheel.names.get(name) ?? [];
      const files: FetcherFile[] = fetcher.names.get(name) ?? [];
      let kinds = 0;
      for (const { version, records } of versions) {
        // One row per distinct record of the version, with the bits of every python key it serves.
        const masks = new Map<number, number>();
        for (const [pythonKey, record] of records) {
          const recordId = sdistRecords.idOf(record);
          masks.set(recordId, (masks.get(recordId) ?? 0) | (1 << bitOf(pythonKey, sdist.file, name)));
        }
        for (const recordId of [...masks.keys()].sort((a, b) => a - b)) {
          insertSdist.run(id, version, recordId, masks.get(recordId) ?? 0);
          kinds |= KIND_SDIST;
        }
        if (records.size > 0) stats.sdistReleases++;
      }
      for (const file of wheels) insertWheel.run(id, file.version, file.filename, file.pythonTag, wheelRecords.idOf(file.record));
      for (const file of files) insertFile.run(id, file.version, file.filename, file.pythonTag, file.sha256);
      if (wheels.length > 0) kinds |= KIND_WHEEL;
      if (files.length > 0) kinds |= KIND_FILES;
      insertName.run(id, name, kinds);
      addAlias(name);
      stats.wheelFiles += wheels.length;
      stats.files += files.length;
    }
    stats.names += names.length;
    sdistRecords.forgetBucket();
    wheelRecords.forgetBucket();
    step();
  }

  for (const input of conda) {
    for (const record of readCondaFile(input)) {
      const { changes } = insertConda.run(
        input.channel, record.key, record.subdir, record.filename, record.name, record.version, record.build,
        record.buildNumber, JSON.stringify(record.depends), JSON.stringify(record.constrains), record.sha256,
      );
      stats.condaRecords += changes;
      addAlias(record.key);
    }
    step();
  }

  if (inputs.nixpkgsFile) {
    for (const entry of readNixpkgsIndex(inputs.nixpkgsFile)) {
      insertNixpkgs.run(entry.key, entry.attribute, entry.pname, entry.version, entry.requirements);
      addAlias(entry.key);
      stats.nixpkgsAttributes++;
    }
    step();
  }

  const insertPythonKey = db.prepare<[number, string]>('INSERT INTO python_key (bit, key) VALUES (?, ?)');
  for (const [key, bit] of pythonKeyBits) insertPythonKey.run(bit, key);
  const meta = readDepsTreeMeta(inputs.depsDir);
  insertMeta.run('schema_version', SCHEMA_VERSION);
  insertMeta.run('deps_timestamp', meta.depsTimestamp === null ? null : String(meta.depsTimestamp));
  insertMeta.run('fetcher_commit', meta.fetcherCommit);
  insertMeta.run('fetcher_sha256', meta.fetcherSha256);
  insertMeta.run('conda_channels', JSON.stringify([...new Set(conda.map((input) => input.channel))].sort(compareCodePoints)));
  for (const sql of INDEXES) db.exec(sql);
  db.exec('COMMIT');
  return stats;
}

interface SdistRow {
  version: string;
  python_mask: number;
  record_id: number;
  data: string;
}

interface WheelRow {
  version: string;
  filename: string;
  python_tag: string;
  record_id: number;
  data: string;
}

interface FileRow {
  filename: string;
  python_tag: string | null;
  sha256: Buffer;
}

interface CondaRow {
  subdir: string;
  filename: string;
  name: string;
  version: string;
  build: string;
  build_number: number;
  depends: string;
  constrains: string;
  sha256: string | null;
}

/** The bits of the python keys that may serve a target, most preferred (newest) first. */
interface TargetKeys {
  readonly mask: number;
  readonly preference: readonly { bit: number; key: string; exact: boolean }[];
}

/** What `has` asks of the index about `@key`, as the columns of one SELECT. */
const AVAILABILITY_COLUMNS = `(SELECT kinds FROM name WHERE key = @key) AS kinds,
  EXISTS (SELECT 1 FROM nixpkgs_attribute WHERE key = @key) AS nixpkgs,
  (SELECT json_group_array(DISTINCT channel) FROM conda_record WHERE key = @key) AS conda`;

interface AvailabilityRow {
  kinds: number | null;
  nixpkgs: number;
  /** JSON array of channel names, in no particular order. */
  conda: string;
}

function availability(row: AvailabilityRow): Availability {
  const kinds = row.kinds ?? 0;
  return {
    sdist: (kinds & KIND_SDIST) !== 0,
    wheel: (kinds & KIND_WHEEL) !== 0,
    files: (kinds & KIND_FILES) !== 0,
    nixpkgs: row.nixpkgs === 1,
    conda: (JSON.parse(row.conda) as string[]).sort(compareCodePoints),
  };
}

/** A DependencySource over an index file written by `buildIndex`. */
export class SqliteSource implements DependencySource {
  private readonly db: SqliteDatabase;
  private readonly dataInfo: DataInfo;
  private readonly pythonKeys: readonly { bit: number; key: string }[];
  private readonly targets = new Map<string, TargetKeys>();
  private readonly statements: {
    sdist: Statement<[string, number], SdistRow>;
    wheel: Statement<[string], WheelRow>;
    files: Statement<[string, string], FileRow>;
    conda: Statement<[string, string], CondaRow>;
    nixpkgs: Statement<[string], NixpkgsAttribute>;
    availability: Statement<[{ key: string }], AvailabilityRow>;
    keys: Statement<[{ key: string }], AvailabilityRow & { aliases: string }>;
  };

  constructor(file: string) {
    try {
      this.db = new (betterSqlite3())(file, { readonly: true, fileMustExist: true });
      const meta = new Map(
        this.db.prepare<[], { key: string; value: string | null }>('SELECT key, value FROM meta').all().map((row) => [row.key, row.value]),
      );
      if (meta.get('schema_version') !== SCHEMA_VERSION) {
        throw new DataError({ file }, `index schema version ${meta.get('schema_version') ?? 'unknown'} is not ${SCHEMA_VERSION}: rebuild it with mach-nix db build`);
      }
      this.pythonKeys = this.db.prepare<[], { bit: number; key: string }>('SELECT bit, key FROM python_key ORDER BY bit').all();
      const timestamp = meta.get('deps_timestamp');
      this.dataInfo = {
        depsTimestamp: timestamp === null || timestamp === undefined ? null : Number(timestamp),
        fetcherCommit: meta.get('fetcher_commit') ?? null,
        fetcherSha256: meta.get('fetcher_sha256') ?? null,
        pythonKeys: this.pythonKeys.map((entry) => entry.key).sort(comparePythonKeys),
        condaChannels: JSON.parse(meta.get('conda_channels') ?? '[]') as string[],
      };
      this.statements = {
        sdist: this.db.prepare<[string, number], SdistRow>(
          `SELECT r.version, r.python_mask, r.record_id, d.data FROM name n
           JOIN sdist_release r ON r.name_id = n.id JOIN sdist_record d ON d.id = r.record_id
           WHERE n.key = ? AND (r.python_mask & ?) != 0 ORDER BY r.version, r.record_id`,
        ),
        wheel: this.db.prepare<[string], WheelRow>(
          `SELECT w.version, w.filename, w.python_tag, w.record_id, d.data FROM name n
           JOIN wheel_file w ON w.name_id = n.id JOIN wheel_record d ON d.id = w.record_id
           WHERE n.key = ? ORDER BY w.version, w.filename, w.python_tag`,
        ),
        files: this.db.prepare<[string, string], FileRow>(
          `SELECT f.filename, f.python_tag, f.sha256 FROM name n JOIN file f ON f.name_id = n.id
           WHERE n.key = ? AND f.version = ? ORDER BY f.filename`,
        ),
        conda: this.db.prepare<[string, string], CondaRow>(
          `SELECT subdir, filename, name, version, build, build_number, depends, constrains, sha256 FROM conda_record
           WHERE channel = ? AND key = ? ORDER BY subdir, filename`,
        ),
        nixpkgs: this.db.prepare<[string], NixpkgsAttribute>(
          'SELECT attribute, pname, version, requirements FROM nixpkgs_attribute WHERE key = ? ORDER BY attribute',
        ),
        // One statement per question (a resolution asks both for every name it meets): each call
        // into SQLite costs more than the lookups it runs.
        availability: this.db.prepare<[{ key: string }], AvailabilityRow>(`SELECT ${AVAILABILITY_COLUMNS}`),
        keys: this.db.prepare<[{ key: string }], AvailabilityRow & { aliases: string }>(
          `SELECT ${AVAILABILITY_COLUMNS}, (SELECT json_group_array(key) FROM alias WHERE canonical = @key) AS aliases`,
        ),
      };
    } catch (error) {
      if (error instanceof DataError) throw error;
      throw new DataError({ file }, `not a mach-nix index: ${(error as Error).message}`);
    }
  }

  private targetKeys(python: PythonTarget): TargetKeys {
    const id = `${python.major}.${python.minor}`;
    let target = this.targets.get(id);
    if (!target) {
      const usable = this.pythonKeys
        .map((entry) => ({ ...entry, version: parsePythonKey(entry.key) }))
        .filter((entry) => entry.version !== null && entry.version.major === python.major && entry.version.minor <= python.minor)
        .sort((a, b) => (b.version?.minor ?? 0) - (a.version?.minor ?? 0));
      target = {
        mask: usable.reduce((mask, entry) => mask | (1 << entry.bit), 0),
        preference: usable.map((entry) => ({ bit: entry.bit, key: entry.key, exact: entry.version?.minor === python.minor })),
      };
      this.targets.set(id, target);
    }
    return target;
  }

  info(): DataInfo {
    return this.dataInfo;
  }

  sdistReleases(key: string, python: PythonTarget): SdistRelease[] {
    const target = this.targetKeys(python);
    if (target.mask === 0) return [];
    const rows = this.statements.sdist.all(key, target.mask);
    const parsed = new Map<number, SdistRecordRow>();
    const releases: SdistRelease[] = [];
    // Rows come grouped by version; a version's rows serve disjoint python keys.
    for (let start = 0; start < rows.length; ) {
      let end = start + 1;
      while (end < rows.length && rows[end]?.version === rows[start]?.version) end++;
      let chosenRow: SdistRow | undefined;
      let chosenKey: TargetKeys['preference'][number] | undefined;
      for (const preferred of target.preference) {
        for (let i = start; i < end && !chosenRow; i++) {
          if (((rows[i]?.python_mask ?? 0) & (1 << preferred.bit)) !== 0) chosenRow = rows[i];
        }
        if (chosenRow) {
          chosenKey = preferred;
          break;
        }
      }
      start = end;
      if (!chosenRow || !chosenKey) continue;
      let record = parsed.get(chosenRow.record_id);
      if (!record) {
        record = JSON.parse(chosenRow.data) as SdistRecordRow;
        parsed.set(chosenRow.record_id, record);
      }
      const [installRequires, setupRequires, testsRequire, extrasRequire, requiresPython] = record;
      releases.push({
        version: chosenRow.version,
        pythonKey: chosenKey.key,
        exactPythonKey: chosenKey.exact,
        installRequires,
        setupRequires,
        testsRequire,
        extrasRequire,
        requiresPython,
      });
    }
    return releases;
  }

  wheelReleases(key: string): WheelRelease[] {
    const parsed = new Map<number, WheelRecordRow>();
    return this.statements.wheel.all(key).map((row) => {
      let record = parsed.get(row.record_id);
      if (!record) {
        record = JSON.parse(row.data) as WheelRecordRow;
        parsed.set(row.record_id, record);
      }
      const [requiresDist, requiresPython, providesExtras] = record;
      return { version: row.version, filename: row.filename, pythonTag: row.python_tag, requiresDist, requiresPython, providesExtras };
    });
  }

  files(key: string, version: string): DistributionFile[] {
    return this.statements.files
      .all(key, version)
      .map((row) => distributionFile(key, { filename: row.filename, kind: row.python_tag === null ? 'sdist' : 'wheel', sha256: row.sha256, pythonTag: row.python_tag }));
  }

  condaRecords(channel: string, key: string): CondaRecord[] {
    return this.statements.conda.all(channel, key).map((row) =>
      condaRecord(channel, {
        key,
        subdir: row.subdir,
        filename: row.filename,
        name: row.name,
        version: row.version,
        build: row.build,
        buildNumber: row.build_number,
        depends: JSON.parse(row.depends) as string[],
        constrains: JSON.parse(row.constrains) as string[],
        sha256: row.sha256,
      }),
    );
  }

  nixpkgsAttributes(key: string): NixpkgsAttribute[] {
    return this.statements.nixpkgs.all(key);
  }

  has(key: string): Availability {
    return availability(this.statements.availability.get({ key })!);
  }

  keys(name: string): string[] {
    const canonical = canonicalizeName(name);
    const row = this.statements.keys.get({ key: canonical })!;
    return keysOf(canonical, JSON.parse(row.aliases) as string[], availability(row));
  }

  close(): void {
    this.db.close();
  }
}
