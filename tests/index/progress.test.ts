import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { SILENT_PROGRESS, terminalProgress } from '../../src/index/progress.js';

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      sink.text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text: string };
  sink.text = '';
  Object.assign(sink, { isTTY, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return sink;
}

test('progress: nothing on a pipe or log; a bar with pages and metadata counts on a terminal', () => {
  const pipe = stream(false);
  assert.equal(terminalProgress(pipe), SILENT_PROGRESS);
  const tty = stream(true);
  const progress = terminalProgress(tty);
  progress.started('page');
  progress.started('metadata');
  progress.finished('page');
  progress.stop();
  assert.match(tty.text, /pages 1\/1 \| metadata 0\/1/);
});
