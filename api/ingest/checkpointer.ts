// Keeps the WAL's checkpoint I/O off the writer thread. SQLite checkpoints in the commit that takes the WAL past
// its 16,000 pages (db/open.ts): that commit copies every page back into the database file and waits for the
// disk, and every acknowledgement and live update behind it waits too (250–360 ms a time on this project's
// machine, every ~4.5 s at 5,000 events/s). This thread runs PASSIVE checkpoints every 1.5 s on a connection of
// its own, which never block the writer: they copy what has been committed while commits go on. The writer's
// own checkpoint then finds most pages copied and synced, and completes the WAL's reset, which must be done by
// a writer between two commits for the file to stay bounded under a steady load.
//
// A WAL that a long reader kept from being reset is copied back here too, not by the writer's first commit
// after the reader lets go: the thread says when the writer should leave its own checkpoints off, and when
// it may take them up again (checkpointer-thread.mjs).
import { Worker } from 'node:worker_threads';

export class Checkpointer {
  private readonly worker: Worker;
  /** Resolves once the thread has ended. */
  readonly closed: Promise<void>;
  private closing = false;

  /**
   * `sameFileAs`: the identity of the file the server opened, to which the thread's connection keeps (db/same-file.mjs).
   * `ownCheckpointsOff`: whether the writer should leave its checkpoints to this thread (db/open.ts, ownCheckpoints).
   */
  constructor(path: string, sameFileAs?: string, ownCheckpointsOff: (off: boolean) => void = () => {}) {
    this.worker = new Worker(new URL('./checkpointer-thread.mjs', import.meta.url), { workerData: { path, sameFileAs } });
    this.worker.on('message', (m: { ownCheckpointsOff: boolean; walBytes: number } | { refused: string }) => {
      if ('refused' in m) return console.error(`The WAL checkpointer thread did not start: ${m.refused} Until then the writer checkpoints alone.`);
      const mb = Math.round(m.walBytes / 1e6).toLocaleString('en');
      if (m.ownCheckpointsOff)
        console.warn(
          `The WAL has grown to ${mb} MB: a reader holds an old snapshot of the database (a backup, a sqlite3 shell left in a transaction), and the WAL cannot be reset until it lets go. It grows meanwhile, and is copied back beside ingest once the reader has gone.`
        );
      else console.warn(`The WAL held by a long reader is copied back (${mb} MB); it is reset and kept bounded again.`);
      ownCheckpointsOff(m.ownCheckpointsOff);
    });
    // Should it fail, the writer's own checkpoints still bound the WAL, as before this thread.
    this.worker.on('error', (err) => console.error('WAL checkpointer thread failed; the writer checkpoints alone:', err));
    this.closed = new Promise((resolve) =>
      this.worker.once('exit', () => {
        ownCheckpointsOff(false);
        resolve();
      })
    );
  }

  /** Ends the thread after the checkpoint in progress, if any. */
  close(): Promise<void> {
    if (!this.closing) (this.closing = true), this.worker.postMessage('close');
    return this.closed;
  }
}
