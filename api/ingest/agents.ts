// Keeps the agents table current from events, order-independently (each field remembers its (at, id)).
import type Database from 'better-sqlite3';
import type { FloorEvent } from '../events/schema';
import { orderKey } from './subjects';

export function agentStatements(sqlite: Database.Database) {
  return {
    ensure: sqlite.prepare('INSERT OR IGNORE INTO agents (agent) VALUES (?)'),
    seenTeam: sqlite.prepare(
      'UPDATE agents SET seen_team = @value, seen_team_key = @key WHERE agent = @agent AND (seen_team_key IS NULL OR seen_team_key < @key)'
    ),
    statusTeam: sqlite.prepare(
      'UPDATE agents SET status_team = @value, status_team_key = @key WHERE agent = @agent AND (status_team_key IS NULL OR status_team_key < @key)'
    ),
    name: sqlite.prepare('UPDATE agents SET name = @value, name_key = @key WHERE agent = @agent AND (name_key IS NULL OR name_key < @key)'),
    // Newest status events first; statusSince is the start of the latest run of the same status.
    history: sqlite.prepare("SELECT at, id, body ->> '$.status' AS status FROM events WHERE subject = ? ORDER BY at DESC, id DESC LIMIT ?"),
    setStatus: sqlite.prepare('UPDATE agents SET status = ?, status_key = ?, status_since = ? WHERE agent = ?')
  };
}
type Stmts = ReturnType<typeof agentStatements>;

/** Records every agent an event names, and the team it names with them. */
export function noteAgents(s: Stmts, e: FloorEvent): void {
  const key = orderKey(e.at, e.id);
  const agent = 'agent' in e ? e.agent : undefined;
  if (!agent) return;
  s.ensure.run(agent);
  if (e.type === 'agent.status') {
    if (e.team) s.statusTeam.run({ agent, value: e.team, key });
    if (e.name) s.name.run({ agent, value: e.name, key });
  } else if ((e.type === 'ticket.assigned' || e.type === 'callback.scheduled') && e.team) {
    s.seenTeam.run({ agent, value: e.team, key });
  }
}

/** Recomputes an agent's current status and since-when from its stored status events. */
export function refreshAgentStatus(s: Stmts, agent: string): void {
  let limit = 8;
  for (;;) {
    const rows = s.history.all(`a:${agent}`, limit) as { at: number; id: string; status: string }[];
    if (rows.length === 0) return;
    const current = rows[0].status;
    const run = rows.findIndex((r) => r.status !== current);
    if (run >= 0 || rows.length < limit) {
      const since = rows[(run >= 0 ? run : rows.length) - 1].at;
      s.setStatus.run(current, orderKey(rows[0].at, rows[0].id), since, agent);
      return;
    }
    limit *= 4;
  }
}
