import type { FloorEvent } from '../events/schema';

/** The replay unit an event belongs to: a ticket, a callback, or (for `agent.status`) an agent. */
export function subjectOf(e: FloorEvent): string {
  if (e.type === 'agent.status') return `a:${e.agent}`;
  if (e.type.startsWith('callback.')) return `c:${(e as { callback: string }).callback}`;
  return `t:${(e as { ticket: string }).ticket}`;
}

/** Sortable text key for "latest wins" by (at, id). Offsetting keeps negative epochs sortable too. */
export function orderKey(at: number, id: string): string {
  return `${String(at + 9e15).padStart(17, '0')}|${id}`;
}
