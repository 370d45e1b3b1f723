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
  /** Saves and reads begun: a read begun before a save, or before another read, is not shown over its answer. */
  #saves = 0;
  #reads = 0;

  async load(): Promise<void> {
    const status = await adminStatus();
    if (status !== 200) return void (this.status = status);
    const [read, zone] = await Promise.all([readTeams(), kpiTimezone()]);
    this.timezone = zone;
    this.status = read.status;
    if (!read.ok) return;
    this.tags = read.tags;
    teamNames.show(read.teams);
    this.rows = read.teams.map((e) => ({ team: e.team, names: e.names, inputs: inputsOf(e.names) }));
  }

  /**
   * Reads the names again (the admin came back to the tab): another admin's saves are shown, and new teams listed. What
   * this admin typed and did not save stays, and a team whose name typed here they changed keeps its tag, so its save is
   * refused naming them rather than replacing a name this admin never saw. A read that fails keeps the names shown.
   */
  async refresh(): Promise<void> {
    if (this.status !== 200) return;
    const [saves, reads] = [this.#saves, ++this.#reads];
    const read = await readTeams();
    if (reads !== this.#reads || saves !== this.#saves) return;
    if (read.status === 401 || read.status === 403) return void (this.status = read.status);
    if (!read.ok) return;
    teamNames.show(read.teams);
    const shown = new Map(this.rows.map((row) => [row.team, row]));
    const listed = new Set(read.teams.map((e) => e.team));
    this.rows = [
      ...read.teams.map((e) => {
        const row = shown.get(e.team);
        if (!row) return { team: e.team, names: e.names, inputs: inputsOf(e.names) };
        const tag = read.tags.get(e.team);
        if (!showTheirs(row, e.names) && tag) this.tags.set(e.team, tag);
        return row;
      }),
      // A team no longer listed (its names cleared, no event naming it) whose names are being typed stays.
      ...this.rows.filter((row) => !listed.has(row.team) && this.changed(row))
    ];
  }

  /** Whether the row's inputs differ from its names in force. */
  changed(row: TeamRow): boolean {
    return LOCALES.some((l) => (row.inputs[l].trim() || null) !== row.names[l]);
  }

  async save(row: TeamRow): Promise<void> {
    this.busy = row.team;
    this.saved = null;
    this.#saves++;
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
        showTheirs(row, theirs.names);
        teamNames.show([{ team: row.team, names: theirs.names }], false);
        const said =
          theirs.savedBy !== null && theirs.savedAt !== null
            ? t(LOCALES.every((l) => theirs.names[l] === null) ? 'admin.teams.clearedMeanwhile' : 'admin.teams.savedMeanwhile', {
                who: theirs.savedBy,
                team: row.team,
                time: formatTimeOfDay(theirs.savedAt, this.timezone ?? undefined)
              })
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

/** GET /api/team-names: every team with its names, and each team's tag. */
async function readTeams(): Promise<{ ok: true; status: number; teams: TeamNamesEntry[]; tags: Map<string, string> } | { ok: false; status: number }> {
  const res = await fetch('/api/team-names', { cache: 'no-store' }).catch(() => null);
  const body = res?.ok ? ((await res.json().catch(() => null)) as { teams?: TeamNamesEntry[]; etags?: Record<string, string> } | null) : null;
  if (!res || !body?.teams) return { ok: false, status: res ? (res.ok ? 502 : res.status) : 0 };
  return { ok: true, status: 200, teams: body.teams, tags: new Map(Object.entries(body.etags ?? {})) };
}

/**
 * Shows `theirs` as the row's names in force, each input left alone showing theirs and each typed kept as typed.
 * True when they changed a name this admin typed over (one not seen here).
 */
function showTheirs(row: TeamRow, theirs: TeamNames): boolean {
  const typed = Object.fromEntries(LOCALES.map((l) => [l, (row.inputs[l].trim() || null) !== row.names[l]])) as Record<Locale, boolean>;
  const unseen = LOCALES.some((l) => typed[l] && theirs[l] !== row.names[l]);
  row.inputs = Object.fromEntries(LOCALES.map((l) => [l, typed[l] ? row.inputs[l] : (theirs[l] ?? '')])) as Record<Locale, string>;
  row.names = theirs;
  return unseen;
}

const inputsOf = (names: TeamNames): Record<Locale, string> => Object.fromEntries(LOCALES.map((l) => [l, names[l] ?? ''])) as Record<Locale, string>;
