/**
 * Range reading of zips beyond the common case: a zip64 archive (more than 65,535 entries, so a
 * zip64 end of central directory record) whose central directory is larger than the first tail
 * read and whose METADATA sits at the very start — still three requests, a fraction of the file.
 * The archive is written by Python's zipfile, an implementation independent of yauzl.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { IndexClient } from '../../src/index/client.js';
import { readZipMemberFromPath } from '../../src/index/lazy-zip.js';
import { FaultyServer } from './servers/faulty-server.js';
import { python3 } from './servers/fixture-index.js';

let dir: string;
let wheel: string;
let server: FaultyServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mach-nix-zip64-'));
  wheel = join(dir, 'manyfiles-1.0-py3-none-any.whl');
  execFileSync(python3(), ['-c', `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("manyfiles-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: manyfiles\\nVersion: 1.0\\nRequires-Dist: six\\n" + "Summary: x\\n" * 2000)
    for i in range(70000):
        z.writestr(zipfile.ZipInfo(f"manyfiles/m{i}.py"), b"")
    z.writestr("manyfiles-1.0.dist-info/RECORD", "")
`, wheel]);
  server = await FaultyServer.start(wheel);
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('zip64 with a central directory larger than the tail: METADATA in 3 range requests', async () => {
  const c = new IndexClient({ indexUrls: [server.index('ok')], cacheDir: null });
  const [file] = (await c.project('manyfiles')).files;
  const metadata = await c.metadata(file!);
  assert.deepEqual([metadata.name, metadata.version, metadata.requiresDist], ['manyfiles', '1.0', ['six']]);
  const ranges = server.requests.filter((request) => request.path.includes('/files/')).map((request) => request.range);
  assert.equal(ranges.length, 3);
  assert.equal(ranges[0], 'bytes=-65577');
  assert.ok(c.stats.bytes < statSync(wheel).size, `${c.stats.bytes} bytes of ${statSync(wheel).size}`);
});

test('a local zip is read in place', async () => {
  const member = await readZipMemberFromPath(wheel, (names) => names.find((name) => name.endsWith('/METADATA')) ?? null);
  assert.match(member!.data.toString(), /^Metadata-Version: 2\.1\nName: manyfiles/);
});
