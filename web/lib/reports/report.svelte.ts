// A manager's report over a range of the centre's days: every team and the whole centre from GET /api/kpis, one
// team's agents from GET /api/agents, one agent's figures; coloured by the admin's targets (GET /api/targets).
import type { AgentKpis, Kpis } from '../../../api/kpi/types';
import type { KpiTarget } from '../../../api/kpi/targets';
import { getJson, readerStatus } from './drill.svelte';
import { previousRange, presetOf, rangeOf, type DateRange } from './range';
import { word, type RowFilters } from './columns';
import { categoryWord, reportHref } from './words';

export interface TeamReport {
  /** null: all teams. */
  team: string | null;
  kpis: Kpis;
}

export interface ChannelReport {
  channel: string;
  kpis: Kpis;
}

/** What every figure of a report is narrowed to (SPEC's filters beside team and agent); null: any. */
export interface ReportFilters {
  channel: string | null;
  priority: string | null;
  category: string | null;
}
export const FILTER_NAMES = ['channel', 'priority', 'category'] as const;

export interface Selection extends DateRange, ReportFilters {
  team: string | null;
  agent: string | null;
}

/** The filters of a selection that are set (none: an empty object). */
export function filtersOf(sel: ReportFilters): Partial<ReportFilters> {
  return Object.fromEntries(FILTER_NAMES.filter((k) => sel[k]).map((k) => [k, sel[k]]));
}

/** The seen values of GET /api/seen: what a range's facts can be split and filtered by. */
export interface Seen {
  teams: string[];
  channels: string[];
  categories: string[];
}

/** 200, or what the page explains: 401 (sign in), 403 (below manager), 400 (the address's range), 0 (no answer), a 5xx. */
export type ReportStatus = number;

/** The API's address for `path` with the range and the filters given (a filter left null is left out). */
export function apiUrl(path: string, range: DateRange, filters: Record<string, string | null | undefined> = {}): string {
  const params = new URLSearchParams({ from: range.from, to: range.to });
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
  return `${path}?${params}`;
}

/** Whether nothing at all happened in the range: no ticket or callback fact counted for the whole centre. */
export function isEmpty(k: Kpis): boolean {
  return (
    k.tickets.created + k.tickets.resolved + k.tickets.abandoned + k.tickets.reopened + k.tickets.escalated + k.firstResponse.count + k.csat.responses +
      k.callbacks.scheduled + k.callbacks.attempts + k.callbacks.completed ===
    0
  );
}

/**
 * Where the chosen agent is when the report's agents have them not (a link kept from before they moved, an address
 * typed): listed by GET /api/agents under another team now (or under none), or named by no event at all.
 */
export type Whereabouts = 'elsewhere' | 'unknown';

interface Loaded {
  seen: Seen;
  targets: Record<string, KpiTarget>;
  centre: Kpis;
  teams: TeamReport[];
  channels: ChannelReport[];
  agents: AgentKpis[];
  agentKpis: Kpis | null;
  teamKpis: Kpis | null;
  chosen: AgentKpis | null;
  whereabouts: Whereabouts | null;
}
type Read = { status: number; fault?: string } & Partial<Loaded>;

/**
 * The period just before a report's range (compare.ts), and the figures over it: the chosen agent's, the chosen team's,
 * or every team's and the centre's; with the agents' table shown, its agents' by id (one not there has no row then).
 */
export interface Previous {
  range: DateRange;
  now: number;
  timeZone: string | null;
  agentKpis: Kpis | null;
  centre: Kpis | null;
  teams: Record<string, Kpis>;
  teamKpis: Kpis | null;
  agents: Record<string, AgentKpis>;
}

