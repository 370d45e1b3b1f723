import { CALL_UNITS, type Team } from './centre';
import type { Core, Source } from './core';
import type { Agent, Floor } from './floor';
import { Weighted, weights } from './random';
import type { Zone } from './zone';

const MIN = 60_000;
/** Local hours a dialer rings customers in: nobody is called at 1 am about a pre-approval. */
const CALLING_HOURS = { from: 9, to: 21 };

export type CallbackReason = 'pre_approval' | 'unconfirmed_payment' | 'complaint_followup' | 'customer_request' | 'other';

const RESULTS = [
  weights({ connected: 66, no_answer: 18, busy: 6, voicemail: 8, wrong_number: 2 }),
  // Customers who missed the first call are harder to reach on the next.
  weights({ connected: 45, no_answer: 30, busy: 10, voicemail: 15 })
];

const OUTCOMES: Record<CallbackReason, Weighted<string>> = {
  pre_approval: weights({ confirmed: 60, declined: 20, resolved: 10, other: 10 }),
  unconfirmed_payment: weights({ confirmed: 55, resolved: 30, other: 15 }),
  complaint_followup: weights({ resolved: 65, declined: 15, other: 20 }),
  customer_request: weights({ resolved: 70, confirmed: 10, other: 20 }),
  other: weights({ resolved: 60, other: 40 })
};

/** Attempts before giving up as unreachable: most dialers try two or three times. */
const MAX_ATTEMPTS = new Weighted<number>([
  [1, 15],
  [2, 40],
  [3, 45]
]);

interface Callback {
  id: string;
  reason: CallbackReason;
  team: Team;
  due: number;
  owner: Agent | null;
  attempts: number;
  maxAttempts: number;
  done: boolean;
}

/** Promised callbacks: scheduled by an agent (or the IVR), dialled around their due time, retried, closed. */
export class Callbacks {
  private count = 0;

  constructor(
    private readonly core: Core,
    private readonly floor: Floor,
    private readonly zone: Zone,
    private readonly tag: string
  ) {}

  /** `t` if within calling hours; else a time up to `spreadMin` minutes into the next morning's. */
  private callable(t: number, spreadMin: number): number {
    const hour = this.zone.hourOfDay(t);
    if (hour >= CALLING_HOURS.from && hour < CALLING_HOURS.to) return t;
    const day = this.zone.startOfDay(t);
    const morning = hour < CALLING_HOURS.from ? day : this.zone.nextDay(day);
    return this.zone.atHour(morning, CALLING_HOURS.from) + this.core.rng.between(0, spreadMin) * MIN;
  }

  schedule(reason: CallbackReason, ticket: string, team: Team, owner: Agent | null, source: Source = 'helpdesk'): void {
    const { core } = this;
    const rng = core.rng;
    const id = `CB-${this.tag}${String(++this.count).padStart(6, '0')}`;
    // Dialers book whole minutes, within calling hours: a late request is booked for the next morning.
    const due = Math.ceil(this.callable(core.now + rng.logUniform(15, 240) * MIN, 120) / MIN) * MIN;
    const cb: Callback = { id, reason, team, due, owner, attempts: 0, maxAttempts: MAX_ATTEMPTS.pick(rng), done: false };
    const fields: Record<string, unknown> = { callback: id, reason, due: source === 'phone' ? due : new Date(due).toISOString(), ticket, team };
    // Booked by its owner only while at work: a bad rating at 3 am is followed up by the dialer's list, for
    // the owner to ring when back (the agents board credited the schedule to someone shown offline).
    if (owner && this.floor.isOnline(owner)) fields.agent = owner.id;
    core.emit('callback.scheduled', fields, source);

    if (rng.chance(0.07)) {
      // The customer called in themselves or sorted it out.
      core.at(rng.between(core.now + MIN, due), () => {
        if (cb.done) return;
        cb.done = true;
        core.emit('callback.cancelled', { callback: id });
      });
      return;
    }
    const onTime = rng.chance(0.92);
    // Dialers start well before the promised time, to have finished by it after a retry or two; a slice of the
    // list slips past due on a busy afternoon.
    // A lead that falls before the morning's calling hours starts with them, and never after the due time.
    const first = onTime
      ? Math.min(this.callable(Math.max(core.now + MIN, due - rng.logUniform(10, 60) * MIN), 10), due)
      : this.callable(due + rng.logUniform(2, 90) * MIN, 10);
    core.at(first, () => this.attempt(cb));
  }

  private attempt(cb: Callback): void {
    const { core, floor } = this;
    const rng = core.rng;
    if (cb.done) return;
    const agent = floor.findAgent(cb.team, cb.owner, CALL_UNITS);
    if (!agent) {
      // Nobody free to dial (all on calls, or nobody on shift): it slips a few minutes, or to the next morning.
      core.at(this.callable(core.now + rng.between(2, 6) * MIN, 10), () => this.attempt(cb));
      return;
    }
    cb.attempts++;
    const result = RESULTS[Math.min(cb.attempts - 1, 1)].pick(rng);
    core.emit('callback.attempted', { callback: cb.id, agent: agent.id, result });
    // The call takes the agent off the queue: ringing and a note, or the conversation and its wrap-up.
    const call = result === 'connected' ? rng.between(1, 6) * MIN : rng.between(0.5, 3) * MIN;
    floor.occupy(agent, CALL_UNITS, call + 20_000);
    if (result === 'connected') {
      core.after(call, () => this.complete(cb, OUTCOMES[cb.reason].pick(rng), agent));
    } else if (result === 'wrong_number' || cb.attempts >= cb.maxAttempts) {
      core.after(call, () => this.complete(cb, 'unreachable', agent));
    } else {
      core.at(this.callable(core.now + rng.between(5, 25) * MIN, 10), () => this.attempt(cb));
    }
  }

  private complete(cb: Callback, outcome: string, agent: Agent): void {
    if (cb.done) return;
    cb.done = true;
    this.core.emit('callback.completed', { callback: cb.id, outcome, agent: agent.id });
  }
}
