// The wall's one live connection: the latest state from /api/live, whether it is still fresh, and the
// reconnect loop. Pages read the fields; `listen()` runs the socket and hands back its own cleanup.
import type { KpiFilters } from '../../../api/kpi/types';
import { DEFAULT_KPI_TARGETS } from '../../../api/kpi/targets';
import { LIVE_CLOSE, type ClientMessage, type ServerMessage, type SnapshotMessage, type UpdateMessage } from '../../../api/live/protocol';
import { agentsByStatus, kpiValues } from '../kpi/values';
import { teamNames } from '../teams/names.svelte';

export type LiveMessage = SnapshotMessage | UpdateMessage;
/** Why the server cannot be reached for now, for a reason someone must put right (LiveFeed.refusal). */
export type Refusal = 'otherSite' | 'full' | 'noUpgrade';

/** The server sends something at least every 5 s; browsers cannot see its protocol pings. */
export const STALE_AFTER_MS = 12_000;
const BACKOFF_START_MS = 500;
const BACKOFF_CAP_MS = 10_000;
/** How long the check of why handshakes fail may take before it is given up, and made again at the next failure. */
const PROBE_TIMEOUT_MS = 10_000;
/** Close codes a server may use to refuse a socket after the upgrade. */
const REFUSED_CODES = new Set<number>([1008, LIVE_CLOSE.signedOut, LIVE_CLOSE.forbidden]);

export interface LiveFeedOptions {
  filters?: KpiFilters;
  token?: string | null;
  /** Full WebSocket URL, for tests; by default /api/live on this page's host. */
  url?: string;
}

/**
 * A clock for ages and silences, in ms from its start. It runs with performance.now(), which a browser clock set back
 * or forward (a TV's wrong clock put right) does not move, but takes the browser clock's step when that is over a
 * second longer, as after the machine slept, through which performance.now() stands still. It never runs back, and
 * errs on the old side.
 */
function elapsedClock(): () => number {
  let perf = performance.now();
  let date = Date.now();
  let total = 0;
  return () => {
    const p = performance.now();
    const d = Date.now();
    total += d - date > p - perf + 1000 ? d - date : p - perf;
    [perf, date] = [p, d];
    return total;
  };
}

