// The main thread's handle on the writer thread, which owns the one connection that writes events, facts,
// rollups and current state. Ingest's transaction then runs beside the HTTP work (reading, parsing and
// validating the next requests) instead of after it. Replies arrive only after the commit.
import type { Worker } from 'node:worker_threads';
import type { FloorEvent } from '../events/schema';
import type { BatchWriter } from '../ingest/group-commit';
import type { BatchResult } from '../ingest/ingest';
import { startThread } from './start';

export type WriterRequest = { id: number; batches: readonly (readonly FloorEvent[])[] } | { id: number; close: true };
/** id 0 is the thread's own first message: its connection is open and it takes work. */
export type WriterReply = { id: number; results?: BatchResult[]; error?: string };

export class WriterThread implements BatchWriter {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: BatchResult[]) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  /** Resolves once the thread has opened its connection (rejects if it could not start). */
  readonly ready: Promise<void>;

  constructor(dbPath: string) {
    // A larger young generation: a transaction's garbage (replays, parsed events) then mostly dies young.
    this.worker = startThread(new URL('./writer-thread.ts', import.meta.url), { dbPath }, { maxYoungGenerationSizeMb: 64 });
    let started!: { resolve: () => void; reject: (e: Error) => void };
    this.ready = new Promise((resolve, reject) => (started = { resolve, reject }));
    this.worker.on('message', (m: WriterReply) => {
      if (m.id === 0) return started.resolve();
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error !== undefined) w.reject(new Error(m.error));
      else w.resolve(m.results ?? []);
    });
    const fail = (err: Error) => {
      this.failure = err;
      started.reject(err);
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', (err) => fail(new Error(`the writer thread failed: ${err.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`the writer thread exited (${code})`)));
  }

  private call(req: Omit<WriterRequest, 'id'>): Promise<BatchResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  ingestBatches(batches: readonly (readonly FloorEvent[])[]): Promise<BatchResult[]> {
    return this.call({ batches });
  }

  /** Closes the writer's connection (after what it was given) and ends the thread. */
  async close(): Promise<void> {
    if (!this.failure) await this.call({ close: true });
    await this.worker.terminate();
  }
}
