/**
 * Reads the SQLite index written by `sqlite-writer.ts`: `SqliteSource` answers the
 * DependencySource queries from it (which index serves which query: `README.md`).
 */
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { DataError } from '../errors.js';
import { canonicalizeName } from '../pep503.js';
import { condaRecord } from './conda.js';
import { distributionFile } from './pypi-fetcher.js';
import { KIND_FILES, KIND_SDIST, KIND_WHEEL, SCHEMA_VERSION, type SdistRecordRow, type WheelRecordRow } from './schema.js';
import { choosePythonKey, comparePythonKeys, keysOf } from './source.js';
import type { Availability, CondaRecord, DataInfo, DependencySource, DistributionFile, NixpkgsAttribute, PythonTarget, SdistRelease, WheelRelease } from './source.js';

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
  url: string | null;
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

/** A DependencySource over an index file written by `buildIndex`. */
export class SqliteSource implements DependencySource {
  private readonly db: SqliteDatabase;
  private readonly dataInfo: DataInfo;
  private readonly pythonKeys: readonly { bit: number; key: string }[];
  /** Per target Python: the bits of every python key that may serve it (see `choosePythonKey`). */
  private readonly usableMasks = new Map<string, number>();
  private readonly statements: {
    sdist: Statement<[string, number], SdistRow>;
    wheel: Statement<[string], WheelRow>;
    files: Statement<[string, string], FileRow>;
    conda: Statement<[string, string], CondaRow>;
    nixpkgs: Statement<[string], NixpkgsAttribute>;
    kinds: Statement<[string], { kinds: number }>;
    aliases: Statement<[string], { key: string }>;
    hasNixpkgs: Statement<[string], { found: number }>;
    condaChannels: Statement<[string], { channel: string }>;
    keysOfLength: Statement<[number, number, number, number, number, number], string>;
  };

  constructor(file: string) {
    try {
      this.db = new Database(file, { readonly: true, fileMustExist: true });
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
          `SELECT f.filename, f.python_tag, f.sha256, f.url FROM name n JOIN file f ON f.name_id = n.id
           WHERE n.key = ? AND f.version = ? ORDER BY f.filename`,
        ),
        conda: this.db.prepare<[string, string], CondaRow>(
          `SELECT subdir, filename, name, version, build, build_number, depends, constrains, sha256 FROM conda_record
           WHERE channel = ? AND key = ? ORDER BY subdir, filename`,
        ),
        nixpkgs: this.db.prepare<[string], NixpkgsAttribute>(
          'SELECT attribute, pname, version, requirements FROM nixpkgs_attribute WHERE key = ? ORDER BY attribute',
        ),
        kinds: this.db.prepare<[string], { kinds: number }>('SELECT kinds FROM name WHERE key = ?'),
        aliases: this.db.prepare<[string], { key: string }>('SELECT key FROM alias WHERE canonical = ? ORDER BY key'),
        hasNixpkgs: this.db.prepare<[string], { found: number }>('SELECT EXISTS (SELECT 1 FROM nixpkgs_attribute WHERE key = ?) AS found'),
        condaChannels: this.db.prepare<[string], { channel: string }>('SELECT DISTINCT channel FROM conda_record WHERE key = ? ORDER BY channel'),
        // one scan of each table, only when a name is unknown; pluck: strings, not row objects
        keysOfLength: this.db.prepare<[number, number, number, number, number, number], string>(
          `SELECT key FROM name WHERE length(key) BETWEEN ? AND ?
           UNION SELECT key FROM nixpkgs_attribute WHERE length(key) BETWEEN ? AND ?
           UNION SELECT key FROM conda_record WHERE length(key) BETWEEN ? AND ? ORDER BY key`,
        ).pluck(),
      };
    } catch (error) {
      if (error instanceof DataError) throw error;
      throw new DataError({ file }, `not a mach-nix index: ${(error as Error).message}`);
    }
  }

  private usableMask(python: PythonTarget): number {
    const id = `${python.major}.${python.minor}`;
    let mask = this.usableMasks.get(id);
    if (mask === undefined) {
      mask = this.pythonKeys.filter(({ key }) => choosePythonKey([key], python) !== null).reduce((bits, { bit }) => bits | (1 << bit), 0);
      this.usableMasks.set(id, mask);
    }
    return mask;
  }

  info(): DataInfo {
    return this.dataInfo;
  }

  sdistReleases(key: string, python: PythonTarget): SdistRelease[] {
    const mask = this.usableMask(python);
    if (mask === 0) return [];
    const rows = this.statements.sdist.all(key, mask);
    const parsed = new Map<number, SdistRecordRow>();
    const releases: SdistRelease[] = [];
    // Rows come grouped by version; a version's rows serve disjoint python keys.
    for (let start = 0; start < rows.length; ) {
      let end = start + 1;
      while (end < rows.length && rows[end]?.version === rows[start]?.version) end++;
      const rowOfKey = new Map<string, SdistRow>();
      for (const row of rows.slice(start, end)) {
        for (const { bit, key: pythonKey } of this.pythonKeys) if ((row.python_mask & mask & (1 << bit)) !== 0) rowOfKey.set(pythonKey, row);
      }
      start = end;
      const chosen = choosePythonKey(rowOfKey.keys(), python);
      if (chosen === null) continue;
      const row = rowOfKey.get(chosen.key)!;
      let record = parsed.get(row.record_id);
      if (!record) {
        record = JSON.parse(row.data) as SdistRecordRow;
        parsed.set(row.record_id, record);
      }
      const [installRequires, setupRequires, testsRequire, extrasRequire, requiresPython] = record;
      releases.push({
        version: row.version,
        pythonKey: chosen.key,
        exactPythonKey: chosen.exact,
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
      .map((row) => distributionFile(key, { filename: row.filename, kind: row.python_tag === null ? 'sdist' : 'wheel', sha256: row.sha256, pythonTag: row.python_tag, url: row.url }));
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
    const kinds = this.statements.kinds.get(key)?.kinds ?? 0;
    return {
      sdist: (kinds & KIND_SDIST) !== 0,
      wheel: (kinds & KIND_WHEEL) !== 0,
      files: (kinds & KIND_FILES) !== 0,
      nixpkgs: this.statements.hasNixpkgs.get(key)?.found === 1,
      conda: this.statements.condaChannels.all(key).map((row) => row.channel),
    };
  }

  keys(name: string): string[] {
    const canonical = canonicalizeName(name);
    return keysOf(canonical, this.statements.aliases.all(canonical).map((row) => row.key), this.has(canonical));
  }

  keysOfLength(min: number, max: number): string[] {
    return this.statements.keysOfLength.all(min, max, min, max, min, max);
  }

  close(): void {
    this.db.close();
  }
}
