import { describe, expect, it } from 'vitest';
import { validateEvents } from '../../api/events/parse';
import { DEFAULT_KPI_TARGETS } from '../../api/kpi/targets';
import type { Channel } from '../../api/events/schema';
import { CHANNELS, ROSTER, TEAMS } from '../../api/sim/centre';
import { generateHistory } from '../../api/sim/history';
import { createSimulator, type RawEvent, type SimulatorOptions } from '../../api/sim/simulator';
import { Zone } from '../../api/sim/zone';

const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const DAY = 86_400_000;
const MONDAY = Date.parse('2026-11-23T00:00:00+08:00');
const base: SimulatorOptions = { start: MONDAY, timezone: TZ, seed: 42 };

const atOf = (e: RawEvent): number => (typeof e.at === 'number' ? e.at : Date.parse(e.at));

interface Delivery {
  event: RawEvent;
  /** The event was delivered in (after, upTo]. */
  after: number;
  upTo: number;
}

function run(opts: SimulatorOptions, ms: number, step: number): Delivery[] {
  const sim = createSimulator(opts);
  const out: Delivery[] = [];
  for (let t = opts.start; t < opts.start + ms; ) {
    const after = t;
    t = Math.min(t + step, opts.start + ms);
    for (const event of sim.advance(t)) out.push({ event, after, upTo: t });
  }
  return out;
}

