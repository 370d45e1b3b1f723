// Response shapes fixed by SPEC.md ("KPIs over a window"). Shared by the API, the live hub and the dashboard.

export interface KpiFilters {
  team?: string;
  channel?: string;
  priority?: string;
  category?: string;
  agent?: string;
}

/** The filters that narrow an agent's facts in GET /api/agents: those beside team and agent. */
export type AgentFilters = Pick<KpiFilters, 'channel' | 'priority' | 'category'>;

export interface DurationStats {
  count: number;
  avgSec: number | null;
  p50Sec: number | null;
  p90Sec: number | null;
}

export interface Kpis {
  from: string;
  to: string;
  tickets: { created: number; resolved: number; reopened: number; escalated: number; abandoned: number };
  firstResponse: DurationStats & { withinTarget: number; breached: number };
  resolution: DurationStats;
  csat: { responses: number; positive: number; pct: number | null; avg: number | null };
  callbacks: { scheduled: number; attempts: number; connected: number; completed: number; completedOnTime: number; confirmed: number };
  backlog: {
    open: number;
    unassigned: number;
    unattended: number;
    oldestUnattendedSec: number | null;
    callbacksPending: number;
    callbacksOverdue: number;
  };
}

export interface AgentKpis {
  agent: string;
  name: string | null;
  team: string | null;
  status: string | null;
  statusSince: string | null;
  open: number;
  firstResponse: Kpis['firstResponse'];
  resolution: Kpis['resolution'];
  csat: Kpis['csat'];
  callbacks: Kpis['callbacks'];
}
