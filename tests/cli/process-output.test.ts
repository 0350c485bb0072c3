/** src/cli/process-output.ts: the CLI writes to its descriptors, and to Node's stream once a descriptor refuses. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { BROKEN_PIPE_STATUS, descriptorWriter } from '../../src/cli/process-output.js';
import { repoDir } from '../helpers/paths.js';

/** A stand-in for process.stdout that records what it is given and how often it was asked for. */
function recordingStream() {
  const chunks: string[] = [];
  let built = 0;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { chunks, built: () => built, get: () => (built++, stream) };
}

describe('descriptorWriter', () => {
  it('writes to the descriptor, whole and in order, without building the stream', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mach-nix-output-')), 'out');
    const fd = openSync(file, 'w');
    const stream = recordingStream();
    const write = descriptorWriter(fd, stream.get);
    write('0.1.0\n');
    write(`${'ü'.repeat(100_000)}\n`);
    closeSync(fd);
    assert.equal(readFileSync(file, 'utf8'), `0.1.0\n${'ü'.repeat(100_000)}\n`);
    assert.equal(stream.built(), 0);
  });

  it('hands a write the descriptor refuses, and every later one, to the stream', () => {
    const stream = recordingStream();
    const write = descriptorWriter(1_000_000, stream.get); // not open: EBADF
    write('first\n');
    write('second\n');
    assert.deepEqual(stream.chunks, ['first\n', 'second\n']);
  });

  it('stops silently with status 141 when the reader of the output went away', () => {
    // `true` exits at once, so the help text meets a pipe without a reader (EPIPE); bash's
    // PIPESTATUS gives the CLI's own status
    const run = spawnSync('bash', ['-c', `(sleep 0.5; exec ${join(repoDir, 'bin/mach-nix')} --help) | true; echo "status=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    assert.equal(run.stderr, `status=${BROKEN_PIPE_STATUS}\n`);
  });

  it('ends the command with that status when the stream reports EPIPE', async () => {
    const closed = new Writable({ write: (_chunk, _encoding, done) => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
    const exits: number[] = [];
    const write = descriptorWriter(1_000_000, () => closed, (status) => exits.push(status)); // EBADF: the stream
    write('help\n');
    await new Promise((resume) => setImmediate(resume));
    assert.deepEqual(exits, [BROKEN_PIPE_STATUS]);
  });
});
