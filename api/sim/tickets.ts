import type { Channel, Priority } from '../events/schema';
import type { CallbackReason, Callbacks } from './callbacks';
import { CALL_UNITS, CATEGORIES, CHANNELS, COMMENTS, ESCALATION_RATE, PRIORITY_MIX, ROUTING, arrivalShape, type Category, type Team } from './centre';
import type { Core, Source } from './core';
import type { Agent, Floor } from './floor';
import { Weighted, weights } from './random';
import type { Zone } from './zone';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;

const CHANNEL_MIX = new Weighted(Object.entries(CHANNELS).map(([c, p]) => [c as Channel, p.weight] as const));
const CATEGORY_MIX = weights(CATEGORIES);
const PRIORITY_OF = Object.fromEntries(
  Object.entries(PRIORITY_MIX).map(([c, w]) => [c, new Weighted(PRIORITIES.map((p, i) => [p, w[i]] as const))])
) as Record<Category, Weighted<Priority>>;
/** Escalating these means handing them to the risk team; anything else just gets more urgent. */
const RISKY: ReadonlySet<Category> = new Set(['security_alert', 'frozen_account', 'unconfirmed_payment']);

interface Ticket {
  id: string;
  channel: Channel;
  category: Category;
  priority: Priority;
  /** The team its queue belongs to: routed by category, moved by escalation. */
  home: Team;
  source: Source;
  t0: number;
  agent: Agent | null;
  /** Sync capacity held on the agent while the call or chat is live. */
  units: number;
  lastAgent: Agent | null;
  firstReply: number;
  rounds: number;
  escalated: boolean;
  reopened: boolean;
  waiting: { gone: boolean } | null;
  done: boolean;
}

/**
 * One ticket's life as a chain of actions; each action emits its event and schedules the next. A finished
 * ticket is referenced by nothing, so memory holds only tickets still in play.
 */
export class Tickets {
  private count = 0;

  constructor(
    private readonly core: Core,
    private readonly floor: Floor,
    private readonly callbacks: Callbacks,
    private readonly tag: string,
    private readonly zone: Zone
  ) {}

  arrive(): void {
    const { core } = this;
    const rng = core.rng;
    const channel = CHANNEL_MIX.pick(rng);
    const profile = CHANNELS[channel];
    const category = CATEGORY_MIX.pick(rng);
    const t: Ticket = {
      id: `T-${this.tag}${String(++this.count).padStart(6, '0')}`,
      channel,
      category,
      priority: PRIORITY_OF[category].pick(rng),
      home: ROUTING[category],
      source: channel === 'phone' ? 'phone' : 'helpdesk',
      t0: core.now,
      agent: null,
      units: 0,
      lastAgent: null,
      firstReply: -1,
      rounds: rng.geometric(profile.rounds),
      escalated: false,
      reopened: false,
      waiting: null,
      done: false
    };
    const customer = `C-${String(rng.int(1, 2_000_000)).padStart(7, '0')}`;
    core.emit('ticket.created', { ticket: t.id, channel, category, priority: t.priority, team: t.home, customer }, t.source);
    if (rng.chance(profile.bot)) {
      core.after(rng.between(2, 20) * SEC, () => {
        if (!t.done && t.firstReply < 0) core.emit('ticket.replied', { ticket: t.id, author: 'bot' }, t.source);
      });
    }
    if (profile.patience > 0 && rng.chance(profile.impatient)) {
      core.after(SEC * Math.max(5, rng.logNormal(profile.patience, 1)), () => this.abandon(t));
    }
    this.queue(t, profile.sync ? (channel === 'phone' ? CALL_UNITS : 1) : 0);
  }

  private queue(t: Ticket, units: number): void {
    const waiter = { team: t.home, units, since: this.core.now, gone: false, assign: (agent: Agent) => this.assigned(t, agent, units) };
    t.waiting = waiter;
    this.floor.request(waiter);
  }

  private assigned(t: Ticket, agent: Agent, units: number): void {
    t.waiting = null;
    t.agent = agent;
    t.units = units;
    this.core.emit('ticket.assigned', { ticket: t.id, agent: agent.id, team: agent.team }, t.source);
    this.replyNext(t);
  }

