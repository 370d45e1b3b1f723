// The main thread's side of the writer thread (writer-thread.ts): sends each group commit's batches there
// and resolves once they are committed. On two cores, HTTP, validation and queries then run beside the
// transactions instead of waiting for them.
import { Worker } from 'node:worker_threads';
import { openFailure, unreadableFile } from '../../db/open';
import { warnNowAndThen } from '../answers';
import type { FloorEvent } from '../events/schema';
import { IngestUnavailable, revive } from './failure';
import type { BatchResult, Bodies } from './ingest';

export type WriterRequest =
  /** Events as JSON texts: serialized once here, where there is time to spare, then stored as they are. */
  | { kind: 'ingest'; id: number; bodies: Bodies }
  | { kind: 'maintain' }
  /** The checkpointer thread is copying back a WAL a long reader held (checkpointer.ts): the writer's own checkpoints off, or on again. */
  | { kind: 'ownCheckpoints'; on: boolean }
  /** An SLA policy version was saved: the thread reads the policies again before its next transaction. */
  | { kind: 'slaPolicies' }
  /** The database file was replaced under the server: the chores stop writing for good (see `stopChores()`). */
  | { kind: 'stopChores' }
  | { kind: 'close' };
/** One group's answer. `commit`: the thread's count of transactions, the one that stored this group. */
export type GroupAnswer =
  | { kind: 'committed'; id: number; results: BatchResult[]; commit: number }
  | { kind: 'failed'; id: number; message: string; code?: string };
export type WriterReply =
  /** Every group a transaction answered, in one message: fewer messages for both threads. */
  | { kind: 'answers'; answers: GroupAnswer[] }
  /** Subjects whose events stamped ahead of the clock have come were replayed: the backlog as of now changed. */
  | { kind: 'replayed' }
  | { kind: 'ready' }
  | { kind: 'choresStopped' }
  /** The thread could not open the database, and ends: why, as SQLite said it. */
  | { kind: 'unopened'; code?: string; message: string }
  | { kind: 'closed' };

/** What the thread is started with. */
export interface WriterOptions {
  path: string;
  /** The identity of the file the server opened: the thread's connection keeps to it (db/same-file.mjs). */
  sameFileAs?: string;
  memoSubjects?: number;
  /** Runs the backlog sampler and the WAL checkpoints (maintenance.ts); see `maintain()`. */
  maintain?: boolean;
  /** Its connection's own checkpoints start off (db/open.ts, ownCheckpoints); see `ownCheckpointsOff()`. */
  ownCheckpointsOff?: boolean;
}

interface Waiting {
  resolve: (r: BatchResult[]) => void;
  reject: (e: Error) => void;
}

const MAX_BACKOFF_MS = 5000;
/**
 * The thread's young generation (V8 sizes it as 3 semi-spaces: 64 MB each here, 16 MB by default). A
 * transaction's garbage (replayed facts, event JSON, rollup keys) then dies young instead of being scavenged
 * and promoted every few hundred events: in-process ingest in a worker, 4 alternating runs, median
 * 40.4 → 37.3 µs/event. Costs up to ~130 MB of memory.
 */
const YOUNG_GENERATION_MB = 192;

export class WriterThread {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  /** Who waits for the thread to say its chores stopped (`stopChores()`). */
  private readonly choresStopped: (() => void)[] = [];
  private nextId = 0;
  private closing: Promise<void> | null = null;
  /** The current thread opened its database. One that dies before that is failing at start. */
  private ready = false;
  /** Why the last thread could not open the database, until one does. */
  private unopened: Error | null = null;
  /** Some thread opened the database: `started` has resolved. */
  private everReady = false;
  private backoffMs = 0;
  private respawn: NodeJS.Timeout | null = null;
  /** Threads started after the first (tests read it). */
  restarts = 0;
  /** Any number of groups may be posted at once: the thread folds those that wait into one transaction. */
  readonly maxInFlight = Infinity;
  /** Transactions committed, across threads. */
  commits = 0;
  private lastCommit = 0;
  /** Resolves when the first thread has opened its database (it loads and compiles its code first). */
  readonly started: Promise<void>;
  private onStarted: () => void = () => {};
  /** Rejects `started`: the first thread found the database file damaged, which no new thread mends. */
  private onDamaged: (err: Error) => void = () => {};

  /** `onReplayed`: the thread's maintenance replayed subjects whose events stamped ahead of the clock have come. */
  constructor(
    private readonly opts: WriterOptions,
    private readonly onReplayed: () => void = () => {}
  ) {
    this.started = new Promise((resolve, reject) => ((this.onStarted = resolve), (this.onDamaged = reject)));
    // Awaited by the server before it listens; others need not hear of it.
    this.started.catch(() => {});
    this.spawn();
  }

  /** Moves the backlog sampler and WAL checkpoints onto this thread (and any that replaces it), so the main thread never waits for the write lock. */
  maintain(): void {
    if (this.opts.maintain) return;
    this.opts.maintain = true;
    this.worker?.postMessage({ kind: 'maintain' } satisfies WriterRequest);
  }

