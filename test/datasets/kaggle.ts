// The Kaggle customer-support tickets (../shared/datasets) as Floorboard events. The file stamps a ticket's
// first response and resolution, its channel, priority, type and rating, but not when it was opened, who
// handled it, nor when it was rated; this import fills those in, the same way for every reader of a row:
//   opened 1 to 240 minutes before its first stamp (a ticket with no stamp, still Open, some time in the
//   file's 27 hours), assigned then to one of nine agents, first response by that agent, resolution by
//   another agent for a third of them and unnamed (so credited to the assignee) for the rest, rated up to a day
//   and a half after resolution. Every other still-Open ticket was never assigned.
// In 1,365 rows the resolution is stamped before the first response: sent as the file has it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const KAGGLE_FILE = join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets', 'customer_support_tickets_kaggle_original.csv');
const CHANNEL: Record<string, string> = { Email: 'email', Phone: 'phone', 'Social media': 'social', Chat: 'chat' };
const PRIORITY: Record<string, string> = { Critical: 'urgent', High: 'high', Medium: 'normal', Low: 'low' };
const MIN = 60_000;
const FILE_START = Date.parse('2023-05-31T21:00:00Z');

export interface KaggleTicket {
  ticket: string;
  status: 'Open' | 'Pending Customer Response' | 'Closed';
  channel: string;
  priority: string;
  category: string;
  team: string;
  opened: number;
  assignee: string | null;
  firstResponse: number | null;
  resolved: number | null;
  /** The agent named on the resolution, if any. */
  resolver: string | null;
  rated: number | null;
  score: number | null;
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') field += text[++i];
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += ch;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

const stamp = (s: string) => (s === '' ? null : Date.parse(`${s.replace(' ', 'T')}Z`));

export function readKaggleTickets(file = KAGGLE_FILE): KaggleTicket[] {
  if (!existsSync(file)) throw new Error(`dataset not found at ${file}: the project expects ../shared/datasets beside its checkout (as CI has)`);
  const [head, ...rows] = parseCsv(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  return rows.map((f) => {
    const v = Object.fromEntries(head.map((name, i) => [name, f[i]]));
    const n = Number(v['Ticket ID']);
    const firstResponse = stamp(v['First Response Time']);
    const resolved = stamp(v['Time to Resolution']);
    const firstStamp = Math.min(firstResponse ?? Infinity, resolved ?? Infinity);
    const opened = firstStamp === Infinity ? FILE_START + ((n * 7919) % (27 * 60)) * MIN : firstStamp - (1 + ((n * 7919) % 240)) * MIN;
    const agent = `agent-${n % 9}`;
    return {
      ticket: `K${n}`,
      status: v['Ticket Status'] as KaggleTicket['status'],
      channel: CHANNEL[v['Ticket Channel']],
      priority: PRIORITY[v['Ticket Priority']],
      category: v['Ticket Type'],
      team: v['Ticket Channel'] === 'Phone' ? 'voice' : 'digital',
      opened,
      assignee: firstStamp === Infinity && n % 2 === 0 ? null : agent,
      firstResponse,
      resolved,
      resolver: resolved !== null && n % 3 === 0 ? `agent-${(n * 7) % 9 === n % 9 ? (n + 1) % 9 : (n * 7) % 9}` : null,
      rated: resolved === null || v['Customer Satisfaction Rating'] === '' ? null : resolved + ((n * 104_729) % (36 * 60)) * MIN,
      score: v['Customer Satisfaction Rating'] === '' ? null : Number(v['Customer Satisfaction Rating'])
    };
  });
}

export function kaggleEvents(tickets: KaggleTicket[]): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const k of tickets) {
    const { ticket } = k;
    events.push({ id: `${ticket}:created`, type: 'ticket.created', at: k.opened, ticket, channel: k.channel, category: k.category, priority: k.priority, team: k.team, customer: `customer of ${ticket}` });
    if (k.assignee !== null) events.push({ id: `${ticket}:assigned`, type: 'ticket.assigned', at: k.opened, ticket, agent: k.assignee });
    if (k.firstResponse !== null) events.push({ id: `${ticket}:replied`, type: 'ticket.replied', at: k.firstResponse, ticket, agent: k.assignee });
    if (k.resolved !== null) events.push({ id: `${ticket}:resolved`, type: 'ticket.resolved', at: k.resolved, ticket, ...(k.resolver ? { agent: k.resolver } : {}) });
    if (k.rated !== null) events.push({ id: `${ticket}:rated`, type: 'ticket.rated', at: k.rated, ticket, score: k.score });
  }
  return events;
}
