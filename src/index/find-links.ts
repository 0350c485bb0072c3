/**
 * `--find-links` locations: a local directory (or `file://` URL of one), whose files are the
 * links, or an HTML page (local or remote) whose anchors are, as pip reads them. Unlike an index,
 * one location lists the files of every project; the caller keeps those of the project it wants.
 */
import { readdir, stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PageLink } from './project-files.js';

/** The files of a local directory as links, in code point order of their names; null if it is no directory. */
export async function directoryLinks(url: string): Promise<PageLink[] | null> {
  const path = fileURLToPath(url);
  try {
    if (!(await stat(path)).isDirectory()) return null;
  } catch {
    return null;
  }
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({
      filename: name,
      url: pathToFileURL(`${path.replace(/\/$/, '')}/${name}`).href,
      hashes: {},
      requiresPython: null,
      yanked: null,
      coreMetadata: null,
      size: null,
    }));
}
