/**
 * Reader of conda channel data (reference §4.6, §5.3): `repodata.json` files, whose `packages`
 * (`.tar.bz2`) and `packages.conda` (`.conda`) map a file name to its record.
 *
 * Where the files come from — a `--conda` argument is one of:
 * - `CHANNEL=FILE`: any repodata.json, e.g. a user's extra channel (mach-nix's
 *   `condaChannelsExtra`); the subdir is the record's `subdir`, else the file's `info.subdir`.
 * - `…/channels/<channel>/<subdir>.<n>.json`: one part of mach-nix's conda-channels layout; the
 *   channel and subdir come from the path.
 * - a conda-channels tree folder: every file its `sha256.json` lists (`channels/<channel>/<subdir>.<n>.json`).
 *
 * A record is looked up by channel and key (`legacyKey(name)`, as mach-nix keys conda names).
 * When the same channel, subdir and file name appear twice, the first file given wins. Records are
 * kept as they are (also those without sha256, and colliding name/version/build ones): choosing
 * among them is the conda provider's business.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as v from 'valibot';
import { builtOnFirstUse } from '../built-on-first-use.js';
import { UsageError } from '../errors.js';
import { legacyKey } from '../pep503.js';
import { dataError, expectObject, issueError, readJsonFile } from './buckets.js';
import { compareCodePoints } from '../code-points.js';
import type { CondaRecord } from './source.js';

/** One repodata file and the channel it belongs to. */
export interface CondaInput {
  readonly channel: string;
  readonly file: string;
  /** The subdir the file's location names (conda-channels layout); records may override it. */
  readonly subdir: string | null;
}

/** A record as read, before the channel and URL are attached; `key` is its name's legacy key. */
export interface CondaPackage extends Omit<CondaRecord, 'channel' | 'url'> {
  readonly key: string;
}

const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** `<subdir>.<n>.json` or `<subdir>.json` of the conda-channels layout. */
const PART_FILE = /^([A-Za-z0-9_-]+)(?:\.[0-9]+)?\.json$/;

function layoutInput(file: string): CondaInput | null {
  const part = PART_FILE.exec(basename(file));
  const channelDir = dirname(file);
  const channel = basename(channelDir);
  if (!part || basename(dirname(channelDir)) !== 'channels' || !CHANNEL_NAME.test(channel)) return null;
  return { channel, file, subdir: part[1] ?? null };
}

/** The files a conda-channels tree's `sha256.json` lists, in sorted order. */
function treeInputs(folder: string): CondaInput[] {
  const indexFile = join(folder, 'sha256.json');
  const index = expectObject(readJsonFile(indexFile) ?? null, indexFile, []);
  return Object.keys(index)
    .sort()
    .map((relative) => {
      const input = layoutInput(join(folder, relative));
      if (!input) throw dataError(indexFile, [relative], 'is not a channels/<channel>/<subdir>.<n>.json path');
      if (!existsSync(input.file)) throw dataError(indexFile, [relative], `lists ${input.file}, which does not exist`);
      return input;
    });
}

/** The repodata files one `--conda` argument stands for (see the module comment). */
export function condaInputs(argument: string): CondaInput[] {
  const assignment = /^([^=/\\]+)=(.+)$/.exec(argument);
  if (assignment) {
    const [, channel = '', file = ''] = assignment;
    if (!CHANNEL_NAME.test(channel)) throw new UsageError(`--conda ${argument}: ${JSON.stringify(channel)} is not a channel name`);
    if (!existsSync(file)) throw new UsageError(`--conda ${argument}: ${file}: no such file`);
    return [{ channel, file, subdir: null }];
  }
  if (!existsSync(argument)) throw new UsageError(`--conda ${argument}: no such file or folder`);
  if (statSync(argument).isDirectory()) {
    if (!existsSync(join(argument, 'sha256.json'))) {
      throw new UsageError(`--conda ${argument}: a folder must be a conda-channels tree (with sha256.json)`);
    }
    return treeInputs(argument);
  }
  const input = layoutInput(argument);
  if (!input) {
    throw new UsageError(`--conda ${argument}: give CHANNEL=FILE, or a file named channels/<channel>/<subdir>.<n>.json, or a conda-channels folder`);
  }
  return [input];
}

