import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Agents known from `agent.status` and from any event naming them. Each field keeps the (at, id) of the
 * event that set it, so a late event only wins when it is the latest: the row is order-independent.
 */
export const agents = sqliteTable('agents', {
  agent: text('agent').primaryKey(),
  name: text('name'),
  nameKey: text('name_key'),
  /** Team from `agent.status`; wins over the team seen on assignments and callbacks. */
  statusTeam: text('status_team'),
  statusTeamKey: text('status_team_key'),
  seenTeam: text('seen_team'),
  seenTeamKey: text('seen_team_key'),
  status: text('status'),
  statusKey: text('status_key'),
  statusSince: integer('status_since')
});