  /**
   * The assignee's next reply. On a call or chat it follows in the conversation's time; inbox work waits for the
   * agent's hand (its own tickets' replies first, oldest first; see Floor.owe) and is sent once written. Drawn at
   * random from assignment, an email's reply came hours on whatever the floor was doing: the wall's oldest wait
   * read hours, red all day, on a floor with hands free.
   */
  private replyNext(t: Ticket): void {
    if (t.units > 0) return void this.core.after(this.replyDelay(t), () => this.agentReply(t));
    const agent = t.agent!;
    // Owed no more once the ticket is done or has gone to someone else (an escalation to risk) meanwhile.
    const stale = () => t.done || t.agent !== agent;
    this.floor.owe(agent, {
      write: () => {
        if (stale()) return;
        const ms = this.core.rng.logNormal(CHANNELS[t.channel].reply * SEC, 0.5);
        // Sent before the hand is free: a break or the shift's end that waited for it comes after.
        this.core.after(ms, () => this.agentReply(t, true));
        this.floor.write(agent, ms);
      },
      handOver: () => {
        if (stale()) return;
        this.letGo(t);
        this.queue(t, 0);
      }
    });
  }

  /** `written`: an inbox reply its agent has just finished writing, sent whatever the agent does next. */
  private agentReply(t: Ticket, written = false): void {
    if (t.done || (!written && !this.present(t, () => this.agentReply(t)))) return;
    const { core } = this;
    const rng = core.rng;
    const agent = t.agent!;
    core.emit('ticket.replied', { ticket: t.id, author: 'agent', agent: agent.id }, t.source);
    if (t.firstReply < 0) {
      t.firstReply = core.now;
      if (t.category === 'unconfirmed_payment' && rng.chance(0.2)) this.callback('unconfirmed_payment', t, agent);
      if (!t.escalated && rng.chance(ESCALATION_RATE[t.category])) {
        const sync = CHANNELS[t.channel].sync;
        core.after(sync ? rng.between(2, 15) * MIN : rng.logUniform(20, 240) * MIN, () => this.escalate(t));
        return;
      }
    }
    const profile = CHANNELS[t.channel];
    if (t.rounds > 0 && profile.customer > 0) {
      t.rounds--;
      const answer = () => rng.logNormal(profile.customer * SEC, 0.8);
      // A live chat is answered there and then; a message, in the hours its customer is up.
      core.at(profile.sync ? core.now + answer() : this.awake(answer), () => this.customerReply(t));
    } else {
      core.after(rng.logNormal(profile.wrap * SEC, 0.75), () => this.resolve(t));
    }
  }

  private customerReply(t: Ticket): void {
    if (t.done) return;
    this.core.emit('ticket.customer_replied', { ticket: t.id }, t.source);
    this.replyNext(t);
  }

  private escalate(t: Ticket): void {
    if (t.done) return;
    const { core } = this;
    t.escalated = true;
    t.priority = t.priority === 'low' ? 'normal' : t.priority === 'normal' ? 'high' : 'urgent';
    t.rounds++;
    if (RISKY.has(t.category) && t.home !== 'risk') {
      t.home = 'risk';
      core.emit('ticket.escalated', { ticket: t.id, team: 'risk', priority: t.priority }, t.source);
      // Transferred: the first agent lets go, and the ticket (or the caller, on hold) waits for the risk team.
      this.letGo(t);
      this.queue(t, t.units);
    } else {
      core.emit('ticket.escalated', { ticket: t.id, priority: t.priority }, t.source);
      this.replyNext(t);
    }
  }

  private resolve(t: Ticket): void {
    if (t.done || !this.present(t, () => this.resolve(t))) return;
    const { core } = this;
    const rng = core.rng;
    const agent = t.agent!;
    core.emit('ticket.resolved', { ticket: t.id, agent: agent.id }, t.source);
    // Booked before letting go: the last call of a shift, or before a break, would log the agent off first.
    if (t.category === 'pre_approval_followup' && rng.chance(0.45)) this.callback('pre_approval', t, agent);
    else if (t.escalated && rng.chance(0.35)) this.callback('complaint_followup', t, agent);
    else if (rng.chance(0.04)) this.callback(rng.chance(0.6) ? 'customer_request' : 'other', t, agent);
    this.letGo(t);
    t.units = 0;

    if (!t.reopened && rng.chance(0.06)) {
      core.at(this.awake(() => rng.logUniform(1, 48) * HOUR), () => this.reopen(t));
    } else if (rng.chance(0.35)) {
      const survey = CHANNELS[t.channel].sync ? core.now + rng.between(1, 15) * MIN : this.awake(() => rng.logUniform(10, 24 * 60) * MIN);
      core.at(survey, () => this.rate(t));
    } else {
      t.done = true;
    }
  }

