/**
 * Schema of the SQLite index (`mach-nix db build`), one statement per table. Documented in
 * `README.md` beside this file, including which index serves which query.
 *
 * Names are numbered (`name.id`) in the order the builder meets them — bucket by bucket, sorted
 * inside a bucket — so every per-name table is filled in primary-key order and stays compact.
 * Per-name tables are WITHOUT ROWID: their primary key is the lookup path and the row is stored in
 * it, so a query is one B-tree descent plus a range scan.
 */

/** Bumped whenever the layout changes; an index of another version is refused, not misread. */
export const SCHEMA_VERSION = '3';

/** SQLite's page size for the index: fixed, so equal inputs give byte-identical files. */
export const PAGE_SIZE = 4096;

export const TABLES = [
  // Key/value facts about the inputs: schema_version, deps_timestamp, fetcher_commit,
  // fetcher_sha256, conda_channels (JSON list).
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID`,
  // The python keys of the sdist data; `bit` is the key's bit in sdist_release.python_mask.
  `CREATE TABLE python_key (bit INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)`,
  // Every name of the bucketed data. kinds: 1 = has sdist data, 2 = wheel data, 4 = files.
  `CREATE TABLE name (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kinds INTEGER NOT NULL)`,
  // Distinct sdist records, JSON [install_requires, setup_requires, tests_require, extras_require, requires_python].
  `CREATE TABLE sdist_record (id INTEGER PRIMARY KEY, data TEXT NOT NULL)`,
  // One row per (version, distinct record); python_mask = the python keys that record serves.
  `CREATE TABLE sdist_release (
    name_id INTEGER NOT NULL, version TEXT NOT NULL, record_id INTEGER NOT NULL, python_mask INTEGER NOT NULL,
    PRIMARY KEY (name_id, version, record_id)) WITHOUT ROWID`,
  // Distinct wheel records, JSON [requires_dist, requires_python, provides_extras].
  `CREATE TABLE wheel_record (id INTEGER PRIMARY KEY, data TEXT NOT NULL)`,
  `CREATE TABLE wheel_file (
    name_id INTEGER NOT NULL, version TEXT NOT NULL, filename TEXT NOT NULL, python_tag TEXT NOT NULL, record_id INTEGER NOT NULL,
    PRIMARY KEY (name_id, version, filename, python_tag)) WITHOUT ROWID`,
  // nix-pypi-fetcher-2 files; python_tag NULL = the sdist. sha256 = the 32 raw bytes. url NULL =
  // the files.pythonhosted.org URL the fetcher builds; else the entry's own (another index's file).
  `CREATE TABLE file (
    name_id INTEGER NOT NULL, version TEXT NOT NULL, filename TEXT NOT NULL, python_tag TEXT, sha256 BLOB NOT NULL, url TEXT,
    PRIMARY KEY (name_id, version, filename)) WITHOUT ROWID`,
  // Conda records; key = legacyKey(name); depends/constrains are JSON lists.
  `CREATE TABLE conda_record (
    channel TEXT NOT NULL, key TEXT NOT NULL, subdir TEXT NOT NULL, filename TEXT NOT NULL,
    name TEXT NOT NULL, version TEXT NOT NULL, build TEXT NOT NULL, build_number INTEGER NOT NULL,
    depends TEXT NOT NULL, constrains TEXT NOT NULL, sha256 TEXT,
    PRIMARY KEY (channel, key, subdir, filename)) WITHOUT ROWID`,
  // Keys whose PEP 503 form differs from the key itself (`zope.interface` → `zope-interface`),
  // so that keys(name) finds them from any spelling; every other key is its own canonical form.
  `CREATE TABLE alias (canonical TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (canonical, key)) WITHOUT ROWID`,
  `CREATE TABLE nixpkgs_attribute (
    key TEXT NOT NULL, attribute TEXT NOT NULL, pname TEXT NOT NULL, version TEXT NOT NULL, requirements TEXT,
    PRIMARY KEY (key, attribute)) WITHOUT ROWID`,
] as const;

/** Created after the data is in (faster, and the same bytes either way). */
export const INDEXES = [
  // has(key).conda: which channels know a name, without scanning every channel.
  `CREATE INDEX conda_record_by_key ON conda_record (key, channel)`,
] as const;

/** Bits of `name.kinds`: which kinds of bucketed data know the name. */
export const KIND_SDIST = 1;
export const KIND_WHEEL = 2;
export const KIND_FILES = 4;

/** `sdist_record.data`: [install_requires, setup_requires, tests_require, extras_require, requires_python]. */
export type SdistRecordRow = [string[], string[], string[], Record<string, string[]>, string | null];
/** `wheel_record.data`: [requires_dist, requires_python, provides_extras]. */
export type WheelRecordRow = [string[], string | null, string[]];
