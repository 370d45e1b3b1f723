import type { AgentStatus } from '../events/schema';
import { CAPACITY_UNITS, OVERFLOW_TEAM, ROSTER, SHIFTS, TEAMS, type AgentProfile, type Team } from './centre';
import type { Core } from './core';
import { Fifo } from './queue';
import type { Zone } from './zone';

const MIN = 60_000;
/**
 * A caller or chatter still waiting for their own team after this long is answered by whoever on the floor has
 * room, as a centre's overflow routing does: a night's payments call does not wait for the one payments agent
 * on shift to finish a call while risk and general sit free.
 */
export const OVERFLOW_AFTER_MS = 30_000;
/**
 * Inbox work waits longer for its own team (an email is not a caller on hold), then goes to whoever has a hand free:
 * a night's general queue waited for the day shift, and the wall's oldest wait read eight hours each morning.
 */
export const INBOX_OVERFLOW_AFTER_MS = 10 * MIN;

export interface Agent extends AgentProfile {
  /** Sync capacity units; `load` of them are taken by calls and chats in progress. */
  cap: number;
  load: number;
  /** Async tickets (email, app, …) currently assigned; only used to spread them evenly. */
  inbox: number;
  /** Inbox replies being written now: one at a time each (a pod writes as many as it has people). */
  writing: number;
  /** Replies owed on its own tickets (a customer wrote back), oldest first: written before new inbox work is taken. */
  owed: Fifo<Reply>;
  onShift: boolean;
  away: boolean;
  /** Break time came while on a call or chat: the break's minutes. Takes no new work, and goes once it is finished. */
  breakDue: number | null;
  /** The shift ended while on a call or chat: takes no new work, and logs off once it is finished. */
  leaving: boolean;
  status: AgentStatus;
  /** How this agent's customers tend to rate, around the centre's mean. */
  skill: number;
}

/** A reply an agent owes on a ticket it holds. */
export interface Reply {
  /** Writes it now (the agent is taking work and has a free hand). */
  write(): void;
  /** The agent is going (a break, the shift's end): the ticket goes back to its team's queue, for whoever is free. */
  handOver(): void;
}

/** Someone waiting in a team queue for an agent: a new ticket, an escalation, a handover. */
export interface Waiter {
  team: Team;
  /** Sync capacity units needed; 0 for inbox work. */
  units: number;
  /** The customer hung up or left the chat. */
  gone: boolean;
  /** When it started waiting (simulated time). */
  since: number;
  /** An agent took it (set by the floor). */
  taken?: boolean;
  assign(agent: Agent): void;
}

interface TeamFloor {
  agents: Agent[];
  sync: Fifo<Waiter>;
  inbox: Fifo<Waiter>;
  turn: number;
}

/** Agents on the floor: shifts, breaks, status, capacity, and the team queues that route work to them. */
export class Floor {
  readonly agents: Agent[];
  private readonly teams = new Map<Team, TeamFloor>();
  /** Each agent's place among those on the same shift, 0 ≤ turn < 1: when in the shift their breaks come. */
  private readonly rota = new Map<Agent, number>();

  constructor(
    private readonly core: Core,
    private readonly zone: Zone,
    cap: number
  ) {
    const rng = core.rng;
    this.agents = ROSTER.map((p) => ({ ...p, cap, load: 0, inbox: 0, writing: 0, owed: new Fifo<Reply>(), onShift: false, away: false, breakDue: null, leaving: false, status: 'offline', skill: rng.between(-0.35, 0.35) }));
    for (const team of TEAMS) this.teams.set(team, { agents: this.agents.filter((a) => a.team === team), sync: new Fifo(), inbox: new Fifo(), turn: 0 });
    // Teams interleaved on the rota (each team's first, then each team's second…), so no team is all away at once.
    for (const shift of new Set(this.agents.map((a) => a.shift))) {
      const crew = this.agents.filter((a) => a.shift === shift);
      const place = (a: Agent) => crew.filter((b) => b.team === a.team).indexOf(a);
      crew.sort((a, b) => place(a) - place(b) || TEAMS.indexOf(a.team) - TEAMS.indexOf(b.team));
      crew.forEach((a, k) => this.rota.set(a, k / crew.length));
    }
  }

