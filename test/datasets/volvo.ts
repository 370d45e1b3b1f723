// Volvo IT's incident log (BPI Challenge 2013, ../shared/datasets) as Floorboard events, as a helpdesk that
// mirrors the log would send them. Each SR Number is a web ticket; its rows, in the file's order (one time
// each), give:
//   the first row → ticket.created (team = Involved ST, priority by impact, category = Product),
//   an Accepted row naming another owner or support team → ticket.assigned (agent = Resource, team),
//   a Queued row in another support team → ticket.escalated to that team,
//   the first Accepted-In Progress row, and every Accepted-Wait - User row (the owner wrote to the user) →
//   ticket.replied by the owner; the row after a Wait - User row, unless Completed → ticket.customer_replied,
//   a Completed row (Resolved, Closed, In Call, Cancelled) → ticket.resolved by the owner, and a row after a
//   Completed one that is not Completed → ticket.reopened.
// "Siebel" is the log's own robot (it closes resolved incidents): never an agent. Unmatched rows say nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VOLVO_FILE = join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets', 'bpi2013_volvo_incidents_VINST-new.csv');
export const VOLVO_PRIORITY: Record<string, string> = { Major: 'urgent', High: 'high', Medium: 'normal', Low: 'low' };

export interface VolvoRow {
  sr: string;
  at: number;
  /** The time as the file writes it (2012-04-24T09:15:02+01:00), which the helpdesk sends as is. */
  stamp: string;
  status: string;
  sub: string;
  team: string;
  impact: string;
  product: string;
  resource: string;
}

/** Every row of the log, in the file's order (each incident's rows together, oldest first). */
export function readVolvoRows(file = VOLVO_FILE): VolvoRow[] {
  if (!existsSync(file)) throw new Error(`dataset not found at ${file}: the project expects ../shared/datasets beside its checkout (as CI has)`);
  const [head, ...lines] = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '');
  const names = head.split(',');
  const col = (name: string) => names.indexOf(name);
  const c = { sr: col('SR Number'), at: col('Change Date+Time'), status: col('Status'), sub: col('Sub Status'), team: col('Involved ST'), impact: col('SR Latest Impact'), product: col('Product'), resource: col('Resource') };
  return lines.map((line) => {
    // No field of this file holds a comma or a quote.
    const f = line.split(',');
    return { sr: f[c.sr], at: Date.parse(f[c.at]), stamp: f[c.at], status: f[c.status], sub: f[c.sub], team: f[c.team], impact: f[c.impact], product: f[c.product], resource: f[c.resource] };
  });
}

const isAgent = (resource: string) => !resource.endsWith('-Siebel');

export function volvoEvents(rows: VolvoRow[]): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  let previous: VolvoRow | null = null;
  let owner: string | null = null;
  let team = '';
  let replied = false;
  for (const [i, row] of rows.filter((r) => r.status !== 'Unmatched').entries()) {
    const ticket = row.sr;
    const first = previous?.sr !== ticket;
    if (first) [owner, team, replied] = [null, row.team, false];
    // (at, id) sorts a row's events in the order written here: the row index keeps rows apart.
    const id = (step: string) => `${ticket}:${String(i).padStart(6, '0')}:${step}`;
    const at = row.stamp;
    const completed = row.status === 'Completed';
    if (first) events.push({ id: id('a'), type: 'ticket.created', at, ticket, channel: 'web', category: row.product, priority: VOLVO_PRIORITY[row.impact], team: row.team });
    else if (previous!.status === 'Completed' && !completed) events.push({ id: id('a'), type: 'ticket.reopened', at, ticket });
    if (row.status === 'Accepted' && isAgent(row.resource) && (row.resource !== owner || row.team !== team)) {
      [owner, team] = [row.resource, row.team];
      events.push({ id: id('b'), type: 'ticket.assigned', at, ticket, agent: owner, team });
    } else if (row.status === 'Queued' && row.team !== team) {
      team = row.team;
      events.push({ id: id('b'), type: 'ticket.escalated', at, ticket, team });
    }
    if (!first && previous!.sub === 'Wait - User' && !completed) events.push({ id: id('c'), type: 'ticket.customer_replied', at, ticket });
    if (row.status === 'Accepted' && isAgent(row.resource) && (row.sub === 'Wait - User' || (row.sub === 'In Progress' && !replied))) {
      replied = true;
      events.push({ id: id('d'), type: 'ticket.replied', at, ticket, agent: row.resource });
    }
    if (completed) events.push({ id: id('e'), type: 'ticket.resolved', at, ticket, ...(isAgent(row.resource) ? { agent: row.resource } : {}) });
    previous = row;
  }
  return events;
}
