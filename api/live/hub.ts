// The live hub: WebSocket clients grouped by scope (their filters). After a change, or every few seconds for
// time-driven changes, it computes each distinct scope once and fans the same message out to its clients.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { endSocket } from '../answers';
import type { KpiFilters } from '../kpi/types';
import type { Principal } from '../auth/middleware';
import { allows, CHALLENGE, crossSiteSession, NodeAccessors, twoTokens, whyUnauthorized } from '../auth/middleware';
import { counted, IN_PLAIN_WORDS, quote } from '../plain-words';
import { filterFields, isBlank, issuesToErrors } from '../routes/params';
import { LIVE_CLOSE, type ErrorMessage, type NamedTeam } from './protocol';
import { scopeKey, type LiveState } from './state';

// The same filters as GET /api/kpis; a key it does not know (a typo such as "teams") is an error here, or a wall
// would quietly show the whole centre.
const FILTER_NAMES = Object.keys(filterFields);
/** `null` reads as absent, as in events ("team": null for "all teams"), and so does a blank, as in a query. */
const absent = (x: unknown) => x === null || isBlank(x);
const withoutAbsent = (v: unknown) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => !absent(x))) : v;
// A filter written beside "filters" (`{"type":"subscribe","filters":{},"team":"risk"}`) would as quietly be ignored.
const subscribeMessage = z.strictObject(
  {
    type: z.literal('subscribe'),
    filters: z.preprocess(
      withoutAbsent,
      z.strictObject(filterFields, {
        error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown filter ${issue.keys.map(quote).join(', ')}; expected ${FILTER_NAMES.join(', ')}` : undefined)
      })
    )
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map(quote).join(', ')} beside "type" and "filters": filters go inside "filters"` : undefined) }
);
/** The CHALLENGE of a refused handshake, as header lines (it is answered on the raw socket). */
const challengeLines = Object.entries(CHALLENGE).map(([k, v]) => `${k}: ${v}\r\n`).join('');
/** A close reason is at most 123 bytes. */
const OTHER_SITE_REASON = 'the page is not of the host asked for: another site, or a proxy that rewrites Host (pass on Host or X-Forwarded-Host)';
/** How long a socket the server closes has to answer the close before it is cut. */
const CLOSE_ANSWER_WAIT_MS = 2_000;

/**
 * Closes a client's socket with `code` and why, and cuts it should it not answer the close in CLOSE_ANSWER_WAIT_MS.
 * Left to ws, one that never answered was held for 30 s, outside LIVE_MAX_CLIENTS (it is no longer counted); its
 * frames still on their way are read, unheeded, meanwhile.
 */
function closeThenCut(ws: WebSocket, code: number, reason: string): void {
  ws.close(code, reason);
  setTimeout(() => ws.terminate(), CLOSE_ANSWER_WAIT_MS).unref();
}
/** What a client refused for the connection cap is told to wait. */
export const LIVE_RETRY_AFTER_S = 5;

const SUBSCRIBE_SHAPE = `expected {"type":"subscribe","filters":{${FILTER_NAMES.map((k) => `${k}?`).join(',')}}}`;

export interface HubOptions {
  compute: (filters: KpiFilters) => LiveState;
  /** The teams' names (the same in every scope), read again only after teamNamesChanged(). None given: none sent. */
  teamNames?: () => NamedTeam[];
  authenticate: (req: IncomingMessage) => Principal | null;
  maxClients?: number;
  /** Fewest ms between two broadcasts (coalescing): 100 ms = at most 10 updates a second. */
  minIntervalMs?: number;
  /** Time-driven refresh: a broadcast at least this often even when nothing was ingested. */
  heartbeatMs?: number;
  pingMs?: number;
  /** A client with more than this many bytes unsent skips updates until it catches up. */
  maxBufferedBytes?: number;
  /** A client that sends more messages than this in a second is ended (MAX_MESSAGES_PER_SECOND). */
  maxMessagesPerSecond?: number;
  /** Of each second, at most this many ms go to computing subscriptions' snapshots (a new client's first is never held). */
  subscriptionMsPerSecond?: number;
  /** The wall clock the states are computed at: a state of a day that has ended is never reused. */
  now?: () => number;
}

interface Client {
  ws: WebSocket;
  /** The upgrade request: its credentials are checked again at every ping (a session ended, a token deleted). */
  req: IncomingMessage;
  filters: KpiFilters;
  scope: string;
  /** Ping rounds since its last pong. */
  unanswered: number;
  /**
   * What its last pings carried (random bytes): only a pong that echoes one counts. A client may send pongs
   * unasked, and one that never reads would otherwise stay, its unread messages queued, for as long as it likes.
   */
  pings: Buffer[];
  /** The seq of the last message sent to this client: each client's messages count n, n+1, n+2… (SPEC.md). */
  seq: number;
  /** The hub's namesRevision when this client was last sent the team names (-1: never). */
  namesRevision: number;
  /** The snapshot a subscription is owed, due at most once per minIntervalMs; later subscriptions meanwhile join it. */
  owed: NodeJS.Timeout | null;
  lastSnapshotAt: number;
  /** Messages received in the second since `since` (the monotonic clock's ms). */
  received: { since: number; count: number };
}


/** A subscribe message is a few hundred bytes; one over this ends the connection, with the reason. */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/**
 * A wall sends a subscribe message when its filters change; a client sending more in a second than this (a script
 * that subscribes at every render, in a loop) is ended, with the reason. Each message is read on the thread that
 * answers every request: at ~150,000 a second one client held the answers to everyone else for 0.4–0.9 s.
 */
export const MAX_MESSAGES_PER_SECOND = 1000;

function addressOf(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://x');
  } catch {
    return null;
  }
}

export class LiveHub {
  /**
   * Frames up to 64 KB are read, so one over MAX_MESSAGE_BYTES can be told why it ends the connection (ws's own
   * limit closes with 1009 and no reason); what is larger still is cut by ws.
   */
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * MAX_MESSAGE_BYTES });
  private readonly clients = new Set<Client>();
  private readonly o: Required<HubOptions>;
  /**
   * The earliest time the next round may start. The hub's times are the monotonic clock's (performance.now()):
   * on the wall clock, NTP setting the machine's time back by hours left this hours ahead, and every wall
   * without an update (and every subscription without its snapshot) until the clock had caught up.
   */
  private nextRoundAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private broadcasting = false;
  private dirtyDuringRound = false;
  private closed = false;
  /** Bumped by every change; a scope's last state is reused for new clients while it is current. */
  private generation = 0;
  private readonly latest = new Map<string, { generation: number; at: number; state: LiveState }>();
  /** Bumped by every change of the teams' names; `names` is their JSON at that revision, read once for every client. */
  private namesRevision = 0;
  private names: { revision: number; json: string } | null = null;
  private readonly intervals: NodeJS.Timeout[] = [];
  /** This second's time spent computing snapshots for new clients and subscriptions. */
  private budget = { since: 0, spentMs: 0 };
  readonly stats = { broadcasts: 0, computations: 0, skippedSlow: 0, droppedDead: 0, refused: 0, signedOut: 0 };

  constructor(opts: HubOptions) {
    this.o = { teamNames: () => [], maxClients: 2000, minIntervalMs: 100, heartbeatMs: 4000, pingMs: 5000, maxBufferedBytes: 1 << 20, maxMessagesPerSecond: MAX_MESSAGES_PER_SECOND, subscriptionMsPerSecond: 250, now: Date.now, ...opts };
    this.intervals.push(setInterval(() => this.markDirty(), this.o.heartbeatMs), setInterval(() => this.ping(), this.o.pingMs));
    // A handshake ws cannot take (no Sec-WebSocket-Key, a Sec-WebSocket-Protocol it cannot read): ws answers it in
    // plain text unless this listens, where every other refusal is the API's JSON. ws's error says which header.
    this.wss.on('wsClientError', (err, socket) => {
      this.stats.refused++;
      endSocket(socket, 400, 'Bad Request', { error: 'bad_request', message: `${err.message}: the live feed at /api/live takes a WebSocket handshake as RFC 6455 writes it` });
    });
  }

  get size(): number {
    return this.clients.size;
  }

  /** Bytes queued for all clients and not yet written to their sockets. */
  bufferedBytes(): number {
    let n = 0;
    for (const c of this.clients) n += c.ws.bufferedAmount;
    return n;
  }

  /** Events were committed, the time of events stamped ahead of the clock came, or an admin changed KPI targets: every scope may have changed. */
  changed(): void {
    this.generation++;
    this.markDirty();
  }

  /**
   * An admin changed a team's names: the next update carries them to every client, whatever its scope (its figures
   * are not recomputed for it, but a round is). Updates carry them to nobody after that, until the next change.
   */
  teamNamesChanged(): void {
    this.namesRevision++;
    this.markDirty();
  }

  /** The team names' JSON as they stand, read once per change. */
  private namesJson(): string {
    if (this.names?.revision !== this.namesRevision) this.names = { revision: this.namesRevision, json: JSON.stringify(this.o.teamNames()) };
    return this.names.json;
  }

  /**
   * The `"teamNames":[…],` an update carries to those of `clients` that have not had the names since they changed,
   * or null when all have. A failed read is logged, and they are sent at the next update that reads them.
   */
  private namesField(clients: readonly Client[]): { revision: number; field: string } | null {
    if (clients.every((c) => c.namesRevision === this.namesRevision)) return null;
    try {
      return { revision: this.namesRevision, field: `"teamNames":${this.namesJson()},` };
    } catch (err) {
      console.error('live: reading the team names failed:', err);
      return null;
    }
  }

  /** Something changed (or time moved on): broadcast soon, but never more often than minIntervalMs. */
  markDirty(): void {
    if (this.closed) return;
    if (this.broadcasting) {
      this.dirtyDuringRound = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.nextRoundAt - performance.now());
    this.timer = setTimeout(() => this.broadcast(), wait);
  }

  /** Handles an HTTP upgrade for /api/live; returns false for other paths so the caller can refuse them. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const refuse = (status: number, reason: string, error: string, message: string, headers = '') => {
      this.stats.refused++;
      endSocket(socket, status, reason, { error, message }, headers);
      return true;
    };
    // Node passes the request line's target as sent: `//[` is no address at all.
    const url = addressOf(req.url);
    if (!url) return refuse(400, 'Bad Request', 'bad_request', `${quote(req.url)} is not an address; the live data is at /api/live`);
    if (url.pathname !== '/api/live' && url.pathname !== '/api/live/') return false;
    // The two refusals of ws's whose status or headers are not its wsClientError's 400 (above).
    if (req.method !== 'GET') return refuse(405, 'Method Not Allowed', 'method_not_allowed', `the live feed opens with GET /api/live, not ${quote(req.method)}`, 'Allow: GET\r\n');
    const version = req.headers['sec-websocket-version'];
    if (version !== '13' && version !== '8')
      return refuse(400, 'Bad Request', 'bad_request', `Sec-WebSocket-Version ${version === undefined ? 'is missing' : `${quote(version)} is not one the live feed speaks`}: send 13`, 'Sec-WebSocket-Version: 13, 8\r\n');
    const tokens = twoTokens(new NodeAccessors(req));
    if (tokens) return refuse(400, 'Bad Request', 'bad_request', tokens);
    // A session cookie goes with any page's request to this host (another port's too): only this site's pages may
    // use it here. A token in the address or a header is the caller's own (an empty one is none). Refused before the
    // session is read (a page of another site learns nothing of it), and after the handshake, with a close code: a
    // refused handshake is only "closed" to a browser, and the wall behind a proxy that rewrites Host said
    // "Connecting…" for ever, where now it says what to set at the proxy.
    if (crossSiteSession(new NodeAccessors(req), 'open the live feed', true)) {
      this.stats.refused++;
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        // A frame no client may send, before its close: an 'error' nobody listened for would end the process.
        ws.on('error', () => ws.terminate());
        closeThenCut(ws, LIVE_CLOSE.otherSite, OTHER_SITE_REASON);
      });
      return true;
    }
    const principal = this.o.authenticate(req);
    if (!principal)
      return refuse(401, 'Unauthorized', 'unauthorized', whyUnauthorized(new NodeAccessors(req), true, 'Sign in, or give the wall\'s display token as ?token=.'), challengeLines);
    if (!allows(principal.role, 'display')) return refuse(403, 'Forbidden', 'forbidden', `The live feed needs the display role or above; this is ${principal.role}.`);
    // The address takes the wall's token only: filters in it would be ignored, and the whole centre shown as if filtered.
    const unknown = [...url.searchParams.keys()].find((k) => k !== 'token');
    if (unknown !== undefined)
      return refuse(400, 'Bad Request', 'bad_request', `unknown parameter ${quote(unknown)}: the address takes token only; send filters in a subscribe message`);
    const full = this.fullBecause();
    if (full !== null) return refuse(503, 'Service Unavailable', 'unavailable', full, `Retry-After: ${LIVE_RETRY_AFTER_S}\r\n`);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws, req));
    return true;
  }

  /**
   * Why one connection more is refused (all LIVE_MAX_CLIENTS in use), else null. A plain GET /api/live is answered
   * so too: a refused handshake is only "closed" to a browser, and the wall asks that to say why.
   */
  fullBecause(): string | null {
    return this.clients.size >= this.o.maxClients ? `This server takes ${counted(this.o.maxClients, 'live connection')} (LIVE_MAX_CLIENTS), ${this.o.maxClients === 1 ? 'and it is' : 'all'} in use; retry shortly.` : null;
  }

  private connect(ws: WebSocket, req: IncomingMessage): void {
    const client: Client = { ws, req, filters: {}, scope: scopeKey({}), unanswered: 0, pings: [], seq: 0, namesRevision: -1, owed: null, lastSnapshotAt: 0, received: { since: 0, count: 0 } };
    this.clients.add(client);
    ws.on('pong', (data) => client.pings.some((p) => p.equals(data)) && (client.unanswered = 0));
    ws.on('close', () => {
      this.clients.delete(client);
      if (client.owed) clearTimeout(client.owed);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data) => {
      // Cut off already (below): what it sent before the cut is not read.
      if (!this.clients.has(client)) return;
      if (this.flooding(client)) {
        this.clients.delete(client);
        if (client.owed) clearTimeout(client.owed);
        return closeThenCut(ws, 1008, `over ${this.o.maxMessagesPerSecond} messages in a second; a wall sends a subscribe message when its filters change`);
      }
      // One Buffer, whole: the server's sockets keep ws's default binaryType, 'nodebuffer'.
      const bytes = (data as Buffer).length;
      if (bytes > MAX_MESSAGE_BYTES) {
        const why = `message of ${bytes} bytes; a subscribe message is at most ${MAX_MESSAGE_BYTES / 1024} KB`;
        this.reply(client, { type: 'error', message: `${why}. ${SUBSCRIBE_SHAPE}`, errors: [] });
        return closeThenCut(ws, 1009, why);
      }
      // An error thrown here would end the process: a message the checks below did not foresee gets an answer instead.
      try {
        this.receive(client, String(data));
      } catch (err) {
        console.error('live feed: a client message failed:', err);
        this.reply(client, { type: 'error', message: `this message could not be read; ${SUBSCRIBE_SHAPE}`, errors: [] });
      }
    });
    this.snapshot(client);
  }

  /** Counts a message from `client`: true once it has sent more than maxMessagesPerSecond in a second. */
  private flooding(client: Client): boolean {
    const now = performance.now();
    if (now - client.received.since >= 1000) client.received = { since: now, count: 0 };
    return ++client.received.count > this.o.maxMessagesPerSecond;
  }

  /**
   * Answers a client's message. One that sends and never reads would have its answers queue without end (a
   * byte a frame can queue a hundred and more): past maxBufferedBytes unread, it is cut off instead.
   */
  private reply(client: Client, message: ErrorMessage): void {
    if (client.ws.bufferedAmount > this.o.maxBufferedBytes) {
      this.stats.droppedDead++;
      this.clients.delete(client);
      client.ws.terminate();
      return;
    }
    client.ws.send(JSON.stringify(message));
  }

  /** A client's message: a subscription (its snapshot owed), or an error message saying what was wrong. */
  private receive(client: Client, text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.reply(client, { type: 'error', message: `not JSON; ${SUBSCRIBE_SHAPE}`, errors: [] });
      return;
    }
    const parsed = subscribeMessage.safeParse(json, IN_PLAIN_WORDS);
    if (!parsed.success) {
      const errors = issuesToErrors(parsed.error);
      const kept = Object.keys(client.filters).length ? `its filters stay ${JSON.stringify(client.filters)}` : 'it stays on the whole centre';
      const message = `${errors.map((e) => `${e.path || 'message'}: ${e.message}`).join('; ')}; ${SUBSCRIBE_SHAPE}. This feed did not change: ${kept}.`;
      this.reply(client, { type: 'error', message, errors });
      return;
    }
    client.filters = parsed.data.filters;
    client.scope = scopeKey(client.filters);
    this.owe(client);
  }

  /**
   * A subscription's snapshot, soon: each one may compute a scope on this thread, so a client that sends
   * subscriptions by the thousand (one display token is enough) gets one snapshot per minIntervalMs, of the
   * filters it sent last, instead of holding every request and every wall up for seconds.
   */
  private owe(client: Client, wait = Math.max(0, client.lastSnapshotAt + this.o.minIntervalMs - performance.now())): void {
    if (client.owed) return;
    client.owed = setTimeout(() => {
      client.owed = null;
      // Many clients' subscriptions together (a thousand connections on one token) share a budget of this
      // thread's time; past it, they wait for the next second. A scope computed already costs nothing.
      const spent = this.subscriptionBudget();
      if (spent === null || this.isFresh(client.scope)) return this.snapshot(client);
      this.owe(client, spent);
    }, wait);
  }

  /** null while subscriptions' snapshots may be computed this second; else the ms until the next second's budget. */
  private subscriptionBudget(): number | null {
    const now = performance.now();
    if (now - this.budget.since >= 1000) this.budget = { since: now, spentMs: 0 };
    return this.budget.spentMs < this.o.subscriptionMsPerSecond ? null : this.budget.since + 1000 - now;
  }

  /**
   * Whether a scope's last state may be sent as it is: nothing committed since, computed within a heartbeat, and
   * its "today" still today. A wall opened just after midnight was sent yesterday's day until the next heartbeat.
   */
  private isFresh(scope: string): boolean {
    const cached = this.latest.get(scope);
    if (cached === undefined || cached.generation !== this.generation || performance.now() - cached.at >= this.o.heartbeatMs) return false;
    const now = this.o.now();
    const today = cached.state.windows.today;
    return Date.parse(today.from) <= now && now < Date.parse(today.to);
  }

  /** A new client (or a new subscription) gets its scope's latest state, computed again only if stale. */
  private snapshot(client: Client): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    // One that does not read its messages gets the next update once it has caught up, which carries its filters too.
    if (client.ws.bufferedAmount > this.o.maxBufferedBytes) {
      this.stats.skippedSlow++;
      return;
    }
    client.lastSnapshotAt = performance.now();
    try {
      let state = this.isFresh(client.scope) ? this.latest.get(client.scope)!.state : null;
      if (!state) {
        const started = performance.now();
        state = this.compute(client.scope, client.filters);
        this.budget.spentMs += performance.now() - started;
      }
      const names = this.namesJson();
      client.ws.send(`${JSON.stringify({ type: 'snapshot', seq: ++client.seq, ...state }).slice(0, -1)},"teamNames":${names}}`);
      client.namesRevision = this.namesRevision;
    } catch (err) {
      console.error(`live: computing scope ${client.scope} failed:`, err);
      client.ws.send(JSON.stringify({ type: 'error', message: 'The live figures could not be computed; the server logged why.' }));
    }
  }

  private compute(scope: string, filters: KpiFilters): LiveState {
    this.stats.computations++;
    const generation = this.generation;
    const state = this.o.compute(filters);
    this.latest.set(scope, { generation, at: performance.now(), state });
    return state;
  }

  /**
   * One round: each scope computed once and sent to its clients. Scopes are taken one per macrotask, so
   * ingest requests and acknowledgements interleave with a long round instead of waiting for all of it.
   */
  private broadcast(): void {
    this.timer = null;
    const started = performance.now();
    if (this.clients.size === 0) {
      this.nextRoundAt = started + this.o.minIntervalMs;
      return;
    }
    this.broadcasting = true;
    this.stats.broadcasts++;
    const scopes = new Map<string, Client[]>();
    for (const c of this.clients) {
      const list = scopes.get(c.scope);
      if (list) list.push(c);
      else scopes.set(c.scope, [c]);
    }
    for (const scope of this.latest.keys()) if (!scopes.has(scope)) this.latest.delete(scope);
    const pending = [...scopes];
    const next = () => {
      const item = this.closed ? undefined : pending.shift();
      if (!item) {
        this.broadcasting = false;
        // At most one round per minIntervalMs, and never more than half the time spent on rounds: a slow
        // round waits as long again before the next, so ingest keeps its share of the event loop.
        const ended = performance.now();
        this.nextRoundAt = Math.max(started + this.o.minIntervalMs, ended + (ended - started));
        if (this.dirtyDuringRound) {
          this.dirtyDuringRound = false;
          this.markDirty();
        }
        return;
      }
      const [scope, clients] = item;
      // The state is serialized once for the scope; only each client's own seq goes in front of it.
      let state: string;
      try {
        state = JSON.stringify(this.compute(scope, clients[0].filters)).slice(1);
      } catch (err) {
        // A failing scope must not take the round (or the process) down; its clients go stale and say so.
        console.error(`live: computing scope ${scope} failed:`, err);
        setImmediate(next);
        return;
      }
      // The names, to the clients that have not had them since they changed: no bytes more for the others.
      const names = this.namesField(clients);
      for (const c of clients) {
        // Every update carries the whole state, so a slow client loses nothing by skipping one.
        if (c.ws.bufferedAmount > this.o.maxBufferedBytes) {
          this.stats.skippedSlow++;
          continue;
        }
        // A client that subscribed to other filters during this round already has their snapshot, or is owed it.
        if (c.scope !== scope || c.owed || c.ws.readyState !== c.ws.OPEN) continue;
        if (names !== null && c.namesRevision !== names.revision) {
          c.namesRevision = names.revision;
          c.ws.send(`{"type":"update","seq":${++c.seq},${names.field}${state}`);
        } else c.ws.send(`{"type":"update","seq":${++c.seq},${state}`);
      }
      setImmediate(next);
    };
    next();
  }

  private ping(): void {
    // Each distinct credential checked once a round: a thousand walls usually share one display token.
    const checked = new Map<string, Principal | null | undefined>();
    for (const c of this.clients) {
      // Two rounds unanswered: one may be the server's fault, held past a round (a long query, a paused machine)
      // with the wall's answer waiting unread, and every wall, answered or not, would be dropped at once.
      if (c.unanswered >= 2) {
        this.stats.droppedDead++;
        this.clients.delete(c);
        c.ws.terminate();
        continue;
      }
      const key = `${c.req.headers.authorization}\n${c.req.url}\n${c.req.headers.cookie}`;
      if (!checked.has(key)) checked.set(key, this.checkAgain(c.req));
      const principal = checked.get(key);
      // undefined: not known (a read of the database failed), and the wall keeps its feed until a check says otherwise.
      if (principal === null || (principal && !allows(principal.role, 'display'))) {
        // Signed out, the session expired, or the token was deleted: the wall says so instead of reconnecting.
        this.stats.signedOut++;
        this.clients.delete(c);
        closeThenCut(c.ws, principal ? LIVE_CLOSE.forbidden : LIVE_CLOSE.signedOut, principal ? 'no longer allowed the live feed' : 'signed out, or the session or token has expired');
        continue;
      }
      c.unanswered++;
      c.ws.ping(this.pingPayload(c));
    }
  }

  /** A ping's random bytes, remembered among the rounds a client may leave unanswered (above): a pong to any of them is an answer. */
  private pingPayload(c: Client): Buffer {
    const payload = randomBytes(8);
    c.pings = [payload, ...c.pings.slice(0, 1)];
    return payload;
  }

  /** A client's credentials checked again; undefined when the check itself failed, which thrown here would end the process (a timer's). */
  private checkAgain(req: IncomingMessage): Principal | null | undefined {
    try {
      return this.o.authenticate(req);
    } catch (err) {
      console.error('live: checking a client\'s credentials again failed; it keeps its feed until a check succeeds:', err);
      return undefined;
    }
  }

  /**
   * Says goodbye to every client (1001), and cuts those that have not answered within `graceMs`: a wall whose
   * network dropped never answers, and ws would wait 30 s for it, holding the process past a supervisor's patience.
   */
  close(graceMs = 5_000): void {
    if (this.timer) clearTimeout(this.timer);
    this.closed = true;
    for (const i of this.intervals) clearInterval(i);
    const closing = [...this.clients].map((c) => c.ws);
    for (const c of this.clients) {
      if (c.owed) clearTimeout(c.owed);
      c.ws.close(1001, 'server shutting down');
    }
    this.clients.clear();
    this.wss.close();
    if (closing.length) setTimeout(() => closing.forEach((ws) => ws.terminate()), graceMs).unref();
  }
}