  /** Plans yesterday (night shifts still running) and today, then a day at every local midnight. */
  begin(): void {
    const today = this.zone.startOfDay(this.core.start);
    this.planDay(this.zone.startOfDay(today - MIN));
    const roll = (day: number): void => {
      this.planDay(day);
      const next = this.zone.nextDay(day);
      this.core.at(next, () => roll(next));
    };
    roll(today);
    // Every agent's status when the simulation starts, logged off too: a run stopped the day before left the
    // agents it had at work shown so, and those not on shift today read as logged in since then. The logged-off
    // ones are a roll call stamped just before the run's day, drawing nothing from the centre's randomness (its
    // day is as before): logging off today would list every agent on the board, and in every live message.
    this.core.at(this.core.start, () => {
      for (const a of this.agents) {
        if (a.status !== 'offline') this.emitStatus(a);
        else this.core.standing('agent.status', { agent: a.id, status: a.status, name: a.name, team: a.team }, today - 1);
      }
    });
  }

  request(w: Waiter): void {
    const team = this.team(w.team);
    (w.units ? team.sync : team.inbox).push(w);
    this.dispatch(w.team);
    if (!w.taken) this.core.after(w.units ? OVERFLOW_AFTER_MS : INBOX_OVERFLOW_AFTER_MS, () => this.overflow(w));
  }

  /**
   * A live customer who has waited OVERFLOW_AFTER_MS for their team goes to the least loaded agent on the floor with
   * room; inbox work after INBOX_OVERFLOW_AFTER_MS, to the one with fewest tickets among those with a hand free.
   */
  private overflow(w: Waiter): void {
    if (w.gone || w.taken) return;
    let best: Agent | null = null;
    for (const a of this.agents) if (this.fits(a, w.units) && (best === null || (w.units ? a.load < best.load : a.inbox < best.inbox))) best = a;
    if (best) this.give(w, best);
  }

  /** Takes this work now: room for a call or chat, or, for inbox work, a free hand and no reply of its own owed. */
  private fits(a: Agent, units: number): boolean {
    return units > 0 ? this.hasRoom(a, units) : this.takesWork(a) && this.canWrite(a) && a.owed.size === 0;
  }

  private give(w: Waiter, agent: Agent): void {
    w.taken = true;
    if (w.units) {
      agent.load += w.units;
      this.refresh(agent);
    } else {
      agent.inbox++;
    }
    w.assign(agent);
  }

  /** Whether the agent can start writing an inbox reply: one at a time each, so a call still fits beside it. */
  canWrite(agent: Agent): boolean {
    return (agent.writing + 1) * CAPACITY_UNITS <= agent.cap;
  }

  /** Writing an inbox reply takes one unit of capacity for `ms`. */
  write(agent: Agent, ms: number): void {
    agent.writing++;
    this.occupy(agent, 1, ms, () => agent.writing--);
  }

  /**
   * A reply the agent owes on its own ticket: written as soon as its hand is free, after those owed before it; handed
   * back to the team at once if the agent is not taking work (a break, or gone home), as a helpdesk reassigns.
   */
  owe(agent: Agent, reply: Reply): void {
    if (!this.takesWork(agent)) return reply.handOver();
    agent.owed.push(reply);
    this.writeOwed(agent);
  }

  /** Writes what the agent owes while it has a free hand. */
  private writeOwed(agent: Agent): void {
    while (agent.owed.size > 0 && this.takesWork(agent) && this.canWrite(agent)) agent.owed.shift()!.write();
  }

  /** Going away: the replies still owed go back to the team's queue rather than wait out the break or the night. */
  private handOverOwed(agent: Agent): void {
    for (let r = agent.owed.shift(); r !== undefined; r = agent.owed.shift()) r.handOver();
  }