// Three weekdays, delivered minute by minute, shared by the checks below.
const week = run(base, 3 * DAY, MIN);
const events = week.map((d) => d.event);
const byTicket = new Map<string, RawEvent[]>();
for (const e of new Map(events.map((e) => [e.id, e])).values()) {
  if (typeof e.ticket !== 'string' || e.type.startsWith('callback.')) continue;
  const list = byTicket.get(e.ticket) ?? [];
  list.push(e);
  byTicket.set(e.ticket, list);
}
// As replay sorts them (SPEC.md): by (at, id), ids compared as strings.
for (const list of byTicket.values()) list.sort((a, b) => atOf(a) - atOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const created = events.filter((e) => e.type === 'ticket.created');

describe('simulator', () => {
  it('replays the same events for the same seed, however time is sliced', () => {
    const a = run(base, DAY / 2, MIN).map((d) => d.event);
    const b = run(base, DAY / 2, 7 * MIN + 13).map((d) => d.event);
    expect(a.length).toBeGreaterThan(500);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const other = run({ ...base, seed: 43 }, DAY / 2, MIN).map((d) => d.event);
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(a));
  });

  it('produces only events the ingest schema accepts, never stamped after their delivery', () => {
    for (let i = 0; i < week.length; ) {
      const { after, upTo } = week[i];
      const chunk: RawEvent[] = [];
      for (; i < week.length && week[i].upTo === upTo; i++) chunk.push(week[i].event);
      // The earliest possible delivery time is the strictest "now" to check the 5-minute rule against.
      const result = validateEvents(chunk, after);
      expect(result.ok ? [] : result.errors).toEqual([]);
      for (const e of chunk) expect(atOf(e)).toBeLessThanOrEqual(upTo);
    }
  });

  it('mixes ISO and epoch-ms timestamps and numbers ids as a helpdesk would', () => {
    expect(events.some((e) => typeof e.at === 'number')).toBe(true);
    expect(events.some((e) => typeof e.at === 'string' && e.at.endsWith('Z'))).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBeGreaterThan(events.length * 0.97);
    // Ids sort as strings in the order they were made, so events of one millisecond replay in cause order.
    const ids = [...new Set(events.map((e) => e.id))].sort();
    const made = ids.map((id) => Number(id.replace(/^\D+/, '')));
    expect(made.every((n, i) => i === 0 || n > made[i - 1])).toBe(true);
    for (const e of created) expect(e.ticket).toMatch(/^T-\d{6}$/);
    for (const e of events) if (e.type === 'callback.scheduled') expect(e.callback).toMatch(/^CB-\d{6}$/);
  });

  it('delivers about 1 % twice and about 2 % late, out of order', () => {
    const seen = new Map<string, string>();
    let duplicates = 0;
    let late = 0;
    let latest = -Infinity;
    for (const e of events) {
      const json = JSON.stringify(e);
      if (seen.has(e.id)) {
        duplicates++;
        expect(json).toBe(seen.get(e.id));
      }
      seen.set(e.id, json);
      if (atOf(e) < latest - 4_000) late++;
      latest = Math.max(latest, atOf(e));
    }
    expect(duplicates / events.length).toBeGreaterThan(0.005);
    expect(duplicates / events.length).toBeLessThan(0.02);
    expect(late / events.length).toBeGreaterThan(0.01);
    expect(late / events.length).toBeLessThan(0.04);
  });

  it('follows the hour of day: busy late morning, quiet before dawn', () => {
    const zone = new Zone(TZ);
    const perHour = new Array<number>(24).fill(0);
    for (const e of created) perHour[Math.floor(zone.hourOfDay(atOf(e)))]++;
    expect(perHour[11]).toBeGreaterThan(5 * perHour[4]);
    // The evening peak over the afternoon lull, as bands of three hours: single hours differ by ~2 SD over three days.
    const band = (from: number) => perHour[from] + perHour[from + 1] + perHour[from + 2];
    expect(band(19)).toBeGreaterThan(band(15));
    // ~120 at the peak hour by default.
    expect(perHour[11] / 3).toBeGreaterThan(80);
    expect(perHour[11] / 3).toBeLessThan(160);
  });

  it('uses every channel with chat, phone and app dominant, and ties priority to category', () => {
    const count = (pred: (e: RawEvent) => boolean) => created.filter(pred).length;
    for (const channel of Object.keys(CHANNELS)) expect(count((e) => e.channel === channel)).toBeGreaterThan(0);
    const dominant = count((e) => ['chat', 'phone', 'app'].includes(e.channel as string));
    expect(dominant / created.length).toBeGreaterThan(0.6);
    const urgentShare = (category: string) =>
      count((e) => e.category === category && (e.priority === 'urgent' || e.priority === 'high')) / count((e) => e.category === category);
    expect(urgentShare('security_alert')).toBeGreaterThan(0.6);
    expect(urgentShare('feature_question')).toBeLessThan(0.1);
  });

  it('hears about a wallet\'s troubles, every one of them; bots answer on every channel but the phone; some tickets come back, some go up', () => {
    const share = (pred: (e: RawEvent) => boolean) => created.filter(pred).length / created.length;
    // Unconfirmed payments, pre-approval follow-ups, refunds, frozen accounts, security scares, feature questions.
    for (const category of ['unconfirmed_payment', 'pre_approval_followup', 'refund', 'frozen_account', 'security_alert', 'feature_question'])
      expect(share((e) => e.category === category), category).toBeGreaterThan(0.03);
    const channelOf = new Map(created.map((e) => [e.ticket, e.channel]));
    const botChannels = new Set(events.filter((e) => e.type === 'ticket.replied' && e.author === 'bot').map((e) => channelOf.get(e.ticket)));
    expect([...botChannels].sort()).toEqual(Object.keys(CHANNELS).filter((c) => c !== 'phone').sort());
    // As a centre's numbers run: a few per cent of tickets each, neither none nor most.
    for (const type of ['ticket.reopened', 'ticket.escalated']) {
      const tickets = new Set(events.filter((e) => e.type === type).map((e) => e.ticket)).size / created.length;
      expect(tickets, type).toBeGreaterThan(0.02);
      expect(tickets, type).toBeLessThan(0.12);
    }
  });

  it('abandons only before any agent reply, and mostly calls and chats', () => {
    let abandoned = 0;
    let syncAbandoned = 0;
    for (const list of byTicket.values()) {
      const gone = list.find((e) => e.type === 'ticket.abandoned');
      if (!gone) continue;
      abandoned++;
      if (['phone', 'chat'].includes(list.find((e) => e.type === 'ticket.created')?.channel as string)) syncAbandoned++;
      expect(list.some((e) => e.type === 'ticket.replied' && e.author === 'agent')).toBe(false);
      expect(list.some((e) => e.type === 'ticket.resolved')).toBe(false);
    }
    expect(abandoned).toBeGreaterThan(0);
    expect(syncAbandoned / abandoned).toBeGreaterThan(0.7);
  });

  it('loses no more calls and chats at any time of day than a busy real centre: nights, the morning ramp and the evening peak alike', () => {
    const zone = new Zone(TZ);
    // Local hours: the night crew, the morning ramp and peak, the afternoon handover, the evening peak.
    const bands = [
      { name: 'night', from: 0, to: 7 },
      { name: 'morning', from: 7, to: 12 },
      { name: 'afternoon', from: 12, to: 18 },
      { name: 'evening', from: 18, to: 24 }
    ].map((b) => ({ ...b, live: 0, lost: 0 }));
    for (const list of byTicket.values()) {
      const first = list.find((e) => e.type === 'ticket.created');
      if (!first || !['phone', 'chat'].includes(first.channel as string)) continue;
      const at = atOf(first);
      const hour = (at - zone.startOfDay(at)) / 3_600_000;
      const band = bands.find((b) => hour >= b.from && hour < b.to)!;
      band.live++;
      if (list.some((e) => e.type === 'ticket.abandoned')) band.lost++;
    }
    for (const b of bands) {
      expect(b.live, b.name).toBeGreaterThan(50);
      // The Technion bank's worst day lost 21 % of its calls (see the figures below), more than this; chats are lost less.
      expect(b.lost / b.live, `${b.name}: ${b.lost} of ${b.live} abandoned`).toBeLessThan(0.15);
    }
    // Yet some do hang up: a centre that never loses a caller is not one a supervisor would recognise.
    const lost = bands.reduce((n, b) => n + b.lost, 0) / bands.reduce((n, b) => n + b.live, 0);
    expect(lost).toBeGreaterThan(0.03);
  });

  // What a supervisor would compare with a real centre's figures: the three days' offered and lost contacts by channel,
  // the phone's speed of answer and talk time, and the ratings.
  const real = (() => {
    const offered = new Map<string, { answered: number; lost: number }>();
    const answerSec: number[] = [];
    const talkSec: number[] = [];
    const scores: number[] = [];
    for (const list of byTicket.values()) {
      const first = list[0];
      if (first.type !== 'ticket.created') continue;
      const channel = first.channel as string;
      const reply = list.find((e) => e.type === 'ticket.replied' && e.author !== 'bot');
      const resolved = list.find((e) => e.type === 'ticket.resolved');
      const o = offered.get(channel) ?? { answered: 0, lost: 0 };
      if (reply) o.answered++;
      else if (list.some((e) => e.type === 'ticket.abandoned')) o.lost++;
      offered.set(channel, o);
      if (channel === 'phone' && reply) {
        answerSec.push((atOf(reply) - atOf(first)) / 1000);
        // A plain call's talk time: answered to hung up, not transferred to risk nor reopened.
        if (resolved && !list.some((e) => e.type === 'ticket.escalated' || e.type === 'ticket.reopened')) talkSec.push((atOf(resolved) - atOf(reply)) / 1000);
      }
      const rating = list.find((e) => e.type === 'ticket.rated');
      if (rating) scores.push(rating.score as number);
    }
    const lostPct = (channels: string[]) => {
      const o = channels.map((k) => offered.get(k)!).reduce((a, b) => ({ answered: a.answered + b.answered, lost: a.lost + b.lost }));
      return (100 * o.lost) / (o.lost + o.answered);
    };
    return { channels: [...offered.keys()], lostPct, answerSec, talkSec, scores };
  })();
  const share = (xs: number[], f: (x: number) => boolean) => xs.filter(f).length / xs.length;
  const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.ceil(q * xs.length) - 1];

  it('talks on the phone about as long as real calls last', () => {
    // Talk time: shared/datasets/anonymous_bank_callcenter_1999_february.tsv, ser_time of answered calls, median 107 s,
    // 90th percentile 409 s; pwc_call_center_dataset.csv, AvgTalkDuration, 226 s and 378 s. Seven minutes at the
    // median was three times either.
    expect(pct(real.talkSec, 0.5), 'phone talk p50').toBeGreaterThan(90);
    expect(pct(real.talkSec, 0.5), 'phone talk p50').toBeLessThan(240);
    expect(pct(real.talkSec, 0.9), 'phone talk p90').toBeGreaterThan(300);
    expect(pct(real.talkSec, 0.9), 'phone talk p90').toBeLessThan(600);
  });

  it('loses about as many calls as real centres do, yet stays under the wall\'s red line over all channels', () => {
    // The bank's calls that queued or reached an agent (outcome HANG vs AGENT, as test/datasets/bank.ts reads them):
    // 12.7 % abandoned, 13 % on a median day, 5-21 % by day; the PwC set ("Answered (Y/N)") 19 %. A simulated 1-4 %
    // was a centre nobody hangs up on.
    expect(real.lostPct(['phone']), 'phone abandoned %').toBeGreaterThan(5);
    expect(real.lostPct(['phone']), 'phone abandoned %').toBeLessThan(20);
    // Over every channel (the wall's tile: an email is never abandoned), under its red line.
    expect(real.lostPct(real.channels), 'all abandoned %').toBeLessThan(DEFAULT_KPI_TARGETS['tickets.abandonedPct'].critical);
    // Speed of answer: the bank's median 5 s and 90th percentile 129 s (ser_start - queue entry); PwC's 68 s and 114 s.
    expect(pct(real.answerSec, 0.5), 'phone answer p50').toBeLessThan(60);
    expect(pct(real.answerSec, 0.9), 'phone answer p90').toBeLessThan(150);
  });

  it('has ratings shaped as real surveys are: mostly fives, and a tail of ones and twos', () => {
    // pwc_call_center_dataset.csv, "Satisfaction rating": 20 % ones and twos (where 6 % were simulated). Its 30 % of
    // threes and 50 % positive are a synthetic bell; real answers are J-shaped, more fives than fours, and a well-run
    // centre stays over the wall's red line for CSAT.
    expect(share(real.scores, (s) => s <= 2), 'ones and twos').toBeGreaterThan(0.07);
    expect(share(real.scores, (s) => s <= 2), 'ones and twos').toBeLessThan(0.25);
    expect(share(real.scores, (s) => s === 5), 'fives').toBeGreaterThan(share(real.scores, (s) => s === 4));
    expect(100 * share(real.scores, (s) => s >= 4), 'positive %').toBeGreaterThan(DEFAULT_KPI_TARGETS['csat.pct'].critical);
  });

  it('runs a ticket through assignment, replies and resolution in order', () => {
    let resolved = 0;
    let rated = 0;
    for (const list of byTicket.values()) {
      const first = list[0];
      // Sorted by (at, id), the creation comes first: an assignment made in the same millisecond has a
      // later id, which sorts after it (ids are zero-padded, so ev-…1000 does not sort before ev-…999).
      if (list.some((e) => e.type === 'ticket.created')) expect(first.type, first.ticket as string).toBe('ticket.created');
      if (first.type !== 'ticket.created') continue;
      const firstAgentReply = list.findIndex((e) => e.type === 'ticket.replied' && e.author === 'agent');
      const resolution = list.findIndex((e) => e.type === 'ticket.resolved');
      if (firstAgentReply >= 0) expect(list.slice(0, firstAgentReply).some((e) => e.type === 'ticket.assigned')).toBe(true);
      if (resolution >= 0) {
        resolved++;
        expect(firstAgentReply).toBeGreaterThanOrEqual(0);
        expect(firstAgentReply).toBeLessThan(resolution);
        expect(list[resolution].agent).toEqual(expect.any(String));
      }
      const rating = list.find((e) => e.type === 'ticket.rated');
      if (rating) {
        rated++;
        expect(resolution).toBeGreaterThanOrEqual(0);
        expect(rating.score).toBeGreaterThanOrEqual(1);
        expect(rating.score).toBeLessThanOrEqual(5);
      }
    }
    expect(resolved / created.length).toBeGreaterThan(0.8);
    expect(rated / resolved).toBeGreaterThan(0.25);
    expect(rated / resolved).toBeLessThan(0.45);
    for (const type of ['ticket.escalated', 'ticket.reopened', 'ticket.customer_replied'] as const) {
      expect(events.some((e) => e.type === type)).toBe(true);
    }
    expect(events.some((e) => e.type === 'ticket.replied' && e.author === 'bot' && e.agent === undefined)).toBe(true);
  });

  it('rates fast first responses better than slow ones', () => {
    const fast: number[] = [];
    const slow: number[] = [];
    for (const list of byTicket.values()) {
      const rating = list.find((e) => e.type === 'ticket.rated');
      const reply = list.find((e) => e.type === 'ticket.replied' && e.author === 'agent');
      if (!rating || !reply || list[0].type !== 'ticket.created') continue;
      // Fast and slow for what the channel leads customers to expect: a minute on hold is long, on an email short.
      const waited = (atOf(reply) - atOf(list[0])) / 1000 / CHANNELS[list[0].channel as Channel].expect;
      if (waited <= 0.5) fast.push(rating.score as number);
      if (waited > 1) slow.push(rating.score as number);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(fast.length).toBeGreaterThan(50);
    expect(slow.length, `${fast.length} fast ${mean(fast)}, ${slow.length} slow ${mean(slow)}`).toBeGreaterThan(50);
    expect(mean(fast)).toBeGreaterThan(mean(slow) + 0.3);
  });

  it('keeps the wall\'s oldest wait within its target most of the day, as a well-run floor does', () => {
    // What the wall shows (SPEC.md backlog): the longest any open ticket has waited for an agent, from its creation
    // or from the customer's last message, every five minutes. Inbox replies drawn at random from assignment, hours
    // for an email, kept it past the red line (DEFAULT_KPI_TARGETS) all day.
    const waits: [number, number][] = [];
    for (const list of byTicket.values()) {
      if (list[0].type !== 'ticket.created') continue;
      let from: number | null = atOf(list[0]);
      let answered = false;
      for (const e of list) {
        const at = atOf(e);
        if (e.type === 'ticket.replied' && e.author !== 'bot') {
          if (from !== null) waits.push([from, at]);
          from = null;
          answered = true;
        } else if (e.type === 'ticket.customer_replied' && answered) from ??= at;
        else if (e.type === 'ticket.resolved' || e.type === 'ticket.abandoned') {
          if (from !== null) waits.push([from, at]);
          from = null;
        }
      }
      if (from !== null) waits.push([from, Infinity]);
    }
    const { warn, critical } = DEFAULT_KPI_TARGETS['backlog.oldestUnattendedSec'];
    let samples = 0;
    let overWarn = 0;
    let overCritical = 0;
    for (let t = MONDAY + 5 * MIN; t < MONDAY + 3 * DAY; t += 5 * MIN, samples++) {
      let oldest = 0;
      for (const [a, b] of waits) if (a <= t && b > t) oldest = Math.max(oldest, (t - a) / 1000);
      if (oldest > warn) overWarn++;
      if (oldest > critical) overCritical++;
    }
    expect(overWarn / samples, `amber or red ${overWarn} of ${samples} five-minute marks`).toBeLessThan(1 / 3);
    expect(overCritical / samples, `red ${overCritical} of ${samples}`).toBeLessThan(0.15);
  });

  it('schedules callbacks that are dialled in calling hours, completed or cancelled', () => {
    const zone = new Zone(TZ);
    const byCallback = new Map<string, RawEvent[]>();
    for (const e of events) {
      if (!e.type.startsWith('callback.')) continue;
      const list = byCallback.get(e.callback as string) ?? [];
      list.push(e);
      byCallback.set(e.callback as string, list);
    }
    const reasons = new Set<unknown>();
    let completed = 0;
    let late = 0;
    for (const list of byCallback.values()) {
      const scheduled = list.find((e) => e.type === 'callback.scheduled');
      expect(scheduled).toBeDefined();
      reasons.add(scheduled!.reason);
      const due = typeof scheduled!.due === 'number' ? scheduled!.due : Date.parse(scheduled!.due as string);
      expect(due - atOf(scheduled!)).toBeGreaterThanOrEqual(15 * MIN - MIN);
      // Within 4 hours, or, booked late in the day, the next morning; customers are rung 09:00–21:00 their time.
      expect(due - atOf(scheduled!)).toBeLessThanOrEqual(18 * 60 * MIN);
      expect(zone.hourOfDay(due)).toBeGreaterThanOrEqual(9);
      expect(zone.hourOfDay(due)).toBeLessThanOrEqual(21);
      for (const e of list) if (e.type === 'callback.attempted') expect(zone.hourOfDay(atOf(e)), e.callback as string).toBeGreaterThanOrEqual(9);
      for (const e of list) if (e.type === 'callback.attempted') expect(zone.hourOfDay(atOf(e)), e.callback as string).toBeLessThan(21);
      expect(typeof scheduled!.ticket).toBe('string');
      const done = list.find((e) => e.type === 'callback.completed');
      if (done) {
        completed++;
        if (atOf(done) > due) late++;
        expect(new Set(list.filter((e) => e.type === 'callback.attempted').map((e) => e.id)).size).toBeGreaterThanOrEqual(1);
      }
    }
    expect([...reasons].sort()).toEqual(['complaint_followup', 'customer_request', 'other', 'pre_approval', 'unconfirmed_payment']);
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(completed / 2);
    expect(events.some((e) => e.type === 'callback.cancelled')).toBe(true);
  });

  it('staffs 30–60 named agents in 3–5 teams who log in, take breaks and log off', () => {
    expect(ROSTER.length).toBeGreaterThanOrEqual(30);
    expect(ROSTER.length).toBeLessThanOrEqual(60);
    expect(TEAMS.length).toBeGreaterThanOrEqual(3);
    expect(TEAMS.length).toBeLessThanOrEqual(5);
    const statuses = events.filter((e) => e.type === 'agent.status');
    for (const e of statuses) expect(e).toMatchObject({ name: expect.any(String), team: expect.any(String) });
    expect(new Set(statuses.map((e) => e.status))).toEqual(new Set(['available', 'busy', 'away', 'offline']));
    expect(new Set(statuses.map((e) => e.agent)).size).toBeGreaterThan(ROSTER.length * 0.8);
  });

  it('sends no reply or resolution from an agent the wall shows away or logged off, dials out only when free, and staffs the evening peak like the morning one', () => {
    const status = new Map<string, string>();
    // In the order they happened; events of one instant in the order the centre made them (ids count up).
    const inTime = [...new Map(events.map((e) => [e.id, e])).values()].sort((a, b) => atOf(a) - atOf(b) || (a.id < b.id ? -1 : 1));
    let replies = 0;
    let dials = 0;
    for (const e of inTime) {
      const now = () => `${e.agent} ${e.type} at ${new Date(atOf(e)).toISOString()}`;
      if (e.type === 'agent.status') status.set(e.agent as string, e.status as string);
      if ((e.type === 'ticket.replied' && e.author !== 'bot') || (e.type === 'ticket.resolved' && e.agent !== undefined)) {
        replies++;
        expect(['available', 'busy'], now()).toContain(status.get(e.agent as string));
      }
      // Not on a call, away or gone home: a customer is not rung by someone already talking to another.
      if (e.type === 'callback.attempted') {
        dials++;
        expect(status.get(e.agent as string), now()).toBe('available');
      }
    }
    expect(replies).toBeGreaterThan(1000);
    expect(dials).toBeGreaterThan(100);
    // Agents logged in at 11:30 and at 20:30 local on the second day, the two busiest hours of arrivals.
    const zone = new Zone(TZ);
    const loggedInAt = (hour: number) => {
      const at = zone.atHour(MONDAY + DAY, hour);
      const latest = new Map<string, string>();
      for (const e of inTime) if (e.type === 'agent.status' && atOf(e) <= at) latest.set(e.agent as string, e.status as string);
      return [...latest.values()].filter((s) => s !== 'offline').length;
    };
    expect(loggedInAt(20.5)).toBeGreaterThanOrEqual(loggedInAt(11.5) * 0.75);
  });

  it('at ten times the demo\'s rate (named agents stand for pods), still answers calls and chats and gives every shift its breaks', () => {
    const day = run({ ...base, ticketsPerHour: 1200 }, DAY, MIN).map((d) => d.event);
    const unique = [...new Map(day.map((e) => [e.id, e])).values()];
    const live = new Set(unique.filter((e) => e.type === 'ticket.created' && (e.channel === 'phone' || e.channel === 'chat')).map((e) => e.ticket));
    const abandoned = unique.filter((e) => e.type === 'ticket.abandoned' && live.has(e.ticket)).length;
    expect(live.size).toBeGreaterThan(5000);
    // Busy pods once put off their breaks for ever, and the floor went unanswered (17 % of calls abandoned).
    expect(abandoned / live.size).toBeLessThan(0.08);
    // Each shift that began and ended within the day, from its agent's statuses: three breaks are planned.
    const statuses = unique.filter((e) => e.type === 'agent.status').sort((a, b) => atOf(a) - atOf(b) || (a.id < b.id ? -1 : 1));
    const shifts: number[] = [];
    const breaks = new Map<unknown, number>();
    for (const e of statuses) {
      const taken = breaks.get(e.agent);
      if (e.status === 'offline') {
        if (taken !== undefined) shifts.push(taken);
        breaks.delete(e.agent);
      } else if (taken !== undefined || atOf(e) > MONDAY) breaks.set(e.agent, (taken ?? 0) + (e.status === 'away' ? 1 : 0));
    }
    expect(shifts.length).toBeGreaterThan(20);
    expect(Math.min(...shifts)).toBeGreaterThanOrEqual(2);
  });

  it('credits a callback\'s scheduling only to an agent the wall shows at work then, not one gone home or on a break', () => {
    const status = new Map<string, string>();
    const inTime = [...new Map(events.map((e) => [e.id, e])).values()].sort((a, b) => atOf(a) - atOf(b) || (a.id < b.id ? -1 : 1));
    let credited = 0;
    const elsewhere: string[] = [];
    for (const e of inTime) {
      if (e.type === 'agent.status') status.set(e.agent as string, e.status as string);
      if (e.type !== 'callback.scheduled' || e.agent === undefined) continue;
      credited++;
      // A bad rating at 3 am was "scheduled" by the agent of the ticket, asleep at home, on the agents board.
      if (!['available', 'busy'].includes(status.get(e.agent as string) ?? 'offline')) elsewhere.push(`${e.agent} ${status.get(e.agent as string)} ${e.reason} at ${new Date(atOf(e)).toISOString()}`);
    }
    expect(credited).toBeGreaterThan(300);
    expect(elsewhere).toEqual([]);
  });

  it('has customers reopen and rate when they are awake: the small hours are quiet for those too, not only for new tickets', () => {
    const zone = new Zone(TZ);
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    const perHour = (pred: (e: RawEvent) => boolean, from: number, to: number) =>
      unique.filter((e) => pred(e) && zone.hourOfDay(atOf(e)) >= from && zone.hourOfDay(atOf(e)) < to).length / (to - from);
    const kinds: [string, (e: RawEvent) => boolean][] = [
      ['reopened', (e) => e.type === 'ticket.reopened'],
      ['rated', (e) => e.type === 'ticket.rated']
    ];
    for (const [kind, pred] of kinds) {
      const night = perHour(pred, 1, 6);
      const morning = perHour(pred, 9, 13);
      expect(morning, kind).toBeGreaterThan(5);
      // New tickets come at 1:00–6:00 at a tenth of the late morning's rate; reopenings came at three quarters of it.
      expect(night / morning, `${kind}: ${night.toFixed(1)} an hour at night, ${morning.toFixed(1)} in the morning`).toBeLessThan(0.25);
    }
  });

  it('staggers breaks on a rota: at night someone is always logged in and not on a break', () => {
    const zone = new Zone(TZ);
    const status = new Map<string, string>();
    const inTime = [...new Map(events.map((e) => [e.id, e])).values()].sort((a, b) => atOf(a) - atOf(b) || (a.id < b.id ? -1 : 1));
    // Every 5 minutes of the nights (00:00–06:00), how many of those logged in could take a call.
    let night = 0;
    let minWorking = Infinity;
    let i = 0;
    for (let t = MONDAY + DAY; t < MONDAY + 3 * DAY; t += 5 * MIN) {
      for (; i < inTime.length && atOf(inTime[i]) <= t; i++) if (inTime[i].type === 'agent.status') status.set(inTime[i].agent as string, inTime[i].status as string);
      if (zone.hourOfDay(t) >= 6) continue;
      night++;
      minWorking = Math.min(minWorking, [...status.values()].filter((s) => s === 'available' || s === 'busy').length);
    }
    expect(night).toBeGreaterThan(100);
    // Before the rota, lunches fell together and at times nobody at all was left to answer.
    expect(minWorking).toBeGreaterThanOrEqual(1);
  });

  it('keeps memory flat: pending work does not grow with the length of the run', () => {
    const sim = createSimulator(base);
    const sizes: number[] = [];
    for (let day = 1; day <= 21; day++) {
      sim.advance(MONDAY + day * DAY);
      if (day % 7 === 0) sizes.push(sim.pending);
    }
    expect(Math.max(...sizes)).toBeLessThan(2 * Math.min(...sizes));
  });
});

describe('generateHistory', () => {
  it('yields the same events as one simulator, in bounded chunks', () => {
    const chunks = [...generateHistory({ ...base, from: MONDAY, to: MONDAY + DAY / 2, chunkMs: 30 * MIN })];
    expect(chunks.length).toBeGreaterThan(10);
    const flat = chunks.flat();
    expect(JSON.stringify(flat)).toBe(JSON.stringify(run(base, DAY / 2, 5 * MIN).map((d) => d.event)));
  });
});
