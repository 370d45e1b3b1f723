import { createHash } from 'node:crypto';
import { EVENTS_PER_TICKET } from './rates';
import { DEFAULT_SEED, DEFAULT_TICKETS_PER_HOUR, createSimulator, type RawEvent } from './simulator';
import { Zone } from './zone';

export interface DemoOptions {
  /**
   * Delivers one batch; resolve when stored. A rejection keeps the batch for the next tick (server down, 5xx), after
   * retryMs, or longer when it carries `retryAfterMs` (the server's Retry-After).
   */
  send: (events: RawEvent[]) => Promise<unknown>;
  now?: () => number;
  seed?: number;
  log?: (msg: string) => void;
  ticketsPerHour?: number;
  /** Default KPI_TIMEZONE, else the process's, so the simulated day matches the dashboard's "today". */
  timezone?: string;
  /** Replay today from local midnight before streaming (default true). */
  backfill?: boolean;
  idPrefix?: string;
  batchSize?: number;
  tickMs?: number;
  /** Wait after a failed send before trying again. */
  retryMs?: number;
  /** Called once the backfill is done and real-time streaming begins. */
  onLive?: () => void;
  /**
   * Whether an event whose id starts with the prefix is stored (the server reads its database): a backfilled
   * run of an earlier day is carried on, not started afresh beside it.
   */
  hasStored?: (idPrefix: string) => boolean;
  /**
   * The stored event with the highest id that starts with the prefix (a run's newest: its ids count up), so that a
   * run begun more than RESUME_DAYS ago that is still going, or one begun part way through a day, is carried on.
   */
  newestStored?: (idPrefix: string) => { id: string; at: number } | undefined;
}

/**
 * Events held unsent at most: while the server is unreachable the simulated clock waits rather than make more (and
 * catches up once it is back, a slice at a time, as the backfill does), so an outage loses nothing.
 */
const MAX_PENDING = 100_000;
/**
 * How many days back a restart looks for a run to carry on, and how long a stop of an older run may have lasted
 * for it to be carried on too: an older run stopped longer ago is left, and today started afresh.
 */
const RESUME_DAYS = 7;
/** How far back a restart looks for an older run still going (a wall's demo left running for months). */
const LIVE_RUN_DAYS = 400;

export interface Demo {
  /** Events made and not yet delivered (held while the server does not take them, or in flight). */
  held(): number;
  /**
   * Stops making events; with `deliverHeld`, first sends what it holds, once (a stream's ids name its own start, so
   * no later run sends them). Resolves with how many it made that the server did not acknowledge.
   */
  stop(opts?: { deliverHeld?: boolean }): Promise<{ unsent: number }>;
}

/**
 * Feeds a server as if the centre were live: today so far in one go, then every tick whatever is due. Starting
 * from local midnight with the same seed reproduces the same ids, so a restarted demo re-sends retries, not new
 * tickets.
 */
