import { z } from 'zod';
import { instant } from './instant';

// The spec's vocabulary. Every name here is fixed by ../shared/SPEC.md.
export const CHANNELS = ['phone', 'chat', 'email', 'social', 'app', 'web'] as const;
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const CALLBACK_REASONS = ['pre_approval', 'unconfirmed_payment', 'complaint_followup', 'customer_request', 'other'] as const;
export const ATTEMPT_RESULTS = ['connected', 'no_answer', 'busy', 'voicemail', 'wrong_number'] as const;
export const CALLBACK_OUTCOMES = ['confirmed', 'resolved', 'declined', 'unreachable', 'other'] as const;
export const AGENT_STATUSES = ['available', 'busy', 'away', 'offline'] as const;

export type Channel = (typeof CHANNELS)[number];
export type Priority = (typeof PRIORITIES)[number];
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Events may be stamped at most this far ahead of the server clock. */
export const MAX_FUTURE_MS = 5 * 60_000;

// Names, teams and categories: no control characters (they are shown on screens and used inside rollup
// keys), at most 128 characters as ids. Spaces around one are dropped: `"payments "` is the team `payments`,
// which a filter (trimmed as typed) can select, and a name of spaces alone is empty. Event ids stay as sent.
export const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/;
const name = z.string().trim().min(1).max(128).regex(PRINTABLE, 'control characters are not allowed');

const envelope = { id: z.string().min(1, 'id must not be empty').max(128, 'id must be at most 128 characters'), at: instant };
/** What every event has whatever its type: checked alone for an event whose type is missing or unknown. */
export const envelopeSchema = z.object(envelope);

/**
 * Fields stored in columns of their own. A lone surrogate in one (an escape such as \ud800 with no pair) is
 * not text: stored, it would read back as U+FFFD, and two different ids could become one (parse.ts checks).
 */
export const STORED_STRINGS = ['id', 'ticket', 'callback', 'agent', 'team', 'category', 'customer', 'name'] as const;

export const eventSchemas = {
  'ticket.created': z.object({
    ...envelope,
    ticket: name,
    channel: z.enum(CHANNELS),
    category: name.default('other'),
    priority: z.enum(PRIORITIES).default('normal'),
    team: name.optional(),
    // Kept with the event, never shown or filtered on: any string, as SPEC.md has it (an address, a line break).
    customer: z.string().optional()
  }),
  'ticket.assigned': z.object({ ...envelope, ticket: name, agent: name, team: name.optional() }),
  'ticket.replied': z
    .object({ ...envelope, ticket: name, author: z.enum(['agent', 'bot']).default('agent'), agent: name.optional() })
    .refine((e) => e.author === 'bot' || e.agent !== undefined, {
      message: 'agent is required when author is agent',
      path: ['agent']
    }),
  'ticket.customer_replied': z.object({ ...envelope, ticket: name }),
  'ticket.escalated': z.object({ ...envelope, ticket: name, team: name.optional(), priority: z.enum(PRIORITIES).optional() }),
  'ticket.resolved': z.object({ ...envelope, ticket: name, agent: name.optional() }),
  'ticket.reopened': z.object({ ...envelope, ticket: name }),
  'ticket.abandoned': z.object({ ...envelope, ticket: name }),
  'ticket.rated': z.object({ ...envelope, ticket: name, score: z.number().int().min(1).max(5), comment: z.string().optional() }),
  'callback.scheduled': z.object({
    ...envelope,
    callback: name,
    reason: z.enum(CALLBACK_REASONS),
    due: instant,
    ticket: name.optional(),
    agent: name.optional(),
    team: name.optional()
  }),
  'callback.attempted': z.object({ ...envelope, callback: name, agent: name, result: z.enum(ATTEMPT_RESULTS) }),
  'callback.completed': z.object({ ...envelope, callback: name, outcome: z.enum(CALLBACK_OUTCOMES), agent: name.optional() }),
  'callback.cancelled': z.object({ ...envelope, callback: name }),
  'agent.status': z.object({ ...envelope, agent: name, status: z.enum(AGENT_STATUSES), name: name.optional(), team: name.optional() })
} as const;

export type EventType = keyof typeof eventSchemas;
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

/**
 * Each type's fields that may be absent (those that accept undefined). `null` there reads as absent too:
 * helpdesks write `"team": null` for "no team" (parse.ts drops such nulls before validating). In a required
 * field null stays an error.
 */
export const OPTIONAL_FIELDS = {} as Record<EventType, ReadonlySet<string>>;
for (const type of EVENT_TYPES) {
  const fields: Record<string, z.ZodType> = eventSchemas[type].shape;
  OPTIONAL_FIELDS[type] = new Set(Object.keys(fields).filter((k) => fields[k].safeParse(undefined).success));
}

/** A validated event with defaults filled in and `at`/`due` as epoch ms. */
export type FloorEvent = {
  [K in EventType]: z.output<(typeof eventSchemas)[K]> & { type: K };
}[EventType];
export type EventOf<K extends EventType> = Extract<FloorEvent, { type: K }>;
export type TicketEvent = Extract<FloorEvent, { type: `ticket.${string}` }>;
export type CallbackEvent = Extract<FloorEvent, { type: `callback.${string}` }>;
