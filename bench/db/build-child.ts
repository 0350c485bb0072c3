/**
 * Builds one index for `run.ts`, in its own process so that its peak memory is measured alone:
 *   node --import tsx bench/db/build-child.ts DATA_DIR OUT_FILE
 * DATA_DIR is a folder written by `generate.ts`. Prints the build's counts and peak RSS as JSON.
 */
import { join } from 'node:path';
import { buildIndex } from '../../src/db/sqlite-writer.js';

const [dataDir, out] = process.argv.slice(2);
if (!dataDir || !out) throw new Error('usage: build-child.ts DATA_DIR OUT_FILE');
const stats = buildIndex(
  {
    depsDir: join(dataDir, 'deps'),
    filesDir: join(dataDir, 'files'),
    conda: [{ channel: 'main', file: join(dataDir, 'conda-main-linux-64.json'), subdir: null }],
    nixpkgsFile: join(dataDir, 'nixpkgs.json'),
  },
  out,
);
// maxRSS is in KiB: the peak resident memory of this process over the whole build.
process.stdout.write(`${JSON.stringify({ ...stats, peakRssKib: process.resourceUsage().maxRSS })}\n`);