  release(agent: Agent, units: number): void {
    if (units) {
      agent.load -= units;
      // The last call or chat finished: a break or the shift's end that waited for it comes now.
      if (agent.load === 0 && agent.leaving) return this.signOff(agent);
      if (agent.load === 0 && agent.breakDue !== null) return this.takeBreak(agent, agent.breakDue);
      this.refresh(agent);
      this.dispatchFor(agent);
    } else {
      agent.inbox--;
    }
  }

  /** Takes capacity for a while without a queue: writing an inbox reply keeps an agent off the phone. */
  occupy(agent: Agent, units: number, ms: number, done?: () => void): void {
    agent.load += units;
    this.refresh(agent);
    this.core.after(ms, () => {
      done?.();
      this.release(agent, units);
    });
  }

  isOnline(a: Agent): boolean {
    return a.onShift && !a.away;
  }

  /** Takes `units` more of live work now: takes work at all, and has the capacity left. */
  private hasRoom(a: Agent, units: number): boolean {
    return this.takesWork(a) && a.load + units <= a.cap;
  }

  /** Takes new work: logged in, and not on a break or winding down for one or for the end of the shift. */
  takesWork(a: Agent): boolean {
    return this.isOnline(a) && a.breakDue === null && !a.leaving;
  }

  /**
   * Somebody free to make a call (`units` of capacity): the preferred agent if free, else the team's least
   * loaded agent with room, or overflow's when nobody of the team is taking work. Nobody dials out with a
   * customer already on the line.
   */
  findAgent(team: Team, preferred: Agent | null, units: number): Agent | null {
    if (preferred && this.hasRoom(preferred, units)) return preferred;
    return this.pick(team, units);
  }

  private team(name: Team): TeamFloor {
    return this.teams.get(name)!;
  }

  /**
   * Work for an agent who has just come free: the replies it owes, the team's queue, overflow's, then any team's caller,
   * or inbox work, kept waiting too long.
   */
  private dispatchFor(agent: Agent): void {
    this.writeOwed(agent);
    this.dispatch(agent.team);
    if (agent.team === OVERFLOW_TEAM) for (const t of TEAMS) if (t !== OVERFLOW_TEAM) this.dispatch(t);
    for (const name of TEAMS) {
      if (name === agent.team) continue;
      const { sync, inbox } = this.team(name);
      for (const [queue, since] of [
        [sync, this.core.now - OVERFLOW_AFTER_MS],
        [inbox, this.core.now - INBOX_OVERFLOW_AFTER_MS]
      ] as const) {
        for (;;) {
          const w = queue.peek();
          if (w !== undefined && (w.gone || w.taken)) {
            queue.shift();
            continue;
          }
          if (w === undefined || w.since > since || !this.fits(agent, w.units)) break;
          queue.shift();
          this.give(w, agent);
        }
      }
    }
  }

  private dispatch(name: Team): void {
    const team = this.team(name);
    for (const queue of [team.sync, team.inbox]) {
      for (let w = queue.peek(); w !== undefined; w = queue.peek()) {
        if (w.gone || w.taken) {
          queue.shift();
          continue;
        }
        const agent = this.pick(name, w.units);
        if (!agent) break;
        queue.shift();
        this.give(w, agent);
      }
    }
  }

  /**
   * The least loaded online agent with room, from the team or, if the team has nobody logged in, from overflow. Inbox
   * work goes to the one with fewest tickets among those with a hand free and nothing owed: a new email waits in the
   * team's queue, oldest first, until somebody can write to it.
   */
  private pick(name: Team, units: number): Agent | null {
    let found = this.pickFrom(this.team(name), units);
    if (found === undefined && name !== OVERFLOW_TEAM) found = this.pickFrom(this.team(OVERFLOW_TEAM), units);
    return found ?? null;
  }

