// Events stamped ahead of the clock (SPEC: up to 5 minutes) count in facts at their own time, and in the
// backlog and the agents' teams, names and statuses once their time has come, as a replay in time order would
// have it. This is which subjects wait for that, and from when (the time of their first such event); the
// ingest service replays them again when it comes.
import type Database from 'better-sqlite3';
import { MAX_FUTURE_MS } from '../events/schema';

export class Upcoming {
  /** Subject → the time of its first event after the state last written. */
  private readonly at = new Map<string, number>();

  /** When `subject` is to be replayed again: the time of its first event after the state last written, or null. */
  note(subject: string, at: number | null): void {
    if (at !== null) this.at.set(subject, at);
    else if (this.at.size !== 0) this.at.delete(subject);
  }

  /** Whether `subject` waits for an event stamped ahead of the clock. */
  has(subject: string): boolean {
    return this.at.size !== 0 && this.at.has(subject);
  }

  /** Subjects whose next change has come by `now`, each with the time it was due from. */
  due(now: number): [subject: string, from: number][] {
    const out: [string, number][] = [];
    for (const [subject, at] of this.at) if (at <= now) out.push([subject, at]);
    return out;
  }

  /**
   * Reads from the stored events which subjects had an event stamped ahead of the clock when it came: at start
   * (the last server may have stopped before, or while, their time came) and after a rollback (which may have
   * dropped a note). Such an event came at most MAX_FUTURE_MS before its time, and the server storing events
   * replays it within a second of that time, so only those received in the last server's last minutes are
   * read (through the partial index `events_ahead`). Each is due from its own time: replaying one whose
   * change is written already changes nothing.
   */
  load(sqlite: Database.Database): void {
    const rows = sqlite
      .prepare(
        `SELECT e.at, s.subject FROM events e JOIN subjects s ON s.sid = e.sid
         WHERE e.at > e.received_at AND e.received_at >= (SELECT received_at FROM events ORDER BY seq DESC LIMIT 1) - ?`
      )
      .all(MAX_FUTURE_MS + 60_000) as { at: number; subject: string }[];
    this.at.clear();
    for (const { at, subject } of rows) this.at.set(subject, Math.min(at, this.at.get(subject) ?? Infinity));
  }
}
