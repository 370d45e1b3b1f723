// Group commit: requests that arrive while a transaction is being prepared or is running share the next
// one, so fifty clients posting one event each pay for a few commits, not fifty. Each request is answered
// only after its commit. The transaction runs in this thread (ingest.ts) or on the writer thread (writer.ts).
import type { FloorEvent } from '../events/schema';
import { IngestUnavailable } from './failure';
import type { BatchResult } from './ingest';

interface Pending {
  events: readonly FloorEvent[];
  resolve: (r: BatchResult) => void;
  reject: (e: unknown) => void;
}

/** What runs a group's transaction: ingest.ts in this thread, or the writer thread (writer.ts). */
export interface Committer {
  ingestBatches(batches: readonly (readonly FloorEvent[])[]): BatchResult[] | Promise<BatchResult[]>;
}

/** A group's transaction, done: each request's counts, or why the whole group was not stored. */
type Outcome = { group: Pending[]; results: BatchResult[] } | { group: Pending[]; error: unknown };

/** Upper bound of events per shared transaction, so one commit never holds the writer for long. */
const MAX_GROUP_EVENTS = 20_000;

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  /** A group's transaction is running; what arrives meanwhile waits for the next one. */
  private busy = false;
  private closed = false;
  private idle: (() => void)[] = [];
  /** Counters for /api/health and the benchmark: how many requests shared how many commits. */
  readonly stats = { commits: 0, batches: 0, events: 0 };

  constructor(
    private readonly service: Committer,
    private readonly onCommitted: (accepted: number) => void = () => {}
  ) {}

  submit(events: readonly FloorEvent[]): Promise<BatchResult> {
    if (this.closed) return Promise.reject(new IngestUnavailable('The server is shutting down; send this batch again in a few seconds.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      if (!this.scheduled && !this.busy) {
        this.scheduled = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    this.busy = true;
    let running: Promise<Outcome> | null = this.start(this.take());
    while (running) {
      const outcome: Outcome = await running;
      // The writer starts the next transaction before this one's senders are answered: writing their
      // responses takes the main thread a while, and the writer would sit idle meanwhile.
      running = this.queue.length ? this.start(this.take()) : null;
      await this.settle(outcome);
    }
    this.busy = false;
    for (const done of this.idle.splice(0)) done();
  }

  /** The next group: queued requests in arrival order, up to MAX_GROUP_EVENTS events (at least one request). */
  private take(): Pending[] {
    let size = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || size + this.queue[n].events.length <= MAX_GROUP_EVENTS)) size += this.queue[n++].events.length;
    return this.queue.splice(0, n);
  }

  private async start(group: Pending[]): Promise<Outcome> {
    try {
      return { group, results: await this.service.ingestBatches(group.map((p) => p.events)) };
    } catch (error) {
      return { group, error };
    }
  }

  private async settle(outcome: Outcome): Promise<void> {
    const { group } = outcome;
    if ('error' in outcome) {
      // The shared transaction rolled back as a whole; retry alone so one failure only fails its own request.
      if (group.length === 1) return group[0].reject(outcome.error);
      for (const p of group) await this.settle(await this.start([p]));
      return;
    }
    const { results } = outcome;
    this.stats.commits++;
    this.stats.batches += group.length;
    for (const p of group) this.stats.events += p.events.length;
    this.onCommitted(results.reduce((n, r) => n + r.accepted, 0));
    group.forEach((p, i) => p.resolve(results[i]));
  }

  /** Refuses new work and resolves once everything already submitted is committed and answered. */
  close(): Promise<void> {
    this.closed = true;
    if (!this.queue.length && !this.scheduled && !this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
