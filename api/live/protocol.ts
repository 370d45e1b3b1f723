// The live protocol of SPEC.md ("Live: GET /api/live"), typed once for the hub and the dashboard.
import type { KpiTarget } from '../kpi/targets';
import type { TeamNames } from '../team-names/limits';
import type { AgentKpis, KpiFilters, Kpis } from '../kpi/types';

/** Today's curves for the wall charts, in 15-minute slots from local midnight (KPI_TIMEZONE). */
export interface TodaySeries {
  slotMs: number; // 900000
  from: string; // ISO start of today
  created: number[];
  resolved: number[];
  firstResponseP90Sec: (number | null)[];
  /** Open tickets through the day, ending with the backlog now: [epoch ms, open tickets] (api/live/state.ts says how each scope is read). */
  backlog: [number, number][];
}

export interface LiveWindows {
  today: Kpis;
  lastHour: Kpis;
}

export interface SnapshotMessage {
  type: 'snapshot';
  seq: number;
  at: string;
  timezone: string;
  filters: KpiFilters;
  windows: LiveWindows;
  agents: AgentKpis[];
  series: TodaySeries;
  /** Colour thresholds by KPI path (see api/kpi/targets.ts). */
  targets: Record<string, KpiTarget>;
  /** The names an admin gave the teams (PUT /api/team-names/:team): every team with a name, by language; a team not here has none. */
  teamNames: NamedTeam[];
}

export interface NamedTeam {
  team: string;
  names: TeamNames;
}

/**
 * Same shape as the snapshot: each update carries the whole (small) state, so a client that skipped some loses
 * nothing. But `teamNames`, which change once in weeks: an update carries them only to a client that has not had
 * them since they last changed (one that skipped that update has them in the next it is sent).
 */
export interface UpdateMessage extends Omit<SnapshotMessage, 'type' | 'teamNames'> {
  type: 'update';
  teamNames?: NamedTeam[];
}

export interface ErrorMessage {
  type: 'error';
  message: string;
  /** What was wrong with a subscribe message, field by field (as the 400s of the HTTP API). */
  errors?: { path: string; message: string }[];
}

export type ServerMessage = SnapshotMessage | UpdateMessage | ErrorMessage;

export interface SubscribeMessage {
  type: 'subscribe';
  filters: KpiFilters;
}

export type ClientMessage = SubscribeMessage;

/**
 * Close codes (the application's, 4000–4999) with which the hub ends a live connection, so that a browser, which
 * sees no HTTP status of a refused handshake, can say why: signed out or the token revoked; below the display
 * role; a session cookie sent from a page whose Origin is not the host the server was asked for (another site's
 * page, or this one behind a proxy that rewrites Host), accepted only to be told so.
 */
export const LIVE_CLOSE = { signedOut: 4401, forbidden: 4403, otherSite: 4409 } as const;