  private reopen(t: Ticket): void {
    this.core.emit('ticket.reopened', { ticket: t.id }, t.source);
    t.reopened = true;
    t.rounds = this.core.rng.chance(0.3) ? 1 : 0;
    // The customer writes back into the old thread: inbox work now, whatever the channel was.
    const previous = t.lastAgent;
    if (previous && this.floor.takesWork(previous)) {
      t.agent = previous;
      previous.inbox++;
      this.replyNext(t);
    } else {
      this.queue(t, 0);
    }
  }

  private rate(t: Ticket): void {
    const { core } = this;
    const rng = core.rng;
    t.done = true;
    // Waiting is what customers punish: each doubling past what they expect costs most of a star.
    const waited = (t.firstReply - t.t0) / SEC / CHANNELS[t.channel].expect;
    const mean = 4.7 + (t.lastAgent?.skill ?? 0) - 0.9 * Math.log2(Math.max(1, waited)) - (t.reopened ? 1 : 0) - (t.escalated ? 0.5 : 0);
    // Survey answers are J-shaped: mostly fives and fours, few threes, and a tail of ones from customers who give one
    // star whatever happened (a fee, a frozen account), more of them after a long wait. One star was 3 % of answers
    // and two stars 2 %, where the PwC set (shared/datasets/pwc_call_center_dataset.csv, Satisfaction rating) has
    // 10 % and 10 %; its 30 % of threes and 50 % positive, a synthetic bell, would make a well-run centre's CSAT red.
    // A few more give two for an answer they did not want (a refund refused, a limit kept).
    const furious = waited > 2 ? 0.12 : 0.05;
    const r = rng.next();
    const score = r < furious ? 1 : r < furious + 0.04 ? 2 : Math.min(5, Math.max(1, Math.round(mean + 0.75 * rng.normal())));
    const fields: Record<string, unknown> = { ticket: t.id, score };
    if (score !== 3 && rng.chance(0.25)) fields.comment = rng.pick(score > 3 ? COMMENTS.good : COMMENTS.bad);
    core.emit('ticket.rated', fields, t.source);
    if (score <= 2 && rng.chance(0.4)) this.callback('complaint_followup', t, t.lastAgent);
  }

  private abandon(t: Ticket): void {
    if (t.done || t.firstReply >= 0) return;
    t.done = true;
    this.core.emit('ticket.abandoned', { ticket: t.id }, t.source);
    if (t.waiting) t.waiting.gone = true;
    this.letGo(t);
    // Callers who hang up in the queue often leave a callback request in the IVR.
    if (t.channel === 'phone' && this.core.rng.chance(0.2)) this.callbacks.schedule('customer_request', t.id, t.home, null, 'phone');
  }

  /**
   * Can the assignee act now? Calls and chats are finished by whoever holds them, even past shift end (the
   * agent logs off after). Inbox work waits out a break (and one that is due: writing a reply then would keep
   * the agent from ever going), and is handed over when its agent has gone home.
   */
  private present(t: Ticket, retry: () => void): boolean {
    const agent = t.agent;
    if (!agent) return false;
    if (t.units > 0 || this.floor.takesWork(agent)) return true;
    if (agent.onShift) {
      this.core.after(this.core.rng.between(5, 20) * MIN, retry);
    } else {
      this.letGo(t);
      this.queue(t, 0);
    }
    return false;
  }

  private letGo(t: Ticket): void {
    if (!t.agent) return;
    this.floor.release(t.agent, t.units);
    t.lastAgent = t.agent;
    t.agent = null;
  }

  /**
   * When a customer's own move comes (a reply to a message, a reopening, a survey answered hours on), `delay` after
   * now: drawn again until it falls in the hours people are up, as new tickets are. Drawn once, reopenings came
   * at night as often as at the late-morning peak.
   */
  private awake(delay: () => number): number {
    const { core } = this;
    let t = core.now + delay();
    for (let k = 0; k < 50 && !core.rng.chance(arrivalShape(this.zone.hourOfDay(t), false)); k++) t = core.now + delay();
    return t;
  }

  /** On a call or chat: the agent's next line, slower the more it is juggling. */
  private replyDelay(t: Ticket): number {
    const agent = t.agent!;
    return this.core.rng.logNormal(CHANNELS[t.channel].reply * SEC * (1 + agent.load / agent.cap), 0.5);
  }

  private callback(reason: CallbackReason, t: Ticket, agent: Agent | null): void {
    this.callbacks.schedule(reason, t.id, agent?.team ?? t.home, agent, t.source);
  }
}
