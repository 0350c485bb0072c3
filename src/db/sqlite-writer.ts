/**
 * Writes the SQLite index of mach-nix's data from the JSON trees (`mach-nix db build`; schema in
 * `schema.ts`, documented in `README.md`); `sqlite-source.ts` reads it.
 *
 * Building streams the trees bucket by bucket (the real DB is ~2 GB of JSON; one bucket of each
 * kind is in memory at a time), writes to `<out>.tmp-<pid>-<random>` and renames it to `<out>` only
 * when complete, so a crash or bad input never leaves a partial index and an existing `<out>` stays
 * as it was; builds running side by side each write their own temporary, the last rename wins and
 * every one renamed is complete. A failure removes the temporary; `buildIndexInterruptibly`
 * (the CLI's) also stops between buckets when asked (SIGINT, SIGTERM) and removes it; a build
 * killed outright (SIGKILL, a power cut) leaves its temporary, which the next build next to the
 * same `<out>` removes once its process is gone. Equal inputs give byte-identical files: rows go
 * in in a fixed order, record ids are counted, the page size is fixed and SQLite stores no
 * timestamps.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { DataError } from '../errors.js';
import { betterSqlite3, crypto } from '../on-demand.js';
import { canonicalizeName } from '../pep503.js';
import { BUCKETS, readJsonFile } from './buckets.js';
import { readCondaFile } from './conda.js';
import { bucketFile, checkDepsTree, readDepsTreeMeta } from './inputs.js';
import type { BucketKind, DataInputs } from './inputs.js';
import { readNixpkgsIndex } from './nixpkgs-index.js';
import { readSdistBucket, readWheelBucket } from './pypi-deps-db.js';
import type { SdistRecord, SdistVersion, WheelFile, WheelRecord } from './pypi-deps-db.js';
import { readFetcherBucket } from './pypi-fetcher.js';
import type { FetcherFile } from './pypi-fetcher.js';
import { INDEXES, KIND_FILES, KIND_SDIST, KIND_WHEEL, PAGE_SIZE, SCHEMA_VERSION, TABLES } from './schema.js';
import { compareCodePoints } from '../code-points.js';

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

/**
 * Writes the index of `inputs` to `out`, atomically (see the module comment). Not write-file-atomic:
 * that writes a buffer, while SQLite writes its own file, so the temporary file is renamed here.
 */
export function buildIndex(inputs: DataInputs, out: string, onProgress?: (progress: BuildProgress) => void): BuildStats {
  return publish(inputs, out, (db) => {
    const steps = fillIndex(db, inputs, onProgress);
    for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
  });
}

/** Thrown by `buildIndexInterruptibly` when `stopped()` said so between two steps. */
export class BuildInterrupted extends Error {}

/**
 * `buildIndex` that lets the event loop run between buckets (signal handlers run then) and stops,
 * removing its temporary, as soon as `stopped()` is true.
 */
export function buildIndexInterruptibly(
  inputs: DataInputs, out: string, stopped: () => boolean, onProgress?: (progress: BuildProgress) => void,
): Promise<BuildStats> {
  return publish(inputs, out, async (db) => {
    const steps = fillIndex(db, inputs, onProgress);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      await new Promise((resume) => setImmediate(resume));
      if (stopped()) throw new BuildInterrupted(`interrupted: ${out} was not written`);
    }
  });
}

/** The temporaries of `<out>` (`<out>.tmp-<pid>[-<random>]`) whose process is gone: a killed build's. */
export function removeStaleTemporaries(out: string): string[] {
  const prefix = `${basename(out)}.tmp-`;
  const removed: string[] = [];
  for (const entry of readdirSync(dirname(out))) {
    const pid = entry.startsWith(prefix) ? /^(\d+)(?:-[0-9a-f]+)?$/.exec(entry.slice(prefix.length))?.[1] : undefined;
    if (pid === undefined || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    rmSync(join(dirname(out), entry), { force: true });
    removed.push(entry);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Runs `fill` on a new database at a temporary name next to `out` and renames it to `out` when
 * `fill` returns; on any failure the temporary is removed and `out` is left as it was.
 */
function publish<T extends BuildStats | Promise<BuildStats>>(inputs: DataInputs, out: string, fill: (db: SqliteDatabase) => T): T {
  checkDepsTree(inputs.depsDir);
  removeStaleTemporaries(out);
  const temp = `${out}.tmp-${process.pid}-${crypto().randomBytes(4).toString('hex')}`;
  let db: SqliteDatabase | null = null;
  const fail = (error: unknown): never => {
    db?.close();
    rmSync(temp, { force: true });
    throw error;
  };
  const finish = (stats: BuildStats): BuildStats => {
    db!.close();
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
  };
  try {
    db = new (betterSqlite3())(temp);
    const filled = fill(db);
    if (filled instanceof Promise) {
      return filled.then((stats) => {
        try {
          return finish(stats);
        } catch (error) {
          return fail(error);
        }
      }, fail) as T;
    }
    return finish(filled) as T;
  } catch (error) {
    return fail(error);
  }
}

/** Fills the index, one step per bucket, conda file, nixpkgs file and index statement (a pause point each). */
function* fillIndex(db: SqliteDatabase, inputs: DataInputs, onProgress?: (progress: BuildProgress) => void): Generator<void, BuildStats> {
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
  const insertFile = db.prepare<[number, string, string, string | null, Buffer, string | null]>(
    'INSERT INTO file (name_id, version, filename, python_tag, sha256, url) VALUES (?, ?, ?, ?, ?, ?)',
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
      for (const file of files) insertFile.run(id, file.version, file.filename, file.pythonTag, file.sha256, file.url);
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
    yield;
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
    yield;
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
  for (const sql of INDEXES) {
    db.exec(sql);
    yield;
  }
  db.exec('COMMIT');
  return stats;
}
