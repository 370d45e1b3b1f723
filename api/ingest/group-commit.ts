// Group commit: requests that arrive while a transaction is being prepared share it, so fifty clients posting
// one event each pay for one commit, not fifty. Each request is answered only after its commit.
import type { FloorEvent } from '../events/schema';
import type { BatchResult, IngestService } from './ingest';

interface Pending {
  events: readonly FloorEvent[];
  resolve: (r: BatchResult) => void;
  reject: (e: unknown) => void;
}

/** Upper bound of events per shared transaction, so one commit never holds the loop for long. */
const MAX_GROUP_EVENTS = 20_000;

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private idle: (() => void)[] = [];
  /** Counters for /api/health and the benchmark: how many requests shared how many commits. */
  readonly stats = { commits: 0, batches: 0, events: 0 };

  constructor(
    private readonly service: Pick<IngestService, 'ingestBatches'>,
    private readonly onCommitted: (accepted: number) => void = () => {}
  ) {}

  submit(events: readonly FloorEvent[]): Promise<BatchResult> {
    if (this.closed) return Promise.reject(new Error('shutting down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length) {
      let size = 0;
      let n = 0;
      while (n < this.queue.length && (n === 0 || size + this.queue[n].events.length <= MAX_GROUP_EVENTS)) size += this.queue[n++].events.length;
      const group = this.queue.splice(0, n);
      this.commit(group);
    }
    for (const done of this.idle.splice(0)) done();
  }

  private commit(group: Pending[]): void {
    let results: BatchResult[];
    try {
      results = this.service.ingestBatches(group.map((p) => p.events));
    } catch (err) {
      // The shared transaction rolled back as a whole; retry alone so one failure only fails its own request.
      if (group.length > 1) return group.forEach((p) => this.commit([p]));
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
    if (!this.queue.length && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
