// The admin's view of the teams' names: GET /api/team-names to list every team, PUT /api/team-names/:team to name
// one. A save updates the page's book of names (teams/names.svelte.ts), so every team shown after it has its name.
import { formatTimeOfDay, LOCALES, t, type Locale } from '../i18n';
import { kpiTimezone } from '../live/timezone';
import { teamNames, type TeamNames, type TeamNamesEntry } from '../teams/names.svelte';
import { adminStatus, etagOf, faultsOf, ifMatch, sendJson, type Faults } from './request';

/** One team's row: its names in force, and the inputs as typed. */
export interface TeamRow {
  team: string;
  names: TeamNames;
  inputs: Record<Locale, string>;
}

export class TeamsEditor {
  rows = $state<TeamRow[]>([]);
  /** What went wrong, by team: `team.en`, `team.zh-CN` for a name, `team` for the row's save. */
  faults = $state<Faults>({});
  /** null: loading; else the answer's status (200, or 401/403 for a page the signed-in person may not see). */
  status = $state<number | null>(null);
  /** The team being saved, and the last one saved. */
  busy = $state<string | null>(null);
  saved = $state<string | null>(null);
  /** A name typed differs from the one in force: not saved yet. */
  dirty = $derived(this.rows.some((row) => this.changed(row)));
  /**
   * Each team's ETag, of the names shown, sent back as If-Match: a save over names another admin saved since this
   * page showed them is refused, not made over theirs.
   */
  private tags = new Map<string, string>();
  /** The zone the centre's times are in (KPI_TIMEZONE), for when another admin saved; null: the browser's own. */
  private timezone: string | null = null;

  async load(): Promise<void> {
    const status = await adminStatus();
    if (status !== 200) return void (this.status = status);
    const [res, zone] = await Promise.all([fetch('/api/team-names', { cache: 'no-store' }).catch(() => null), kpiTimezone()]);
    this.timezone = zone;
    this.status = res?.status ?? 0;
    if (!res?.ok) return;
    const { teams, etags } = (await res.json()) as { teams: TeamNamesEntry[]; etags?: Record<string, string> };
    this.tags = new Map(Object.entries(etags ?? {}));
    teamNames.show(teams);
    this.rows = teams.map((e) => ({ team: e.team, names: e.names, inputs: inputsOf(e.names) }));
  }

  /** Whether the row's inputs differ from its names in force. */
  changed(row: TeamRow): boolean {
    return LOCALES.some((l) => (row.inputs[l].trim() || null) !== row.names[l]);
  }

  async save(row: TeamRow): Promise<void> {
    this.busy = row.team;
    this.saved = null;
    // An empty input is no name: the team is shown by its code in that language.
    const names = Object.fromEntries(LOCALES.map((l) => [l, row.inputs[l].trim() || null]));
    try {
      const words = { noAnswer: 'teams.noAnswer', signedOut: 'teams.signedOut', busy: 'admin.busy' } as const;
      const sent = await sendJson(`/api/team-names/${encodeURIComponent(row.team)}`, 'PUT', { names }, words, ifMatch(this.tags.get(row.team) ?? null));
      const tag = etagOf(sent);
      if (tag) this.tags.set(row.team, tag);
      const faults = Object.fromEntries(Object.entries(this.faults).filter(([k]) => k !== row.team && !k.startsWith(`${row.team}.`)));
      if (sent.ok) {
        const entry = sent.answer as TeamNamesEntry;
        row.names = entry.names;
        row.inputs = inputsOf(entry.names);
        teamNames.show([entry], false);
        this.faults = faults;
        this.saved = row.team;
      } else if (sent.status === 412 && (sent.answer as { names?: unknown } | null)?.names) {
        // Another admin saved this team's names since the page showed them: theirs are shown, with what was typed kept.
        const theirs = sent.answer as { names: TeamNames; savedBy: string | null; savedAt: number | null };
        const typed = Object.fromEntries(LOCALES.map((l) => [l, (row.inputs[l].trim() || null) !== row.names[l]])) as Record<Locale, boolean>;
        row.inputs = Object.fromEntries(LOCALES.map((l) => [l, typed[l] ? row.inputs[l] : (theirs.names[l] ?? '')])) as Record<Locale, string>;
        row.names = theirs.names;
        teamNames.show([{ team: row.team, names: theirs.names }], false);
        const said =
          theirs.savedBy !== null && theirs.savedAt !== null
            ? t('admin.teams.savedMeanwhile', { who: theirs.savedBy, team: row.team, time: formatTimeOfDay(theirs.savedAt, this.timezone ?? undefined) })
            : t('admin.teams.changedMeanwhile', { team: row.team });
        this.faults = { ...faults, [row.team]: said };
      } else {
        const byField = faultsOf(sent, (e) => [e.path.startsWith('names.') ? `${row.team}.${e.path.slice(6)}` : row.team, e.message], row.team);
        this.faults = { ...faults, ...byField };
      }
    } finally {
      this.busy = null;
    }
  }
}

const inputsOf = (names: TeamNames): Record<Locale, string> => Object.fromEntries(LOCALES.map((l) => [l, names[l] ?? ''])) as Record<Locale, string>;
