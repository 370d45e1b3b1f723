// Group commit: requests that arrive while a transaction is being prepared or committed share the next one,
// so fifty clients posting one event each pay for a few commits, not fifty. One commit is in flight at a time;
// each request is answered only after its own commit.
import type { FloorEvent } from '../events/schema';
import type { BatchResult } from './ingest';

interface Pending {
  events: readonly FloorEvent[];
  resolve: (r: BatchResult) => void;
  reject: (e: unknown) => void;
}

/** Stores several batches in one transaction, here (in-process) or on the writer thread. */
export interface BatchWriter {
  ingestBatches(batches: readonly (readonly FloorEvent[])[]): BatchResult[] | Promise<BatchResult[]>;
}

/** Upper bound of events per shared transaction, so one commit never holds the writer for long. */
const MAX_GROUP_EVENTS = 20_000;

export class GroupCommit {
  private queue: Pending[] = [];
  private running = false;
  private closed = false;
  private idle: (() => void)[] = [];
  /** Counters for /api/health and the benchmark: how many requests shared how many commits. */
  readonly stats = { commits: 0, batches: 0, events: 0 };

  constructor(
    private readonly writer: BatchWriter,
    private readonly onCommitted: (accepted: number) => void = () => {}
  ) {}

  submit(events: readonly FloorEvent[]): Promise<BatchResult> {
    if (this.closed) return Promise.reject(new Error('shutting down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Let the requests already read off the sockets join this group before it starts.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Requests waiting or being committed. */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      let size = 0;
      let n = 0;
      while (n < this.queue.length && (n === 0 || size + this.queue[n].events.length <= MAX_GROUP_EVENTS)) size += this.queue[n++].events.length;
      await this.commit(this.queue.splice(0, n));
    }
    this.running = false;
    for (const done of this.idle.splice(0)) done();
  }

  private async commit(group: Pending[]): Promise<void> {
    let results: BatchResult[];
    try {
      results = await this.writer.ingestBatches(group.map((p) => p.events));
    } catch (err) {
      // The shared transaction rolled back as a whole; retry alone so one failure only fails its own request.
      if (group.length > 1) {
        for (const p of group) await this.commit([p]);
        return;
      }
      group[0].reject(err);
      return;
    }
    this.stats.commits++;
    this.stats.batches += group.length;
    for (const p of group) this.stats.events += p.events.length;
    this.onCommitted(results.reduce((n, r) => n + r.accepted, 0));
    group.forEach((p, i) => p.resolve(results[i]));
  }

  /** Refuses new work and resolves once everything already submitted is committed and answered. */
  close(): Promise<void> {
    this.closed = true;
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
