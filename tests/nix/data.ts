/**
 * The dependency data of the Nix library tests: the real-PyPI corpus `localpypi-2026` laid out
 * as a pypi-deps-db tree (wheel buckets, UNIX_TIMESTAMP, PYPI_FETCHER_COMMIT/SHA256), its
 * nix-pypi-fetcher-2 tree seeded into the store under the name the library fetches it by, and
 * the corpus's real wheel files seeded so that the library's `fetchurl`s of PyPI URLs succeed
 * offline. Everything lives under /tmp, which both Nix variants see.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from '../helpers/paths.js';
import { type NixVariant, run } from './harness.js';

const corpus = join(conformanceDir, 'resolver', 'localpypi-2026');
const root = '/tmp/mach-nix-nix-tests';
/** The fetcher tree's folder name is the store name `builtins.fetchTarball { name = …; }` gives it. */
export const fetcherDir = join(root, 'fetcher', 'nix-pypi-fetcher-2');
export const pypiData = join(root, 'pypi-deps-db');
/** Any commit: the seeded tree is found by its hash, GitHub is never asked. */
const fetcherCommit = '0123456789abcdef0123456789abcdef01234567';
export const dataTimestamp = 1783000000;

const mirrors = ['/opt/pypi/files', '/opt/pypi-more/files'];

/** Writes the trees once (their content only depends on the corpus). */
export function writeTestData(): void {
  if (existsSync(join(pypiData, 'PYPI_FETCHER_SHA256'))) return;
  mkdirSync(pypiData, { recursive: true });
  cpSync(join(corpus, 'deps', 'wheel'), join(pypiData, 'wheel'), { recursive: true });
  mkdirSync(fetcherDir, { recursive: true });
  cpSync(join(corpus, 'files', 'pypi'), join(fetcherDir, 'pypi'), { recursive: true });
  writeFileSync(join(pypiData, 'UNIX_TIMESTAMP'), `${dataTimestamp}\n`);
  writeFileSync(join(pypiData, 'PYPI_FETCHER_COMMIT'), `${fetcherCommit}\n`);
}

const seeded = new Set<string>();

/**
 * Seeds a variant's store with the fetcher tree (and records its NAR hash in the data tree) and
 * with the wheels of the given files of the corpus.
 */
export async function seedTestData(variant: NixVariant, wheelFiles: readonly string[] = []): Promise<void> {
  writeTestData();
  if (!seeded.has(variant)) {
    await run(variant, 'nix-store', ['--add-fixed', '--recursive', 'sha256', 'nix-pypi-fetcher-2'], { cwd: join(root, 'fetcher') });
    const { stdout } = await run(variant, 'nix', ['hash', 'path', '--type', 'sha256', '--sri', 'nix-pypi-fetcher-2'], { cwd: join(root, 'fetcher') });
    writeFileSync(join(pypiData, 'PYPI_FETCHER_SHA256'), stdout);
    seeded.add(variant);
  }
  const paths = wheelFiles.map((file) => {
    const found = mirrors.map((dir) => join(dir, file)).find(existsSync);
    if (!found) throw new Error(`${file} is not in the local wheel mirror (${mirrors.join(', ')})`);
    return found;
  });
  if (paths.length > 0) await run(variant, 'nix-store', ['--add-fixed', 'sha256', ...paths]);
}

/** The wheel files a resolution document names. */
export function wheelFilesOf(resolutionFile: string): string[] {
  const document = JSON.parse(readFileSync(resolutionFile, 'utf8')) as {
    packages: Record<string, { source: { type: string; filename?: string | null } }>;
  };
  return Object.values(document.packages).flatMap((p) => (p.source.type === 'wheel' && p.source.filename ? [p.source.filename] : []));
}

export { corpus };
