/**
 * The dependency data of the Nix library tests: the real-PyPI corpus `localpypi-2026` laid out
 * as a pypi-deps-db tree (wheel buckets, UNIX_TIMESTAMP, PYPI_FETCHER_COMMIT/SHA256), its
 * nix-pypi-fetcher-2 tree seeded into the store under the name the library fetches it by, and
 * the corpus's real wheel files seeded so that the library's `fetchurl`s of PyPI URLs succeed
 * offline. Everything lives under /tmp, which both Nix variants see.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { conformanceDir } from '../helpers/paths.js';
import { type NixVariant, repoDir, run } from './harness.js';

const corpus = join(conformanceDir, 'resolver', 'localpypi-2026');
const root = '/tmp/mach-nix-nix-tests';
/** The fetcher tree's folder name is the store name `builtins.fetchTarball { name = …; }` gives it. */
export const fetcherDir = join(root, 'fetcher', 'nix-pypi-fetcher-2');
export const pypiData = join(root, 'pypi-deps-db');
/** Any commit: the seeded tree is found by its hash, GitHub is never asked. */
const fetcherCommit = '0123456789abcdef0123456789abcdef01234567';
export const dataTimestamp = 1783000000;

const mirrors = ['/opt/pypi/files', '/opt/pypi-more/files'];

/** An sdist-only project added to the corpus (which has wheels only), to build from source. */
export const sdistProject = { name: 'greeting-sdist', version: '1.0', file: join(root, 'sdists', 'greeting-sdist-1.0.tar.gz') };

/** Adds `name → value` to the bucket file of `name` under `dir`, creating it if needed. */
function addToBucket(dir: string, name: string, value: unknown): void {
  const file = join(dir, `${createHash('sha256').update(name).digest('hex').slice(0, 2)}.json`);
  const bucket = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  bucket[name] = value;
  writeFileSync(file, JSON.stringify(bucket));
}

/**
 * The sdist of fixtures/projects/greeting-sdist as a reproducible .tar.gz (sorted entries,
 * fixed times and owners), and its metadata in the data: install_requires six, the file with
 * its hash in the fetcher tree.
 */
function addSdistProject(base: string): void {
  mkdirSync(join(base, 'sdists'), { recursive: true });
  const source = join(repoDir, 'tests/nix/fixtures/projects/greeting-sdist');
  const script = [
    'import gzip, io, os, sys, tarfile',
    'src, out, prefix = sys.argv[1:4]',
    'data = io.BytesIO()',
    'with tarfile.open(fileobj=data, mode="w", format=tarfile.PAX_FORMAT) as tar:',
    '    for name in sorted(os.listdir(src)):',
    '        info = tar.gettarinfo(os.path.join(src, name), f"{prefix}/{name}")',
    '        info.mtime, info.uid, info.gid, info.uname, info.gname, info.mode = 0, 0, 0, "", "", 0o644',
    '        tar.addfile(info, open(os.path.join(src, name), "rb"))',
    'open(out, "wb").write(gzip.compress(data.getvalue(), mtime=0))',
  ].join('\n');
  const file = join(base, 'sdists', basename(sdistProject.file));
  const made = spawnSync('python3', ['-c', script, source, file, `${sdistProject.name}-${sdistProject.version}`]);
  if (made.status !== 0) throw new Error(`making the sdist failed: ${made.stderr}`);
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('base64');
  addToBucket(join(base, 'pypi-deps-db', 'sdist'), sdistProject.name, { [sdistProject.version]: { '310': { install_requires: ['six'] } } });
  addToBucket(join(base, 'fetcher', 'nix-pypi-fetcher-2', 'pypi'), sdistProject.name, { [sdistProject.version]: { sdist: [sha256, basename(file)] } });
}

/**
 * Writes the trees once (their content only depends on the corpus and the fixtures): built in a
 * folder of this process and renamed into place, so test files running in parallel never see
 * (or touch) a half-written tree — its mtime is a path input's lastModified, which gen pins.
 */
export function writeTestData(): void {
  if (existsSync(join(pypiData, 'PYPI_FETCHER_COMMIT'))) return;
  const staging = `${root}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const data = join(staging, 'pypi-deps-db');
  const fetcher = join(staging, 'fetcher', 'nix-pypi-fetcher-2');
  mkdirSync(join(data, 'sdist'), { recursive: true });
  cpSync(join(corpus, 'deps', 'wheel'), join(data, 'wheel'), { recursive: true });
  mkdirSync(fetcher, { recursive: true });
  cpSync(join(corpus, 'files', 'pypi'), join(fetcher, 'pypi'), { recursive: true });
  addSdistProject(staging);
  writeFileSync(join(data, 'UNIX_TIMESTAMP'), `${dataTimestamp}\n`);
  writeFileSync(join(data, 'PYPI_FETCHER_COMMIT'), `${fetcherCommit}\n`);
  try {
    renameSync(staging, root);
  } catch (error) {
    // another process was first: its tree is the same
    if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
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
    // written only when it changes: the tree's mtime is a path input's lastModified (gen pins it),
    // and test files running in parallel seed it too
    const hashFile = join(pypiData, 'PYPI_FETCHER_SHA256');
    if (!existsSync(hashFile) || readFileSync(hashFile, 'utf8') !== stdout) writeFileSync(hashFile, stdout);
    seeded.add(variant);
  }
  await run(variant, 'nix-store', ['--add-fixed', 'sha256', sdistProject.file]);
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