  /**
   * Stops the chores for good, here and in any thread that replaces this one: resolves once the thread has stopped
   * them, so that none commits after. The database file was replaced under the server (deleted-database.ts): their
   * commits would go into the -wal now beside the new file, which a crash leaves to be read as that file's.
   */
  stopChores(): Promise<void> {
    this.opts.maintain = false;
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    return new Promise((resolve) => {
      this.choresStopped.push(resolve);
      worker.postMessage({ kind: 'stopChores' } satisfies WriterRequest);
    });
  }

  /** Whether the thread's connection should leave its checkpoints to the checkpointer thread (and any thread that replaces it). */
  ownCheckpointsOff(off: boolean): void {
    if ((this.opts.ownCheckpointsOff ?? false) === off) return;
    this.opts.ownCheckpointsOff = off;
    if (!this.closing) this.worker?.postMessage({ kind: 'ownCheckpoints', on: !off } satisfies WriterRequest);
  }

  private spawn(): void {
    this.respawn = null;
    this.ready = false;
    this.lastCommit = 0;
    const worker = new Worker(new URL('./writer-boot.mjs', import.meta.url), { workerData: this.opts, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    worker.on('message', (m: WriterReply) => {
      if (m.kind === 'ready') (this.ready = this.everReady = true), (this.unopened = null), this.onStarted();
      else if (m.kind === 'unopened') this.unopened = revive(m.message, m.code);
      else if (m.kind === 'answers') for (const a of m.answers) this.answered(a);
      else if (m.kind === 'replayed') this.onReplayed();
      else if (m.kind === 'choresStopped') for (const done of this.choresStopped.splice(0)) done();
    });
    // A thread that dies takes its uncommitted transaction with it (SQLite rolls it back), or it committed and
    // died before saying so: fail what waits, to be sent again (ids make that safe), and start a fresh thread,
    // which reads what it needs from the database again.
    worker.on('error', (err) => console.error('ingest writer thread failed:', err));
    worker.on('exit', (code) => {
      this.worker = null;
      const unopened = this.ready ? null : this.unopened;
      // Pages of the file garbled on disk, met as the thread opened it: no resend mends that, and each batch is told
      // to have the file restored (answers.ts), where it was told to send again in a few seconds, for ever.
      const damaged = unopened && unreadableFile(unopened) ? unopened : null;
      const failure =
        damaged ??
        new IngestUnavailable(
          `The ingest writer thread stopped (exit code ${code}) before confirming this batch; send it again (events already stored count as duplicates).`
        );
      for (const w of this.waiting.values()) w.reject(failure);
      this.waiting.clear();
      // No chore of its runs any more, and none of the next thread's starts (opts.maintain).
      for (const done of this.choresStopped.splice(0)) done();
      if (this.closing) return;
      // Once a minute, what to do, not an object dump at every try. Damaged at the first start, the server says it and stops.
      if (damaged && !this.everReady) this.onDamaged(damaged);
      else if (unopened)
        warnNowAndThen(`The ingest writer thread cannot start. ${openFailure(unopened, this.opts.path) ?? `Cannot open the database: ${unopened.message}.`}`, console.error);
      // One that keeps failing at start (a database it cannot open) is retried ever more slowly, not in a hot
      // loop, and senders hear 503 meanwhile. Otherwise the next thread starts at once and batches queue for it.
      this.backoffMs = this.ready ? 0 : Math.min(Math.max(this.backoffMs * 2, 100), MAX_BACKOFF_MS);
      this.restarts++;
      if (this.backoffMs === 0) this.spawn();
      else this.respawn = setTimeout(() => this.spawn(), this.backoffMs);
    });
    this.worker = worker;
  }

  private answered(a: GroupAnswer): void {
    const w = this.waiting.get(a.id);
    this.waiting.delete(a.id);
    if (a.kind === 'failed') return w?.reject(revive(a.message, a.code));
    // Groups that shared a transaction carry its number; a fresh thread counts from 1 again.
    if (a.commit !== this.lastCommit) this.commits++;
    this.lastCommit = a.commit;
    w?.resolve(a.results);
  }

  /**
   * An admin saved an SLA policy version: the thread reads them again before it replays the batches posted after
   * this call. A thread starting now, or started later, reads them as it opens.
   */
  slaPoliciesChanged(): void {
    this.worker?.postMessage({ kind: 'slaPolicies' } satisfies WriterRequest);
  }

  /** Stores and replays the batches in one transaction on the writer thread; resolves after its commit. */
  ingestBatches(batches: readonly (readonly FloorEvent[])[]): Promise<BatchResult[]> {
    const worker = this.worker;
    if (!worker)
      return Promise.reject(
        this.unopened && unreadableFile(this.unopened) ? this.unopened : new IngestUnavailable('The ingest writer thread cannot start; send this batch again in a few seconds.')
      );
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ kind: 'ingest', id, bodies: batches.map((b) => b.map((e) => JSON.stringify(e))) } satisfies WriterRequest);
    });
  }

  /** Closes the thread's connection and ends it. Call after the group commit has drained. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.respawn) clearTimeout(this.respawn);
      const worker = this.worker;
      if (!worker) return resolve();
      worker.once('exit', () => resolve());
      worker.postMessage({ kind: 'close' } satisfies WriterRequest);
    });
    return this.closing;
  }
}
