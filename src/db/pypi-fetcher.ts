/**
 * Reader of nix-pypi-fetcher-2 bucket files (`pypi/XX.json`; reference §5.2):
 * `name → version → { sdist: [sha256_base64, filename], wheels: { filename: [sha256_base64, python_tag] } }`.
 * Hashes become SRI strings and URLs are the ones the fetcher's `fetchPypiSdist` /
 * `fetchPypiWheel` build, with the data's key as the project name and its first character as the
 * directory letter — unless an entry has a third element, the file's own URL: mach-nix's
 * extension for trees of another index (`mach-nix db update`), whose files are not on
 * files.pythonhosted.org. Readers of the original format ignore it.
 */
import * as v from 'valibot';
import { builtOnFirstUse } from '../built-on-first-use.js';
import { bucketNames, dataError, expectObject, issueError } from './buckets.js';
import { compareCodePoints } from '../code-points.js';
import type { DistributionFile } from './source.js';

export interface FetcherFile {
  readonly version: string;
  readonly filename: string;
  readonly kind: 'sdist' | 'wheel';
  /** The raw sha256 (32 bytes): compact in the index, and checked to be one. */
  readonly sha256: Buffer;
  readonly pythonTag: string | null;
  /** The file's own URL (the optional third element); null: the files.pythonhosted.org URL the fetcher builds. */
  readonly url: string | null;
}

// The longer form first: a tuple schema drops items beyond its own.
const schemas = builtOnFirstUse(() => {
  const entry = v.union([v.tuple([v.string(), v.string(), v.string()]), v.tuple([v.string(), v.string()])]);
  return { entry, release: v.object({ sdist: v.optional(entry), wheels: v.optional(v.unknown()) }) };
});

/** The 32 bytes of a base64 sha256, or null when the text is not exactly that. */
function decodeSha256(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === text ? bytes : null;
}

/**
 * Every name of one `pypi/XX.json` with its files, sorted by version then file name. `json` is the
 * parsed file (undefined for a missing bucket); `file` names it in errors.
 */
export function readFetcherBucket(file: string, json: unknown): Map<string, FetcherFile[]> {
  const result = new Map<string, FetcherFile[]>();
  if (json === undefined) return result;
  const names = bucketNames(json, file);
  for (const name of Object.keys(names)) {
    const versions = expectObject(names[name], file, [name]);
    const files: FetcherFile[] = [];
    for (const version of Object.keys(versions)) {
      const path = [name, version];
      const release = v.safeParse(schemas().release, expectObject(versions[version], file, path));
      if (!release.success) throw issueError(file, path, release.issues);
      const { sdist, wheels } = release.output;
      if (sdist) {
        const sha256 = decodeSha256(sdist[0]);
        if (!sha256) throw dataError(file, [...path, 'sdist', 0], `not a base64 sha256: ${JSON.stringify(sdist[0])}`);
        files.push({ version, filename: sdist[1], kind: 'sdist', sha256, pythonTag: null, url: sdist[2] ?? null });
      }
      if (wheels !== undefined) {
        const wheelsObject = expectObject(wheels, file, [...path, 'wheels']);
        for (const filename of Object.keys(wheelsObject)) {
          const wheelPath = [...path, 'wheels', filename];
          if (filename === sdist?.[1]) throw dataError(file, wheelPath, 'has the file name of the sdist');
          const entry = v.safeParse(schemas().entry, wheelsObject[filename]);
          if (!entry.success) throw issueError(file, wheelPath, entry.issues);
          const sha256 = decodeSha256(entry.output[0]);
          if (!sha256) throw dataError(file, [...wheelPath, 0], `not a base64 sha256: ${JSON.stringify(entry.output[0])}`);
          files.push({ version, filename, kind: 'wheel', sha256, pythonTag: entry.output[1], url: entry.output[2] ?? null });
        }
      }
    }
    result.set(name, files.sort((a, b) => compareCodePoints(a.version, b.version) || compareCodePoints(a.filename, b.filename)));
  }
  return result;
}

/** The URL nix-pypi-fetcher-2 downloads a file from. */
export function fileUrl(key: string, filename: string, pythonTag: string | null): string {
  const letter = String.fromCodePoint(key.codePointAt(0) ?? 0);
  const directory = pythonTag === null ? 'source' : pythonTag;
  return `https://files.pythonhosted.org/packages/${directory}/${letter}/${key}/${filename}`;
}

/** The interface's view of a file of `key`. */
export function distributionFile(key: string, file: Pick<FetcherFile, 'filename' | 'kind' | 'sha256' | 'pythonTag' | 'url'>): DistributionFile {
  return {
    filename: file.filename,
    kind: file.kind,
    url: file.url ?? fileUrl(key, file.filename, file.pythonTag),
    hash: `sha256-${file.sha256.toString('base64')}`,
    pythonTag: file.pythonTag,
  };
}
