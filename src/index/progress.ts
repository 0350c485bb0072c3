/**
 * Progress of the index client: how many pages and metadata files were asked for and how many are
 * done. Shown as a cli-progress bar only when the stream is a terminal a person watches; nothing
 * reaches logs or pipes.
 */
import type { SingleBar } from 'cli-progress';
import { cliProgress } from '../on-demand.js';

export type TaskKind = 'page' | 'metadata' | 'file';

export interface ProgressReporter {
  started(kind: TaskKind): void;
  finished(kind: TaskKind): void;
  /** Removes the bar; the reporter may be reused afterwards. */
  stop(): void;
}

export const SILENT_PROGRESS: ProgressReporter = { started: () => {}, finished: () => {}, stop: () => {} };

/** A bar on `stream` when it is a TTY, else the silent reporter. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) return SILENT_PROGRESS;
  const counts = { page: [0, 0], metadata: [0, 0], file: [0, 0] } as Record<TaskKind, [number, number]>;
  let bar: SingleBar | null = null;
  const render = () => {
    const done = counts.page[1] + counts.metadata[1] + counts.file[1];
    const total = counts.page[0] + counts.metadata[0] + counts.file[0];
    const payload = { pages: `${counts.page[1]}/${counts.page[0]}`, metadata: `${counts.metadata[1]}/${counts.metadata[0]}` };
    if (!bar) {
      bar = new (cliProgress().SingleBar)({ stream, format: 'index [{bar}] pages {pages} | metadata {metadata}', hideCursor: true, clearOnComplete: true });
      bar.start(total, done, payload);
    } else {
      bar.setTotal(total);
      bar.update(done, payload);
    }
  };
  return {
    started(kind) {
      counts[kind][0]++;
      render();
    },
    finished(kind) {
      counts[kind][1]++;
      render();
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