export function startDemo(opts: DemoOptions): Demo {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? DEFAULT_SEED;
  const batchSize = opts.batchSize ?? 500;
  const tickMs = opts.tickMs ?? 250;
  const retryMs = opts.retryMs ?? 2000;
  const zone = new Zone(opts.timezone ?? (process.env.KPI_TIMEZONE || undefined));
  const backfill = opts.backfill ?? true;
  const t0 = now();
  const today = zone.startOfDay(t0);
  // A sender that can ask what is stored (the demo in the server) tags a backfilled run with the simulator's
  // version too, so that a restart after a code change can tell the stored run is not one it would make.
  const version = opts.hasStored && opts.idPrefix === undefined ? simulatorVersion() : undefined;
  // Restarted on a later day than its run began, today's run would send the night again under other ids, and
  // leave the tickets the run had open at its stop open for ever.
  const found = backfill && opts.idPrefix === undefined ? runToCarryOn(zone, today, seed, opts.ticketsPerHour, version, opts) : undefined;
  // Another version's run has today in the database: carried on (re-sent "the same" day), the changed simulator's
  // events under the same ids were dropped as duplicates until its count passed the stored run's, and its tickets
  // merged with the stored run's; started afresh from midnight, today's tickets would be there twice. This
  // version's run begins now (at the minute, which its ids name, so that a restart carries it on).
  const another = found !== undefined && !found.own;
  const start = another ? zone.atHour(today, Math.floor(zone.hourOfDay(t0) * 60) / 60) : backfill ? (found?.begun ?? today) : t0;
  const partWay = backfill && start !== zone.startOfDay(start);
  // A run stored before ids named the zone is carried on under its own ids, or its day would be sent again beside it.
  const idPrefix = opts.idPrefix ?? runTag(zone, start, backfill, seed, opts.ticketsPerHour, version, partWay, !another && found?.zoneless === true);
  if (another)
    log(
      `the demo run in the database was made by another version of the simulator: this one's begins now, under ids of its own ` +
        `(carrying the other on would mix the two; the tickets it left open stay open: start on a new DATABASE_PATH for a day of this version alone)`
    );
  else if (found !== undefined && start !== today) log(`carrying on the run begun ${new Date(start).toISOString()}`);
  const sim = createSimulator({ seed, start, timezone: zone.name, ticketsPerHour: opts.ticketsPerHour, idPrefix });

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let pending: RawEvent[] = [];
  let failing = false;
  /** Whether a send failed once stopped (the one in flight then): the server is not taking them, and is not asked again. */
  let failedStopped = false;
  /** How long to wait after the last failed send: retryMs, or as long as that failure asked. */
  let retryWait = retryMs;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  /** Queues `events` to send, in delivery order. */
  const take = (events: RawEvent[]): void => {
    for (const e of events) pending.push(e);
  };

  // Simulated time in slices, so memory holds a slice rather than the whole day: 15 minutes, or at a high --rate
  // as long as makes about a quarter of MAX_PENDING at the peak hour. A 15-minute slice at 3,000 events/s held
  // millions, and past MAX_PENDING the oldest of each were dropped: 70 % of the morning never sent, unsaid.
  const peakEventsPerMs = ((opts.ticketsPerHour ?? DEFAULT_TICKETS_PER_HOUR) * EVENTS_PER_TICKET) / 3_600_000;
  const sliceMs = Math.max(100, Math.min(15 * 60_000, Math.floor(MAX_PENDING / 4 / peakEventsPerMs)));

  /**
   * Sends what is pending in batches (only whole ones if asked), until stopped unless `last`; false when a batch
   * failed and stays pending.
   */
  const flush = async (wholeBatchesOnly = false, last = false): Promise<boolean> => {
    while (pending.length >= (wholeBatchesOnly ? batchSize : 1) && (!stopped || last)) {
      const batch = pending.slice(0, batchSize);
      try {
        await opts.send(batch);
      } catch (e) {
        retryWait = Math.max(retryMs, (e as { retryAfterMs?: number }).retryAfterMs ?? 0);
        failedStopped = stopped;
        if (!failing || last) log(`sending failed${stopped ? '' : ', will retry'}: ${(e as Error).message}`);
        failing = true;
        return false;
      }
      pending = pending.slice(batch.length);
      if (failing) log(`the server takes events again: ${pending.length} more held to send`);
      failing = false;
    }
    return true;
  };

  const backfillToday = async (): Promise<void> => {
    let sent = 0;
    for (let t = start; t < now() && !stopped; ) {
      t = Math.min(t + sliceMs, now());
      take(sim.advance(t));
      const before = pending.length;
      // Backfilled history is worth waiting for: hold on until the server takes it.
      while (!(await flush(true)) && !stopped) await pause(retryWait);
      sent += before - pending.length;
    }
    const rest = pending.length;
    await flush();
    sent += rest - pending.length;
    const span = `from ${new Date(start).toISOString()} to ${new Date(sim.now).toISOString()}`;
    const events = `${sent} event${sent === 1 ? '' : 's'}`;
    log(stopped ? `backfill stopped: ${events} sent, ${span}` : `backfilled ${events} ${span}`);
  };

  const stream = async (): Promise<void> => {
    log(`streaming live events (seed ${seed}, ids tagged ${JSON.stringify(idPrefix)})`);
    opts.onLive?.();
    while (!stopped) {
      // A slice at a time while under half of MAX_PENDING is held: with the server away, the simulated clock waits
      // for it. Taking all that was due and dropping the oldest past MAX_PENDING lost the start of an outage (at
      // 1,000 events/s, all but the last 100 s), and the tickets whose creation went with it counted nowhere.
      while (sim.now < now() && pending.length < MAX_PENDING / 2) take(sim.advance(Math.min(sim.now + sliceMs, now())));
      const ok = await flush();
      if (!stopped) await pause(ok ? tickMs : retryWait);
    }
  };

  const running = (async () => {
    if (backfill) await backfillToday();
    // Stopped during the backfill: nothing streams, and the log does not say it would.
    if (!stopped) await stream();
  })().catch((e) => log(`demo stopped: ${(e as Error).stack ?? e}`));

  return {
    held: () => pending.length,
    async stop({ deliverHeld = false } = {}) {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await running;
      // Dropped, the events made while the server was away (up to MAX_PENDING / 2), or a catch-up's, were lost unsaid.
      if (deliverHeld && !failedStopped) await flush(false, true);
      return { unsent: pending.length };
    }
  };
}

