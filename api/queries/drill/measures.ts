// What a drill page lists and how it is named: the measures of GET /api/kpis it drills into, an item, a page, and
// the cursor that says where the next page starts.
import type { FactKind } from '../../kpi/replay';

/** Which facts make each number of a window: a kind, and the flag that picks a part of them. */
export const FACT_MEASURES = {
  'tickets.created': { kind: 'created' },
  'tickets.resolved': { kind: 'resolved' },
  'tickets.reopened': { kind: 'reopened' },
  'tickets.escalated': { kind: 'escalated' },
  'tickets.abandoned': { kind: 'abandoned' },
  'firstResponse.count': { kind: 'first_response' },
  'firstResponse.withinTarget': { kind: 'first_response', where: 'flag = 1' },
  'firstResponse.breached': { kind: 'first_response', where: 'flag = 0' },
  'resolution.count': { kind: 'resolved' },
  'csat.responses': { kind: 'rated' },
  'csat.positive': { kind: 'rated', where: 'flag = 1' },
  'callbacks.scheduled': { kind: 'callback_scheduled' },
  'callbacks.attempts': { kind: 'callback_attempted' },
  'callbacks.connected': { kind: 'callback_attempted', where: 'flag = 1' },
  'callbacks.completed': { kind: 'callback_completed' },
  'callbacks.completedOnTime': { kind: 'callback_completed', where: 'flag = 1' },
  'callbacks.confirmed': { kind: 'callback_completed', where: 'flag2 = 1' }
} as const satisfies Record<string, { kind: FactKind; where?: string }>;

/** The backlog's numbers: the state now, whatever the window. */
export const BACKLOG_MEASURES = {
  'backlog.open': { table: 'tickets' },
  'backlog.unassigned': { table: 'tickets', where: 'b.assignee IS NULL' },
  'backlog.unattended': { table: 'tickets', where: 'b.unattended_since IS NOT NULL' },
  'backlog.callbacksPending': { table: 'callbacks' },
  'backlog.callbacksOverdue': { table: 'callbacks', where: 'b.due < ?' }
} as const;

export type Measure = keyof typeof FACT_MEASURES | keyof typeof BACKLOG_MEASURES;
export const MEASURES = [...Object.keys(FACT_MEASURES), ...Object.keys(BACKLOG_MEASURES)] as Measure[];
export const isMeasure = (m: string): m is Measure => (MEASURES as string[]).includes(m);

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface DrillItem {
  kind: 'ticket' | 'callback';
  id: string;
  ticket: string | null;
  at: string;
  team: string | null;
  channel: string | null;
  priority: string | null;
  category: string | null;
  agent: string | null;
  valueSec: number | null;
  score: number | null;
  withinTarget: boolean | null;
  /** A callback attempt: whether it connected; else null. */
  connected: boolean | null;
  /** A callback completion: whether on time / confirmed; else null. */
  onTime: boolean | null;
  confirmed: boolean | null;
  /** A pending callback: when it is due; else null. */
  due: string | null;
}

export interface DrillPage {
  items: DrillItem[];
  next: string | null;
}

/** Where the next page starts: after this fact (at, subject, id), or this backlog item (at, subject). */
export type Position = { at: number; subject: string; id: number } | { at: number; subject: string; backlog: true };

/** The cursor is opaque to callers: base64url of the last item's position. */
export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify('backlog' in p ? [p.at, p.subject] : [p.at, p.subject, p.id])).toString('base64url');
}

/** The position a cursor names, or null for one this server did not give (for this kind of measure). */
export function decodeCursor(text: string, measure: Measure): Position | null {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(v)) return null;
  const whole = (n: unknown): n is number => Number.isSafeInteger(n);
  if (measure in BACKLOG_MEASURES) return v.length === 2 && whole(v[0]) && typeof v[1] === 'string' ? { at: v[0], subject: v[1], backlog: true } : null;
  return v.length === 3 && whole(v[0]) && typeof v[1] === 'string' && whole(v[2]) ? { at: v[0], subject: v[1], id: v[2] } : null;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** When and where an item happened, as every page says it: its time and the attributes it was counted with. */
export const placeOf = (r: { at: number } & Pick<DrillItem, 'team' | 'channel' | 'priority' | 'category' | 'agent'>) => ({
  at: iso(r.at),
  team: r.team,
  channel: r.channel,
  priority: r.priority,
  category: r.category,
  agent: r.agent
});