export class Report {
  status = $state<ReportStatus | null>(null);
  /** The server's words for a 400 (the address's range or names it cannot read). */
  fault = $state('');
  targets = $state.raw<Record<string, KpiTarget>>({});
  /** The teams, channels and categories with facts in the range, unfiltered. */
  seen = $state.raw<Seen>({ teams: [], channels: [], categories: [] });
  centre = $state.raw<Kpis | null>(null);
  teams = $state.raw<TeamReport[]>([]);
  /** With no team or agent chosen: each channel with facts in the range (the one chosen, with a channel filter). */
  channels = $state.raw<ChannelReport[]>([]);
  /** The chosen team's agents (or, with no team chosen but an agent, every agent), with figures under the filters. */
  agents = $state.raw<AgentKpis[]>([]);
  /** The chosen agent's figures. */
  agentKpis = $state.raw<Kpis | null>(null);
  /** The chosen agent as GET /api/agents lists them (their name, team and status now): among `agents`, or found elsewhere. */
  chosen = $state.raw<AgentKpis | null>(null);
  /** Where the chosen agent is, when the agents read have them not; null when they are there, or none is chosen. */
  whereabouts = $state.raw<Whereabouts | null>(null);
  /** The chosen team's figures, with a team but no agent chosen. */
  teamKpis = $state.raw<Kpis | null>(null);
  /** The same figures over the period just before, read once these are shown (null until then, or if it could not be read). */
  previous = $state.raw<Previous | null>(null);
  private loads = 0;

  /** `timeZone`: the centre's, which says whether the range is today (then the period before ends at this time of day). */
  async load(sel: Selection, timeZone: string | null = null): Promise<void> {
    const mine = ++this.loads;
    this.status = null;
    this.previous = null;
    const result = await this.read(sel);
    // A later selection (back, forward, another click) answered after this one wins.
    if (mine !== this.loads) return;
    this.fault = result.fault ?? '';
    if (result.status === 200) {
      this.seen = result.seen!;
      this.targets = result.targets!;
      this.centre = result.centre!;
      this.teams = result.teams!;
      this.channels = result.channels!;
      this.agents = result.agents!;
      this.agentKpis = result.agentKpis!;
      this.teamKpis = result.teamKpis!;
      this.chosen = result.chosen!;
      this.whereabouts = result.whereabouts!;
    }
    this.status = result.status;
    if (result.status === 200) void this.loadPrevious(sel, timeZone, mine);
  }

  /** The period before's figures, after the range's are shown: the comparison never holds them back. */
  private async loadPrevious(sel: Selection, timeZone: string | null, mine: number): Promise<void> {
    const now = Date.now();
    const before = previousRange(sel, now, timeZone);
    const filters = filtersOf(sel);
    // The scope first, then the filters: each address as the range's own figures were read by.
    const read = (more: Record<string, string | null>) => getJson<Kpis>(apiUrl('/api/kpis', before, { ...more, ...filters }));
    // One agent's or one team's tiles, or (neither chosen) every team's row and the centre's.
    const scoped = !!(sel.agent || sel.team);
    const teams = scoped ? [] : this.teams.map((r) => r.team!);
    const [agents, chosen, centre, ...byTeam] = await Promise.all([
      // The agents' table (shown with a team or an agent chosen): every row's figures then, in one request as read() does.
      scoped ? getJson<{ agents: AgentKpis[] }>(apiUrl('/api/agents', before, { team: sel.team, ...filters })) : null,
      scoped ? read({ team: sel.team, agent: sel.agent }) : null,
      scoped ? null : read({}),
      ...teams.map((team) => read({ team }))
    ]);
    if (mine !== this.loads || [agents, chosen, centre, ...byTeam].some((r) => r && r.status !== 200)) return;
    this.previous = {
      range: { from: sel.from, to: sel.to },
      now,
      timeZone,
      agentKpis: sel.agent ? (chosen?.body ?? null) : null,
      centre: centre?.body ?? null,
      teams: Object.fromEntries(teams.map((team, i) => [team, byTeam[i]!.body!])),
      teamKpis: sel.agent ? null : (chosen?.body ?? null),
      agents: Object.fromEntries((agents?.body!.agents ?? []).map((a) => [a.agent, a]))
    };
  }