/**
 * When the latest backfilled run of this or an earlier day began (its local midnight, or the minute this version
 * began part way through a day another version had begun), if it has stored events, and whether this version of
 * the simulator made it (`own`): a restart carries an own run on (re-sending its events, which the server ignores),
 * its night and its open tickets with it, and fills the time it was stopped as a backfill fills the morning. A run
 * begun more than RESUME_DAYS ago is carried on while it is still going (stored events of the last RESUME_DAYS): a
 * wall's demo left running for eight days was started afresh beside itself, today's tickets twice. Another
 * version's run counts only while it has events of today: one that stopped before is left, as a run too old to
 * carry on.
 */
function runToCarryOn(
  zone: Zone,
  today: number,
  seed: number,
  ticketsPerHour: number | undefined,
  version: string | undefined,
  stored: Pick<DemoOptions, 'hasStored' | 'newestStored'>
): { begun: number; own: boolean; zoneless: boolean } | undefined {
  const { hasStored, newestStored } = stored;
  if (!hasStored) return undefined;
  const recent = today - RESUME_DAYS * 86_400_000;
  const going = (prefix: string) => (newestStored?.(prefix)?.at ?? -Infinity) >= recent;
  for (let day = today, k = 0; k <= (newestStored ? LIVE_RUN_DAYS : RESUME_DAYS); k++, day = zone.startOfDay(day - 1)) {
    // Any version's run of that day: its ids start so, whatever follows; or, stored before ids named the zone, so.
    const zoneless = !hasStored(`ev-${runTag(zone, day, true, seed, ticketsPerHour)}`);
    const tag = (v?: string) => `ev-${runTag(zone, day, true, seed, ticketsPerHour, v, false, zoneless)}`;
    const anyVersion = tag();
    if (zoneless && !hasStored(anyVersion)) continue;
    const own = tag(version);
    if (hasStored(own)) return k <= RESUME_DAYS || going(own) ? { begun: day, own: true, zoneless } : undefined;
    // This version's, begun part way through the day (`….HHMM-`): the latest.
    const partWay = version === undefined ? undefined : newestStored?.(`${own.slice(0, -1)}.`);
    const hhmm = partWay === undefined ? null : /\.(\d\d)(\d\d)-/.exec(partWay.id.slice(own.length - 1));
    if (partWay && hhmm) return k <= RESUME_DAYS || partWay.at >= recent ? { begun: zone.atHour(day, Number(hhmm[1]) + Number(hhmm[2]) / 60), own: true, zoneless } : undefined;
    // Another version's: in the way while it has events of today (today's own run, or one still going).
    const last = day === today ? today : newestStored?.(anyVersion)?.at;
    return last === undefined || last >= today ? { begun: day, own: false, zoneless } : undefined;
  }
  return undefined;
}

/** What this simulator makes, in short: a digest of a reference day's events, which a change to what it does changes. */
let versionDigest: string | undefined;
function simulatorVersion(): string {
  if (versionDigest === undefined) {
    const day = Date.UTC(2026, 0, 5);
    const events = createSimulator({ start: day, timezone: 'UTC', seed: DEFAULT_SEED, idPrefix: '' }).advance(day + 86_400_000);
    versionDigest = createHash('sha256').update(JSON.stringify(events)).digest('hex').slice(0, 6);
  }
  return versionDigest;
}

/**
 * Ids unique per day, zone, settings and version for a backfilled run (so restarts dedupe), per start and settings
 * otherwise: simulators started in the same second with other seeds (as "run several simulators" does) shared ids,
 * and the server dropped each one's events as the other's duplicates. The zone is named by a digest
 * (`261124z1a2b3c-`): without it, a backfill of the same local date in another zone, a day of other instants, was
 * dropped whole as the first one's duplicates. `zoneless`: the tag of a run stored before the zone was in it.
 */
function runTag(zone: Zone, start: number, backfill: boolean, seed: number, ticketsPerHour: number | undefined, version?: string, partWay = false, zoneless = false): string {
  const variant = (seed === DEFAULT_SEED ? '' : `s${seed}`) + (ticketsPerHour === undefined ? '' : `r${Math.round(ticketsPerHour)}`);
  if (!backfill) return `${Math.floor(start / 1000).toString(36)}${variant}-`;
  const day = `${zone.dateTag(start)}${variant}${zoneless ? '' : `z${zoneDigest(zone)}`}`;
  if (version === undefined) return `${day}-`;
  // A run begun part way through the day names its local minute: `261124z1a2b3c-3fa9c1.1005-`.
  const minute = Math.round(zone.hourOfDay(start) * 60);
  const at = partWay ? `.${String(Math.floor(minute / 60)).padStart(2, '0')}${String(minute % 60).padStart(2, '0')}` : '';
  return `${day}-${version}${at}-`;
}

/** The zone, in short: as Intl names it, so `asia/shanghai` and `Asia/Shanghai` (one zone) send one day's ids. */
const zoneDigest = (zone: Zone) =>
  createHash('sha256').update(new Intl.DateTimeFormat('en', { timeZone: zone.name }).resolvedOptions().timeZone).digest('hex').slice(0, 6);
