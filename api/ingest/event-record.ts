// Events as the writer thread holds them: one object shape for every type. JSON.parse gives each mix of
// fields its own hidden class, ~20 of them, and replay reads `type`, `at` and `id` of all of them: V8 compiled
// `replayTicket` four or five times over while a fresh server met shape after shape (each new one
// deoptimized it), a quarter of a second of its optimizing compiler each time, on a core the writer needs.
import type { FloorEvent } from '../events/schema';

/** Every field of every event type, always present (undefined where the type has none), always in this order. */
class EventRecord {
  type: unknown;
  id: unknown;
  at: unknown;
  ticket: unknown;
  callback: unknown;
  agent: unknown;
  team: unknown;
  channel: unknown;
  category: unknown;
  priority: unknown;
  customer: unknown;
  author: unknown;
  score: unknown;
  comment: unknown;
  reason: unknown;
  due: unknown;
  result: unknown;
  outcome: unknown;
  status: unknown;
  name: unknown;
  constructor(e: Record<string, unknown>) {
    this.type = e.type;
    this.id = e.id;
    this.at = e.at;
    this.ticket = e.ticket;
    this.callback = e.callback;
    this.agent = e.agent;
    this.team = e.team;
    this.channel = e.channel;
    this.category = e.category;
    this.priority = e.priority;
    this.customer = e.customer;
    this.author = e.author;
    this.score = e.score;
    this.comment = e.comment;
    this.reason = e.reason;
    this.due = e.due;
    this.result = e.result;
    this.outcome = e.outcome;
    this.status = e.status;
    this.name = e.name;
  }
}

/** The event with every field in one shape. Absent fields read as undefined, as before; JSON.stringify leaves them out. */
export const eventRecord = (e: FloorEvent): FloorEvent =>
  e instanceof EventRecord ? e : (new EventRecord(e as unknown as Record<string, unknown>) as unknown as FloorEvent);

/** A stored or posted event's JSON text, read into one shape. */
export const parseEventRecord = (text: string): FloorEvent => new EventRecord(JSON.parse(text) as Record<string, unknown>) as unknown as FloorEvent;