  private async read(sel: Selection): Promise<Read> {
    const allowed = await readerStatus();
    if (allowed !== 200) return { status: allowed };
    const range = { from: sel.from, to: sel.to };
    const filters = filtersOf(sel);
    // The teams' and channels' tables show with neither a team nor an agent chosen: only then are they read.
    const overview = !sel.team && !sel.agent;
    const [targets, everyone, centre, seen] = await Promise.all([
      getJson<{ targets: Record<string, KpiTarget> }>('/api/targets'),
      // Every agent, unfiltered: the teams they are on, and the agents listed with no team and no filter.
      sel.team ? Promise.resolve(null) : getJson<{ agents: AgentKpis[] }>(apiUrl('/api/agents', range)),
      getJson<Kpis>(apiUrl('/api/kpis', range, filters)),
      getJson<Seen>(apiUrl('/api/seen', range))
    ]);
    const failed = [targets, everyone, centre, seen].find((r) => r !== null && r.status !== 200);
    if (failed) return failed;
    // Every team seen in the range (a team only tickets name has no agent) and every agent's team (one on shift today).
    const agentTeams = (everyone?.body!.agents ?? []).map((a) => a.team).filter((t): t is string => !!t);
    const wanted = overview ? [...new Set([...agentTeams, ...seen.body!.teams])].sort() : [];
    const byChannel = !overview ? [] : sel.channel ? [sel.channel] : seen.body!.channels;
    const filtered = Object.keys(filters).length > 0;
    const [teams, channels, agents, agentKpis, teamKpis] = await Promise.all([
      Promise.all(wanted.map(async (team) => ({ team, answer: await getJson<Kpis>(apiUrl('/api/kpis', range, { team, ...filters })) }))),
      Promise.all(byChannel.map(async (channel) => ({ channel, answer: await getJson<Kpis>(apiUrl('/api/kpis', range, { ...filters, channel })) }))),
      // Narrowed, every agent's figures (and open tickets) under the filters, in one request (one scan of the range).
      everyone === null || filtered ? getJson<{ agents: AgentKpis[] }>(apiUrl('/api/agents', range, { team: sel.team, ...filters })) : Promise.resolve(everyone),
      sel.agent ? getJson<Kpis>(apiUrl('/api/kpis', range, { team: sel.team, agent: sel.agent, ...filters })) : Promise.resolve(null),
      // The team's own figures, for its tiles (the centre's, read above, are the whole centre's).
      sel.team && !sel.agent ? getJson<Kpis>(apiUrl('/api/kpis', range, { team: sel.team, ...filters })) : Promise.resolve(null)
    ]);
    const refused = [...teams.map((t) => t.answer), ...channels.map((c) => c.answer), agents, agentKpis, teamKpis].find((r) => r !== null && r.status !== 200);
    if (refused) return refused;
    // Those who worked in the range (for the team, with one chosen; under the filters, with any set), the chosen
    // agent, and with no filter those on shift now: a shift says nothing of a channel, and would list a row of noughts.
    const onShift = (a: AgentKpis) => !filtered && a.status !== null && a.status !== 'offline' && (!sel.team || a.team === sel.team);
    const shown = agents.body!.agents.filter((a) => worked(a) || a.agent === sel.agent || onShift(a));
    let chosen = sel.agent ? (agents.body!.agents.find((a) => a.agent === sel.agent) ?? null) : null;
    // The chosen agent not among them: every agent, read once more only under a team (without one, `everyone` is all).
    let whereabouts: Whereabouts | null = null;
    if (sel.agent && !chosen) {
      const all = everyone ?? (await getJson<{ agents: AgentKpis[] }>(apiUrl('/api/agents', range)));
      if (all.status !== 200) return all;
      chosen = all.body!.agents.find((a) => a.agent === sel.agent) ?? null;
      whereabouts = chosen ? 'elsewhere' : 'unknown';
    }
    return {
      status: 200,
      seen: seen.body!,
      targets: targets.body!.targets,
      centre: centre.body!,
      teams: teams.map((t) => ({ team: t.team, kpis: t.answer.body! })),
      channels: channels.map((c) => ({ channel: c.channel, kpis: c.answer.body! })),
      agents: shown,
      agentKpis: agentKpis?.body ?? null,
      teamKpis: teamKpis?.body ?? null,
      chosen,
      whereabouts
    };
  }
}