export class LiveFeed {
  #elapsed = elapsedClock();
  /** The last accepted snapshot or update. It stays on screen while the feed is stale. */
  message = $state.raw<LiveMessage | null>(null);
  /** When `message` arrived, on the clock of `now`. */
  lastMessageAt = $state<number | null>(null);
  /** The socket is open and has delivered data within STALE_AFTER_MS. */
  fresh = $state(false);
  unauthorised = $state(false);
  /** Refused for its role, its credentials good (403): an ingest token, which posts events only, given to a wall. */
  forbidden = $state(false);
  /** The server ended the feed (4401) for credentials it took before: signed out, the session over, the token deleted. */
  ended = $state(false);
  /**
   * Why the server refuses this wall's connections for now, while it keeps trying: its page is taken for another
   * site's (a proxy that rewrites Host, which an operator must set right); all its live connections are in use
   * (LIVE_MAX_CLIENTS); or its handshakes never arrive as such (a proxy that does not pass WebSockets on).
   */
  refusal = $state<Refusal | null>(null);
  /**
   * What the server said went wrong, sorted for the wall to say in its own language: the address's filters refused
   * (a ?team= too long, or holding control characters), or anything else (the figures could not be computed).
   * `said` is the server's own words, in English.
   */
  serverError = $state<{ kind: 'address' | 'failed'; said: string } | null>(null);
  /** Ms on an elapsedClock(), ticking once a second while listening: ages and silences are measured on it. */
  now = $state(this.#elapsed());

  stale = $derived(this.message !== null && !this.fresh);
  asOf = $derived(this.message ? new Date(this.message.at) : null);
  today = $derived(this.message ? kpiValues(this.message.windows.today) : null);
  lastHour = $derived(this.message ? kpiValues(this.message.windows.lastHour) : null);
  agents = $derived(this.message?.agents ?? []);
  agentCounts = $derived(agentsByStatus(this.agents, this.#wanted.team));
  targets = $derived(this.message?.targets ?? DEFAULT_KPI_TARGETS);
  /** Nothing to show in this scope: no ticket, callback or agent today, none open. A new database, or a team that has none (a misspelt ?team=). */
  nothingYet = $derived(
    this.today !== null &&
      this.agents.length === 0 &&
      this.today['tickets.created'] === 0 &&
      this.today['backlog.open'] === 0 &&
      this.today['backlog.callbacksPending'] === 0 &&
      this.today['callbacks.scheduled'] === 0
  );

  /**
   * The instant the figures on screen describe, on the server's clock: the last message's `at`, moved on by the time
   * since it came while fresh, frozen once stale. Never the browser's own clock, which on a TV may be minutes off
   * (that, with no figures yet).
   */
  clock = $derived(
    this.message
      ? Date.parse(this.message.at) + (this.fresh && this.lastMessageAt !== null ? Math.max(0, this.now - this.lastMessageAt) : 0)
      : Date.now()
  );
  /** Whole seconds since the last message came, while stale: how old the figures on screen are. */
  staleForSec = $derived(this.stale && this.lastMessageAt !== null ? Math.max(0, Math.floor((this.now - this.lastMessageAt) / 1000)) : null);
  /** Whole seconds since the message's `at`, for figures that count up between messages (the oldest wait). */
  secondsSinceAt = $derived(this.message ? Math.max(0, Math.floor((this.clock - Date.parse(this.message.at)) / 1000)) : 0);

  #options: LiveFeedOptions;
  #ws: WebSocket | null = null;
  #listening = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  /** Sockets in a row that ended before delivering any data. */
  #failures = 0;
  #gotData = false;
  #opened = false;
  #seq = -1;
  /** `now` at the last sign of life: a message, or the start of the current attempt. */
  #lastSign = 0;
  #probing = false;
  /** Checks in a row that found the server serving this wall, handshakes failing all the same. */
  #upgradesLost = 0;

  constructor(options: LiveFeedOptions = {}) {
    this.#options = options;
  }

  listen(): () => void {
    this.#listening = true;
    this.#connect();
    const tick = setInterval(() => this.#tick(), 1000);
    const online = () => this.#reconnectNow();
    window.addEventListener('online', online);
    return () => {
      this.#listening = false;
      clearInterval(tick);
      clearTimeout(this.#retry);
      window.removeEventListener('online', online);
      this.#drop(1000);
      this.fresh = false;
    };
  }

  get #wanted(): KpiFilters {
    return Object.fromEntries(Object.entries(this.#options.filters ?? {}).filter(([, v]) => v)) as KpiFilters;
  }

  #url(scheme: 'ws' | 'http'): string {
    if (this.#options.url) return this.#options.url;
    const secure = location.protocol === 'https:';
    const token = this.#options.token ? `?token=${encodeURIComponent(this.#options.token)}` : '';
    return `${scheme}${secure ? 's' : ''}://${location.host}/api/live${token}`;
  }

  #connect(): void {
    this.#retry = undefined;
    this.#lastSign = this.#elapsed();
    this.#gotData = false;
    this.#opened = false;
    this.#seq = -1;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#url('ws'));
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      this.#opened = true;
      const filters = this.#wanted;
      if (Object.keys(filters).length) ws.send(JSON.stringify({ type: 'subscribe', filters } satisfies ClientMessage));
    };
    ws.onmessage = (event) => this.#receive(event.data);
    ws.onclose = (event) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#ended(event.code);
    };
  }

  #receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    this.#lastSign = this.#elapsed();
    if (msg.type === 'error') {
      this.serverError = { kind: msg.errors?.some((e) => e.path.startsWith('filters')) ? 'address' : 'failed', said: msg.message };
      return;
    }
    if (msg.type !== 'snapshot' && msg.type !== 'update') return;
    // The names come in every snapshot, and in an update only once an admin has changed them; they are the same
    // whatever the filters. The page's one book of names takes them, and every screen showing a team shows the new name.
    if (msg.teamNames) teamNames.show(msg.teamNames);
    // Until the server has applied our subscription it may still send the unscoped floor; never show that as the team's.
    if (!sameFilters(msg.filters, this.#wanted)) return;
    if (msg.type === 'update' && msg.seq <= this.#seq) return;
    this.#seq = msg.seq;
    this.#gotData = true;
    this.#attempt = 0;
    this.#failures = 0;
    this.unauthorised = false;
    this.forbidden = false;
    this.ended = false;
    this.refusal = null;
    this.#upgradesLost = 0;
    this.serverError = null;
    // Every update carries the whole state, but the today-series (the charts) changes only every few seconds and
    // the targets hardly ever: keep the objects on screen while their content is the same, so what derives from
    // them (charts above all) is not rebuilt and redrawn ten times a second for the same figures.
    const previous = this.message;
    if (previous) {
      if (sameJson(previous.series, msg.series)) msg.series = previous.series;
      if (sameJson(previous.targets, msg.targets)) msg.targets = previous.targets;
    }
    this.now = this.#elapsed();
    this.lastMessageAt = this.now;
    this.message = msg;
    this.fresh = true;
  }

  #tick(): void {
    this.now = this.#elapsed();
    if (this.#ws && this.now - this.#lastSign > STALE_AFTER_MS) {
      this.#drop(4000);
      this.#ended(null);
    }
  }

  #ended(code: number | null): void {
    this.fresh = false;
    // A wall showing figures is refused too: the server ends its feed (4401) once its token is deleted or its
    // session ends, and a restarted server refuses its handshakes; its banner must say so, not only "reconnecting".
    if (code !== null && REFUSED_CODES.has(code))
      [this.unauthorised, this.forbidden, this.ended, this.refusal] = [true, code === LIVE_CLOSE.forbidden, code === LIVE_CLOSE.signedOut, null];
    else if (code === LIVE_CLOSE.otherSite) [this.unauthorised, this.refusal] = [false, 'otherSite'];
    else if (!this.#gotData) {
      this.#failures++;
      if (!this.#opened && this.#failures >= 2) void this.#probe();
    }
    this.#scheduleReconnect();
  }

  // A refused WebSocket handshake looks the same as a dead server from the browser; a plain GET tells them apart.
  // Our server answers it 401 or 403 when the token is refused, 503 naming LIVE_MAX_CLIENTS when no connection is
  // free, and 426 when a handshake would be taken: twice in a row (not a server that came back between the two), a
  // proxy between is passing handshakes on as plain GETs. A network error or another 5xx (a server stopping) says
  // nothing new: "Connecting…", and keep trying.
  async #probe(): Promise<void> {
    if (this.#probing) return;
    this.#probing = true;
    // A check held unanswered (a proxy that queues it) was the last made: the wall said "Connecting…" for as long.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), PROBE_TIMEOUT_MS);
    try {
      const res = await fetch(this.#url('http'), { cache: 'no-store', signal: abort.signal });
      if (res.status === 401 || res.status === 403) [this.unauthorised, this.forbidden, this.refusal] = [true, res.status === 403, null];
      else {
        this.#upgradesLost = res.status === 426 ? this.#upgradesLost + 1 : 0;
        const full = res.status === 503 && (await res.text()).includes('LIVE_MAX_CLIENTS');
        [this.unauthorised, this.refusal] = [false, full ? 'full' : this.#upgradesLost >= 2 ? 'noUpgrade' : null];
      }
    } catch {
      // Unreachable, or no answer in time.
    } finally {
      clearTimeout(timer);
      this.#probing = false;
    }
  }

  #scheduleReconnect(): void {
    if (!this.#listening || this.#retry !== undefined) return;
    const base = Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 16);
    this.#retry = setTimeout(() => this.#connect(), base / 2 + (Math.random() * base) / 2);
  }

  #reconnectNow(): void {
    if (!this.#listening || this.fresh) return;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#drop(4000);
    this.#attempt = 0;
    this.#connect();
  }

  /** Closes the current socket without letting its close event schedule anything. */
  #drop(code: number): void {
    const ws = this.#ws;
    this.#ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try {
      ws.close(code);
    } catch {
      // Already closing.
    }
  }
}

function sameFilters(got: KpiFilters | undefined, wanted: KpiFilters): boolean {
  if (!got) return true;
  const keys = new Set([...Object.keys(got), ...Object.keys(wanted)]) as Set<keyof KpiFilters>;
  for (const key of keys) if ((got[key] || undefined) !== (wanted[key] || undefined)) return false;
  return true;
}

/** Deep equality of two parsed JSON values. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys)
    if (!Object.hasOwn(b, key) || !sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  return true;
}
