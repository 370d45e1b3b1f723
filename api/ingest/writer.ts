// The main thread's side of the writer thread (writer-thread.ts): sends each group commit's batches there
// and resolves once they are committed. On two cores, HTTP, validation and queries then run beside the
// transactions instead of waiting for them.
import { Worker } from 'node:worker_threads';
import type { FloorEvent } from '../events/schema';
import type { BatchResult } from './ingest';

export type WriterRequest = { kind: 'ingest'; id: number; batches: readonly (readonly FloorEvent[])[] } | { kind: 'close' };
export type WriterReply =
  | { kind: 'committed'; id: number; results: BatchResult[] }
  | { kind: 'failed'; id: number; message: string }
  | { kind: 'closed' };

interface Waiting {
  resolve: (r: BatchResult[]) => void;
  reject: (e: Error) => void;
}

export class WriterThread {
  private worker!: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: { path: string; memoSubjects?: number }) {
    this.spawn();
  }

  private spawn(): void {
    const worker = new Worker(new URL('./writer-boot.mjs', import.meta.url), { workerData: this.opts });
    worker.on('message', (m: WriterReply) => {
      if (m.kind === 'closed') return;
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.kind === 'committed') w?.resolve(m.results);
      else w?.reject(new Error(m.message));
    });
    // A thread that dies takes its uncommitted transaction with it (SQLite rolls it back), or it committed and
    // died before saying so: fail what waits, to be sent again (ids make that safe), and start a fresh thread,
    // which reads what it needs from the database again.
    worker.on('error', (err) => console.error('ingest writer thread failed:', err));
    worker.on('exit', (code) => {
      const message = `the ingest writer thread stopped (exit code ${code}) before confirming this batch; send it again (events already stored count as duplicates)`;
      for (const w of this.waiting.values()) w.reject(new Error(message));
      this.waiting.clear();
      if (!this.closing) this.spawn();
    });
    this.worker = worker;
  }

  /** Stores and replays the batches in one transaction on the writer thread; resolves after its commit. */
  ingestBatches(batches: readonly (readonly FloorEvent[])[]): Promise<BatchResult[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'ingest', id, batches } satisfies WriterRequest);
    });
  }

  /** Closes the thread's connection and ends it. Call after the group commit has drained. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ kind: 'close' } satisfies WriterRequest);
    });
    return this.closing;
  }
}
