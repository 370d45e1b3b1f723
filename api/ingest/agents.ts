// Keeps the agents table current from events, order-independently: each field remembers the (at, id) of the
// event that set it and only a later event replaces it. Known keys stay in memory so repeats cost nothing.
import type Database from 'better-sqlite3';
import type { FloorEvent } from '../events/schema';
import { parseEventRecord } from './event-record';
import { orderKey } from './subjects';

type Field = 'seen_team' | 'status_team' | 'name';
type Keys = Partial<Record<Field, string>>;

/** Newest first by (at, id), ids compared as replay compares them (kpi/replay.ts). */
const latestFirst = (a: { at: number; id: string }, b: { at: number; id: string }) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export function agentStore(sqlite: Database.Database) {
  const known = new Map<string, Keys>();
  const s = {
    load: sqlite.prepare('SELECT seen_team_key, status_team_key, name_key FROM agents WHERE agent = ?'),
    ensure: sqlite.prepare('INSERT OR IGNORE INTO agents (agent) VALUES (?)'),
    set: {
      seen_team: sqlite.prepare('UPDATE agents SET seen_team = ?, seen_team_key = ? WHERE agent = ?'),
      status_team: sqlite.prepare('UPDATE agents SET status_team = ?, status_team_key = ? WHERE agent = ?'),
      name: sqlite.prepare('UPDATE agents SET name = ?, name_key = ? WHERE agent = ?')
    },
    // Newest status events first; statusSince is the start of the latest run of the same status.
    // The type names the partial index events_agent_status: an agent's subject has status events only.
    history: sqlite.prepare(
      "SELECT at, id, body ->> '$.status' AS status FROM events WHERE sid = ? AND type = 'agent.status' AND at <= ? ORDER BY at DESC, id DESC LIMIT ?"
    ),
    /** Status events in a span of time: those stamped ahead of the clock, once it has come. */
    span: sqlite.prepare("SELECT body FROM events WHERE sid = ? AND type = 'agent.status' AND at >= ? AND at <= ?").pluck(),
    /** The first status event after a time: one stamped ahead of the clock, whose time has not come. */
    next: sqlite.prepare("SELECT min(at) FROM events WHERE sid = ? AND type = 'agent.status' AND at > ?").pluck(),
    setStatus: sqlite.prepare('UPDATE agents SET status = ?, status_key = ?, status_since = ? WHERE agent = ?')
  };

  function keysOf(agent: string): Keys {
    let keys = known.get(agent);
    if (!keys) {
      s.ensure.run(agent);
      const row = s.load.get(agent) as { seen_team_key: string | null; status_team_key: string | null; name_key: string | null };
      keys = { seen_team: row.seen_team_key ?? undefined, status_team: row.status_team_key ?? undefined, name: row.name_key ?? undefined };
      known.set(agent, keys);
    }
    return keys;
  }

  function set(agent: string, field: Field, value: string, e: FloorEvent) {
    const keys = keysOf(agent);
    const key = orderKey(e.at, e.id);
    if (keys[field] !== undefined && keys[field]! >= key) return;
    keys[field] = key;
    s.set[field].run(value, key, agent);
  }

  return {
    /**
     * Records every agent an event names, and the team (and name) it names with them once its time has come
     * by `asOf`: an event stamped ahead of the clock is noted again then (the ingest service's `replayDue`).
     */
    note(e: FloorEvent, asOf: number): void {
      // A bot reply's agent, where a helpdesk fills it, names the bot: no agent of the floor, and none is listed.
      const agent = 'agent' in e && !(e.type === 'ticket.replied' && e.author === 'bot') ? e.agent : undefined;
      if (!agent) return;
      keysOf(agent);
      if (e.at > asOf) return;
      // The (at, id) order key is built only where a field is compared: most events name an agent and set none.
      if (e.type === 'agent.status') {
        if (e.team) set(agent, 'status_team', e.team, e);
        if (e.name) set(agent, 'name', e.name, e);
      } else if ((e.type === 'ticket.assigned' || e.type === 'callback.scheduled') && e.team) set(agent, 'seen_team', e.team, e);
    },

    /**
     * Recomputes an agent's status as of `asOf` and since-when from its stored status events. Returns the time
     * of its first status event after `asOf` (one stamped ahead of the clock), or null. `ahead`: whether the
     * agent may have one (the caller knows; most never do, and then it is not looked up).
     */
    refreshStatus(agent: string, sid: number, asOf: number, ahead: boolean): number | null {
      for (let limit = 8; ; limit *= 4) {
        // Ties in time ordered again as replay orders ids (UTF-16 code units; SQLite compares UTF-8 bytes, which
        // differ for ids with characters above U+FFFF), so status and team agree on which event is the latest.
        const rows = (s.history.all(sid, asOf, limit) as { at: number; id: string; status: string }[]).sort(latestFirst);
        if (rows.length === 0) break;
        const current = rows[0].status;
        const run = rows.findIndex((r) => r.status !== current);
        // The rows at the oldest time read may be only some of those at that time: a run ending there is not known yet.
        if ((run >= 0 && rows[run].at > rows[rows.length - 1].at) || rows.length < limit) {
          const since = rows[(run >= 0 ? run : rows.length) - 1].at;
          s.setStatus.run(current, orderKey(rows[0].at, rows[0].id), since, agent);
          break;
        }
      }
      return ahead ? (s.next.get(sid, asOf) as number | null) : null;
    },

    /** Notes an agent's status events stamped from `from` to `asOf`, now that their time has come (their team and name). */
    noteCome(sid: number, from: number, asOf: number): void {
      for (const body of s.span.all(sid, from, asOf) as string[]) this.note(parseEventRecord(body), asOf);
    },

    /** After a rollback or a rebuild: memory may hold what the database does not. */
    forget(): void {
      known.clear();
    }
  };
}
