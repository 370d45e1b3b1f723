// The top of every reports page's way back: All teams › a team › an agent, each a link to its report.
import { t } from '$lib/i18n';
import { teamLabel } from '$lib/teams/names.svelte';

export interface CrumbStep {
  label: string;
  href?: string;
  current?: boolean;
}

/**
 * The steps down to the report of `team` and `agent` (either may be absent), the team by its name in the page's
 * language (team-names), the agent as `agentLabel` shows them. `href` gives a step's address from its scope;
 * `markCurrent`: the page is that report, so its own step is marked current.
 */
export function reportSteps(
  scope: { team: string | null; agent: string | null },
  agentLabel: (agent: string) => string,
  href: (scope: Record<string, string | null>) => string,
  markCurrent = false
): CrumbStep[] {
  const { team, agent } = scope;
  return [
    { label: t('reports.allTeams'), href: href({}), current: markCurrent && !team && !agent },
    ...(team ? [{ label: t('reports.teamNamed', { team: teamLabel(team) }), href: href({ team }), current: markCurrent && !agent }] : []),
    ...(agent ? [{ label: agentLabel(agent), href: href({ team, agent }), current: markCurrent }] : [])
  ];
}