  /** undefined: nobody taking work (off shift, away, winding down for a break or the shift's end); null: all at capacity. */
  private pickFrom(team: TeamFloor, units: number): Agent | null | undefined {
    const n = team.agents.length;
    let best: Agent | null | undefined;
    // Starting the scan at a rotating offset spreads ties across the team instead of always picking the first.
    const first = team.turn++ % n;
    for (let k = 0; k < n; k++) {
      const a = team.agents[(first + k) % n];
      if (!this.takesWork(a)) continue;
      if (best === undefined) best = null;
      if (!this.fits(a, units) || (best !== null && (units > 0 ? a.load >= best.load : a.inbox >= best.inbox))) continue;
      best = a;
    }
    return best;
  }

  private refresh(a: Agent): void {
    // Busy at two thirds full: a lone agent on a call, or juggling two things (a pod, in proportion).
    const status: AgentStatus = !a.onShift ? 'offline' : a.away ? 'away' : a.load * 3 >= a.cap * 2 ? 'busy' : 'available';
    if (status === a.status) return;
    a.status = status;
    this.emitStatus(a);
  }

  private emitStatus(a: Agent): void {
    this.core.emit('agent.status', { agent: a.id, status: a.status, name: a.name, team: a.team });
  }

  private planDay(day: number): void {
    const { core, zone } = this;
    const rng = core.rng;
    const dow = zone.dayOfWeek(day + 12 * 60 * MIN);
    this.agents.forEach((a, i) => {
      // Two rest days a week on a rota, and the odd sick day.
      if ((dow + i) % 7 < 2 || rng.chance(0.03)) return;
      const shift = SHIFTS[a.shift];
      const login = zone.atHour(day, shift.start) + rng.between(-10, 8) * MIN;
      const endDay = shift.end > shift.start ? day : zone.nextDay(day);
      const logout = zone.atHour(endDay, shift.end) + rng.between(-5, 20) * MIN;
      const length = logout - login;
      core.at(login, () => {
        a.onShift = true;
        a.leaving = false;
        this.refresh(a);
        this.dispatchFor(a);
      });
      // Breaks are staggered across everyone on the same shift, as a rota would: the night crew of four once
      // took lunch together and left one person, or none, to answer the phones.
      const turn = this.rota.get(a)!;
      const breaks: [number, number][] = [
        [0.18 + 0.12 * turn + rng.between(0, 0.02), rng.between(12, 18)],
        [0.35 + 0.3 * turn + rng.between(0, 0.02), rng.between(30, 60)],
        [0.7 + 0.14 * turn + rng.between(0, 0.02), rng.between(12, 18)]
      ];
      for (const [when, minutes] of breaks) core.at(login + when * length, () => this.takeBreak(a, minutes));
      core.at(logout, () => this.signOff(a));
    });
  }

  /** Logs off at the shift's end; or, on a call or chat then, once it is finished (taking no new work meanwhile). */
  private signOff(a: Agent): void {
    if (!a.onShift) return;
    a.breakDue = null;
    a.leaving = a.load > 0;
    if (!a.leaving) {
      a.onShift = false;
      a.away = false;
    }
    this.handOverOwed(a);
    if (a.leaving) return;
    this.refresh(a);
    // The last of a team to go: what waits for it goes to overflow now, not when the next customer comes.
    this.dispatch(a.team);
  }

  /** A break starts once the agent's calls and chats are finished (no new work meanwhile; see release), and lasts `minutes`. */
  private takeBreak(a: Agent, minutes: number): void {
    if (!a.onShift || a.leaving) return;
    if (a.load > 0) {
      a.breakDue = minutes;
      this.handOverOwed(a);
      return;
    }
    a.breakDue = null;
    a.away = true;
    this.handOverOwed(a);
    this.refresh(a);
    this.dispatch(a.team);
    this.core.after(minutes * MIN, () => {
      if (!a.onShift) return;
      a.away = false;
      this.refresh(a);
      this.dispatchFor(a);
    });
  }
}
