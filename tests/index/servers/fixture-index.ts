/**
 * The indexes the client's tests run against, all made from the machine's real PyPI mirror
 * (`/opt/pypi`, `/opt/pypi-more`: real wheels with real sha256):
 * - `/pypi/` and `/pypi-more/`: the mirror itself, PEP 503 HTML without metadata files, so
 *   metadata comes from range requests of the wheels;
 * - `/modern/`: derived by `derive-index.py` — PEP 691 JSON and PEP 503 HTML (negotiated by
 *   Accept), PEP 658 `.metadata` files, a yanked file, built sdist-only releases with static and
 *   with dynamic metadata;
 * - `/private/`: the same derived tree behind basic auth.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Nginx } from './nginx.js';

export const MIRROR = '/opt/pypi';
export const MIRROR_MORE = '/opt/pypi-more';
export const PRIVATE_USER = 'machnix';
export const PRIVATE_PASSWORD = 's3cret-Pa55word';

/** The seed's Flask + requests closure, numpy (several versions, one yanked) and six. */
export const DERIVED_PROJECTS = [
  'flask', 'werkzeug', 'jinja2', 'itsdangerous', 'click', 'blinker', 'markupsafe',
  'requests', 'urllib3', 'idna', 'certifi', 'charset-normalizer', 'numpy', 'six',
];
export const YANKED_FILE = 'numpy-2.0.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl';
export const YANK_REASON = 'broken build <see issue #1>';

export const SDISTS = [
  {
    name: 'static-sdist',
    version: '1.0',
    pkg_info: 'Metadata-Version: 2.2\nName: static-sdist\nVersion: 1.0\nRequires-Python: >=3.8\nRequires-Dist: six>=1.0\nRequires-Dist: idna; extra == "net"\nProvides-Extra: net\nDynamic: Classifier\n\nA description.\n',
  },
  {
    name: 'dynamic-sdist',
    version: '2.0',
    pkg_info: 'Metadata-Version: 2.2\nName: dynamic-sdist\nVersion: 2.0\nDynamic: Requires-Dist\n',
  },
  {
    name: 'legacy-sdist',
    version: '0.5',
    format: 'zip',
    pkg_info: 'Metadata-Version: 2.1\nName: legacy-sdist\nVersion: 0.5\nRequires-Dist: six\n',
  },
];

export interface OracleFile {
  readonly sha256: string;
  readonly size: number;
  readonly requires_python: string | null;
  readonly metadata_sha256: string | null;
  readonly yanked: string | null;
  readonly requires_dist: readonly string[];
}

/** What Python's standard library read from the derived tree: project → file name → facts. */
export type Oracle = Record<string, Record<string, OracleFile>>;

export function python3(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

export interface TestIndexes {
  readonly nginx: Nginx;
  readonly oracle: Oracle;
  /** `http://127.0.0.1:PORT/pypi/simple/` and kin. */
  readonly urls: { readonly pypi: string; readonly pypiMore: string; readonly modern: string; readonly private: string };
  readonly derivedDir: string;
  stop(): Promise<void>;
}

export async function startTestIndexes(): Promise<TestIndexes> {
  const derivedDir = mkdtempSync(join(tmpdir(), 'mach-nix-derived-index-'));
  const specFile = join(derivedDir, 'spec.json');
  writeFileSync(
    specFile,
    JSON.stringify({
      out: derivedDir,
      mirrors: [join(MIRROR, 'simple'), join(MIRROR_MORE, 'simple')],
      projects: DERIVED_PROJECTS,
      yank: { [YANKED_FILE]: YANK_REASON },
      sdists: SDISTS,
    }),
  );
  const script = join(dirname(fileURLToPath(import.meta.url)), 'derive-index.py');
  const oracle = JSON.parse(execFileSync(python3(), [script, specFile], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Oracle;
  const nginx = await Nginx.start([
    { prefix: '/pypi/', root: MIRROR },
    { prefix: '/pypi-more/', root: MIRROR_MORE },
    { prefix: '/modern/', root: derivedDir },
    { prefix: '/private/', root: derivedDir, auth: { username: PRIVATE_USER, password: PRIVATE_PASSWORD } },
  ]);
  const url = (prefix: string) => `${nginx.origin}/${prefix}/simple/`;
  return {
    nginx,
    oracle,
    derivedDir,
    urls: { pypi: url('pypi'), pypiMore: url('pypi-more'), modern: url('modern'), private: url('private') },
    async stop() {
      await nginx.stop();
      rmSync(derivedDir, { recursive: true, force: true });
    },
  };
}
