// The names an admin gave the teams (GET /api/team-names), read once a page and shown wherever a team is: a team
// stays its code in addresses, filters, exports and requests, and is shown by its name in the page's language,
// or by its code where it has none there.
import type { TeamNamesEntry } from '../../../api/queries/getTeamNames';
import { getLocale, type Locale } from '../i18n';
import { onTabReturn } from '../tab-return';

export type { TeamNamesEntry };
export type TeamNames = TeamNamesEntry['names'];

/** How often a page in view reads the names again. */
const REREAD_MS = 60_000;

export class TeamNameBook {
  /** Each named team's names; a team not here has none. */
  names = $state.raw<ReadonlyMap<string, TeamNames>>(new Map());
  #reading: Promise<void> | null = null;
  /** Counts the names shown: a read answered after newer names came (the live feed's, an admin's save) is not shown. */
  #shown = 0;
  /** A read on its way: a return to the page asks for none beside it. */
  #rereading = false;

  /**
   * Reads the names once (the wall has them from its live feed, LiveFeed); a page that calls it again waits for the
   * same read.
   */
  load(): Promise<void> {
    return (this.#reading ??= this.refresh());
  }

  /**
   * Reads the names now, again whenever the page's tab or window comes back into view, and every minute while it is
   * in view, for a page with no live feed (a report left open shows a team an admin renamed meanwhile, in another tab
   * or on another screen, where it showed the old name until reloaded; one kept in view on a second screen is never
   * returned to); returns its own cleanup, for onMount.
   */
  listen(): () => void {
    void this.load();
    // Both fire on a return to the tab: one read for the two, and none beside one on its way.
    const reread = () => void (!this.#rereading && (this.#reading = this.refresh()));
    const stopReturns = onTabReturn(reread);
    // A hidden page reads nothing: its return reads them.
    const timer = setInterval(() => document.visibilityState === 'visible' && reread(), REREAD_MS);
    return () => {
      stopReturns();
      clearInterval(timer);
    };
  }

  /** Reads them again: after a read that failed, and on a return to the page. */
  private async refresh(): Promise<void> {
    const shown = this.#shown;
    this.#rereading = true;
    const res = await fetch('/api/team-names', { cache: 'no-store' }).catch(() => null);
    const body = res?.ok ? ((await res.json().catch(() => null)) as { teams?: TeamNamesEntry[] } | null) : null;
    this.#rereading = false;
    if (body?.teams) {
      if (this.#shown === shown) this.show(body.teams);
    }
    // A page left without names shows codes, as before any was set; the next load tries again.
    else this.#reading = null;
  }

  /** Takes `teams` as the names in force (an admin's save answers with one team's: `replace` false keeps the rest). */
  show(teams: readonly TeamNamesEntry[], replace = true): void {
    this.#shown++;
    const next = new Map(replace ? [] : this.names);
    for (const { team, names } of teams) {
      if (Object.values(names).some((n) => n !== null)) next.set(team, names);
      else next.delete(team);
    }
    this.names = next;
  }

  /** `team`'s name in `locale` (the page's), or null where it has none. */
  nameOf(team: string, locale: Locale = getLocale()): string | null {
    return this.names.get(team)?.[locale] ?? null;
  }

  /** How a screen shows `team`: its name in the page's language, else its code. */
  label(team: string): string {
    return this.nameOf(team) ?? team;
  }
}

/** The page's one book of team names. */
export const teamNames = new TeamNameBook();

/** How a screen shows `team`: its name in the page's language, else its code. */
export const teamLabel = (team: string): string => teamNames.label(team);