/** Whether an agent has any figure in the range (or open tickets now). */
export function worked(a: AgentKpis): boolean {
  return a.open + a.firstResponse.count + a.resolution.count + a.csat.responses + a.callbacks.scheduled + a.callbacks.attempts + a.callbacks.completed > 0;
}

/**
 * What the page's address asks for (the range, a team or an agent, the filters) and the links that keep it: every
 * figure and drill link is narrowed by these, and the address keeps them, so back, forward and a shared link do too.
 */
export class ReportAddress {
  /** The centre's zone (KPI_TIMEZONE), once the live feed has said it; undefined while asking, null if it did not. */
  timezone = $state<string | null | undefined>(undefined);
  readonly params = $derived.by(() => this.url().searchParams);
  readonly lang = $derived(this.params.get('lang'));
  readonly team = $derived(this.params.get('team') || null);
  readonly agent = $derived(this.params.get('agent') || null);
  readonly channel = $derived(this.params.get('channel') || null);
  readonly priority = $derived(this.params.get('priority') || null);
  readonly category = $derived(this.params.get('category') || null);
  readonly filters = $derived<Partial<ReportFilters>>(filtersOf({ channel: this.channel, priority: this.priority, category: this.category }));
  readonly filtered = $derived(Object.keys(this.filters).length > 0);
  // Without days in the address, today in the centre's calendar (the browser's, if the server did not say its zone).
  readonly range = $derived(
    this.timezone === undefined && !(this.params.get('from') && this.params.get('to')) ? null : rangeOf(this.params.get('from'), this.params.get('to'), Date.now(), this.timezone ?? null)
  );
  readonly chosenPreset = $derived(this.range ? presetOf(this.range, Date.now(), this.timezone ?? null) : null);
  // The days alone, not the range object: the zone's arrival makes a new one of the same days, which must neither load
  // the report again nor put the days back into the custom range's inputs while a manager types in them.
  readonly fromDay = $derived(this.range?.from);
  readonly toDay = $derived(this.range?.to);
  /** The filters set, in words: "Chat · Urgent · refund". */
  readonly filterWords = $derived(
    [this.channel && word('channel', this.channel), this.priority && word('priority', this.priority), this.category && categoryWord(this.category)].filter(Boolean).join(' · ')
  );
  readonly noFilters = $derived(this.href({ team: this.team, agent: this.agent, channel: null, priority: null, category: null }));
  // A filtered table's file says its filters ("-chat-urgent"), or two exports of one range read as the same figures.
  readonly filterTail = $derived(
    [this.channel, this.priority, this.category]
      .filter(Boolean)
      .map((v) => `-${v!.replace(/[^\p{L}\p{N}_]+/gu, '_')}`)
      .join('')
  );

  /** The page's address, read anew at each navigation. */
  private readonly url: () => URL;

  constructor(url: () => URL) {
    this.url = url;
  }

  /** The selection the report loads, once there is a range. */
  get selection(): Selection | null {
    if (!this.fromDay || !this.toDay) return null;
    return { from: this.fromDay, to: this.toDay, team: this.team, agent: this.agent, channel: this.channel, priority: this.priority, category: this.category };
  }

  /** This page's address with the range and the filters, and `more` over them. */
  href(more: Record<string, string | null>): string {
    return reportHref('/reports', { from: this.range?.from, to: this.range?.to, ...this.filters, ...more }, this.lang);
  }

  /** The tickets behind a count of a row (a team, an agent, a channel), under the range and the filters. */
  drill(measure: string, row: RowFilters): string {
    return reportHref('/reports/tickets', { measure, from: this.range?.from, to: this.range?.to, ...this.filters, ...row }, this.lang);
  }
}