const schemas = builtOnFirstUse(() => ({
  record: v.object({
    name: v.string(),
    version: v.string(),
    build: v.string(),
    build_number: v.pipe(v.number(), v.integer()),
    depends: v.optional(v.array(v.string()), []),
    constrains: v.optional(v.array(v.string()), []),
    sha256: v.nullish(v.string()),
    subdir: v.optional(v.string()),
  }),
  repodata: v.object({
    info: v.optional(v.object({ subdir: v.optional(v.string()) })),
    packages: v.optional(v.unknown()),
    'packages.conda': v.optional(v.unknown()),
  }),
}));

/** Every record of one repodata file, in file order (`packages`, then `packages.conda`). */
export function readCondaFile(input: CondaInput): CondaPackage[] {
  const json = readJsonFile(input.file);
  if (json === undefined) throw dataError(input.file, [], 'no such file');
  const repodata = v.safeParse(schemas().repodata, expectObject(json, input.file, []));
  if (!repodata.success) throw issueError(input.file, [], repodata.issues);
  const fileSubdir = input.subdir ?? repodata.output.info?.subdir ?? null;
  const result: CondaPackage[] = [];
  for (const section of ['packages', 'packages.conda'] as const) {
    const packages = repodata.output[section];
    if (packages === undefined) continue;
    const records = expectObject(packages, input.file, [section]);
    for (const filename of Object.keys(records)) {
      const path = [section, filename];
      const parsed = v.safeParse(schemas().record, expectObject(records[filename], input.file, path));
      if (!parsed.success) throw issueError(input.file, path, parsed.issues);
      const record = parsed.output;
      const subdir = record.subdir ?? fileSubdir;
      if (subdir === null) throw dataError(input.file, path, 'has no subdir, and neither has the file');
      result.push({
        key: legacyKey(record.name),
        subdir,
        filename,
        name: record.name,
        version: record.version,
        build: record.build,
        buildNumber: record.build_number,
        depends: record.depends,
        constrains: record.constrains,
        sha256: record.sha256 ?? null,
      });
    }
  }
  return result;
}

/** Channels served from Anaconda's own repository; all others from anaconda.org (mach-nix's rule). */
const ANACONDA_REPO_CHANNELS = new Set(['free', 'intel', 'main', 'r']);

export function condaUrl(channel: string, record: Pick<CondaPackage, 'name' | 'version' | 'subdir' | 'filename'>): string {
  return ANACONDA_REPO_CHANNELS.has(channel)
    ? `https://repo.anaconda.com/pkgs/${channel}/${record.subdir}/${record.filename}`
    : `https://anaconda.org/${channel}/${record.name}/${record.version}/download/${record.subdir}/${record.filename}`;
}

/** The interface's view of a record. */
export function condaRecord(channel: string, record: CondaPackage): CondaRecord {
  return {
    channel,
    subdir: record.subdir,
    filename: record.filename,
    name: record.name,
    version: record.version,
    build: record.build,
    buildNumber: record.buildNumber,
    depends: record.depends,
    constrains: record.constrains,
    sha256: record.sha256,
    url: condaUrl(channel, record),
  };
}

/**
 * Records of several repodata files by channel and key, each list sorted by subdir and file name.
 * The first file that has a (channel, subdir, file name) wins, as in the SQLite index.
 */
export function indexConda(inputs: readonly CondaInput[]): Map<string, Map<string, CondaPackage[]>> {
  const index = new Map<string, Map<string, CondaPackage[]>>();
  const seen = new Set<string>();
  for (const input of inputs) {
    const byKey = index.get(input.channel) ?? new Map<string, CondaPackage[]>();
    index.set(input.channel, byKey);
    for (const record of readCondaFile(input)) {
      const identity = JSON.stringify([input.channel, record.subdir, record.filename]);
      if (seen.has(identity)) continue;
      seen.add(identity);
      const list = byKey.get(record.key) ?? [];
      byKey.set(record.key, list);
      list.push(record);
    }
  }
  for (const byKey of index.values()) {
    for (const list of byKey.values()) list.sort((a, b) => compareCodePoints(a.subdir, b.subdir) || compareCodePoints(a.filename, b.filename));
  }
  return index;
}
