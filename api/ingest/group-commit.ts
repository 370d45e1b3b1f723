// Group commit: requests that arrive while a transaction is being prepared or is running share the next
// one, so fifty clients posting one event each pay for a few commits, not fifty. Each request is answered
// only after its commit. The transaction runs in this thread (ingest.ts): then one group is in flight and
// the next waits for it. Or on the writer thread (writer.ts): then each event-loop turn's requests are posted
// at once, and the thread folds whatever waits into its next transaction.
import type { FloorEvent } from '../events/schema';
import { heldElsewhere, IngestUnavailable, passingFailure } from './failure';
import type { BatchResult } from './ingest';

interface Pending {
  events: readonly FloorEvent[];
  resolve: (r: BatchResult) => void;
  reject: (e: unknown) => void;
}

/** What runs a group's transaction: ingest.ts in this thread, or the writer thread (writer.ts). */
export interface Committer {
  ingestBatches(batches: readonly (readonly FloorEvent[])[]): BatchResult[] | Promise<BatchResult[]>;
  /**
   * Groups it may hold at once (1 if absent). The writer thread takes any number: it folds every group that
   * waits into its next transaction, so groups are not commits there, and it counts its own `commits`.
   */
  readonly maxInFlight?: number;
  readonly commits?: number;
  /** An SLA policy version was saved: its replays read the policies again before the next batch handed to it. */
  slaPoliciesChanged?(): void;
}

/** A group's transaction, done: each request's counts, or why the whole group was not stored. */
type Outcome = { group: Pending[]; results: BatchResult[] } | { group: Pending[]; error: unknown };

/** Upper bound of events per group (and per writer transaction), so one commit never holds the writer for long. */
export const MAX_GROUP_EVENTS = 20_000;

/** Takes items off the front of `queue` up to MAX_GROUP_EVENTS events in all, and always at least one. */
export function takeGroup<T>(queue: T[], eventsOf: (item: T) => number): T[] {
  let size = 0;
  let n = 0;
  while (n < queue.length && (n === 0 || size + eventsOf(queue[n]) <= MAX_GROUP_EVENTS)) size += eventsOf(queue[n++]);
  return queue.splice(0, n);
}

/** Events in a request that is handed to the committer at once, not at the end of the event-loop turn. */
const POST_AT_ONCE_EVENTS = 50;

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  /** Groups handed to the committer and not answered yet; what arrives meanwhile waits for the next group. */
  private inFlight = 0;
  /** Groups whose senders are being answered (or retried alone after a failure). */
  private settling = 0;
  /** Why new batches are refused, once they are: the server stopping, or its database's files deleted under it (deleted-database.ts). */
  private refusal: IngestUnavailable | null = null;
  private idle: (() => void)[] = [];
  private readonly counted = { commits: 0, batches: 0, events: 0 };

  /** Set while groups fail (a full disk, a writer that cannot start): since when, and the latest reason. Cleared by a commit. */
  private failingSince: { since: number; message: string } | null = null;

  constructor(
    private readonly service: Committer,
    private readonly onCommitted: (accepted: number) => void = () => {},
    private readonly now: () => number = Date.now
  ) {}

  /** Whether ingest is failing now (no commit since the last failure), for /api/health. */
  get failing(): { since: number; message: string } | null {
    return this.failingSince;
  }

  /** Counters for /api/health and the benchmark: how many requests shared how many commits. */
  get stats(): { commits: number; batches: number; events: number } {
    return { ...this.counted, commits: this.service.commits ?? this.counted.commits };
  }

  /**
   * Tells the committer an SLA policy version was saved. Synchronous: call it right after the save's commit, in the
   * same turn, so that every batch submitted later (so validated later) is judged with it (routes/sla-policies.ts).
   */
  slaPoliciesChanged(): void {
    this.service.slaPoliciesChanged?.();
  }

  submit(events: readonly FloorEvent[]): Promise<BatchResult> {
    if (this.refusal) return Promise.reject(this.refusal);
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      if (!this.scheduled && this.inFlight < (this.service.maxInFlight ?? 1)) {
        this.scheduled = true;
        // A big batch is handed over at once: the writer thread starts on it while this thread validates the
        // other requests read in the same turn. Small ones wait for the turn's end and go as one group, a
        // transaction (and a message to the writer thread) for many requests.
        if (events.length >= POST_AT_ONCE_EVENTS) queueMicrotask(() => this.drain());
        else setImmediate(() => this.drain());
      }
    });
  }

  private drain(): void {
    this.scheduled = false;
    while (this.queue.length && this.inFlight < (this.service.maxInFlight ?? 1)) void this.run(this.take());
  }

  private async run(group: Pending[]): Promise<void> {
    this.inFlight++;
    const outcome = await this.start(group);
    this.inFlight--;
    // The committer starts the next group's transaction before this one's senders are answered: writing their
    // responses takes this thread a while, and the committer would sit idle meanwhile.
    this.drain();
    this.settling++;
    await this.settle(outcome);
    this.settling--;
    if (!this.queue.length && this.inFlight === 0 && this.settling === 0) for (const done of this.idle.splice(0)) done();
  }

  /** The next group: queued requests in arrival order. */
  private take(): Pending[] {
    return takeGroup(this.queue, (p) => p.events.length);
  }

  private async start(group: Pending[]): Promise<Outcome> {
    try {
      const results = await this.service.ingestBatches(group.map((p) => p.events));
      this.failingSince = null;
      return { group, results };
    } catch (error) {
      const message = passingFailure(error) ?? (error instanceof Error ? error.message : String(error));
      this.failingSince = { since: this.failingSince?.since ?? this.now(), message };
      return { group, error };
    }
  }

  private async settle(outcome: Outcome): Promise<void> {
    const { group } = outcome;
    if ('error' in outcome) {
      // The shared transaction rolled back as a whole; retry alone so one failure only fails its own request.
      // Not while the database is held elsewhere: each retry would wait the busy timeout (5 s) again, and the
      // last sender of a group of 20 heard its 503 after 105 s.
      if (group.length === 1 || heldElsewhere(outcome.error)) return void group.forEach((p) => p.reject(outcome.error));
      for (const p of group) await this.settle(await this.start([p]));
      return;
    }
    const { results } = outcome;
    this.counted.commits++;
    this.counted.batches += group.length;
    for (const p of group) this.counted.events += p.events.length;
    this.onCommitted(results.reduce((n, r) => n + r.accepted, 0));
    group.forEach((p, i) => p.resolve(results[i]));
  }

  /** Refuses new work and resolves once everything already submitted is committed and answered. */
  close(): Promise<void> {
    this.refusal ??= new IngestUnavailable('The server is shutting down; send this batch again in a few seconds.');
    return this.settled();
  }

  /** Refuses new batches from now on with `why` (the latest reason given); those submitted already are committed and answered. */
  refuse(why: IngestUnavailable): void {
    this.refusal = why;
  }

  /** Resolves once everything submitted so far is committed and answered (or failed), taking new work meanwhile. */
  settled(): Promise<void> {
    if (!this.queue.length && !this.scheduled && this.inFlight === 0 && this.settling === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
