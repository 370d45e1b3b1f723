// Streams the simulated support centre to a running server: npm run simulate -- --help
import { timezoneProblem } from '../config';
import { startDemo } from '../sim/demo';
import { ticketsPerHourForEventRate } from '../sim/rates';
import type { RawEvent } from '../sim/simulator';
import { exit, readFlags } from './exit';

const USAGE = `Usage: npm run simulate -- [options]

Streams a realistic, deterministic support centre to POST {url}/api/events.

  --url URL          server base URL (default http://127.0.0.1:3000)
  --token TOKEN      ingest token (default $INGEST_TOKEN)
  --rate N           target events per second, averaged over a week's day/night cycle (default 20)
  --seed N           random seed; the same seed replays the same centre (default 1)
  --backfill         first send today so far, from local midnight
  --duration S       stop after S seconds of live streaming (default: until Ctrl-C)
  --timezone ZONE    IANA zone for the day's shape (default $KPI_TIMEZONE, else this machine's)
  --help             show this help

While the server is away or busy it holds what it made and sends it again (every 2 s, or after a 429's or 503's
Retry-After); past 50,000 events held, the simulated clock waits. A batch refused as too large (413) is sent in
halves. Stopped (Ctrl-C, SIGTERM, SIGHUP as its terminal closes, --duration), it sends what it holds, then says how
many events the server acknowledged, how many of them were duplicates, and how many it did not acknowledge; Ctrl-C
again quits at once.
Exit code 1 when nothing was delivered, or at an answer only a change here mends (--token, --url); 2 for options
it cannot use.
`;

function fail(message: string): never {
  return exit(`${message}\n\n${USAGE}`);
}

function number(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

const args = readFlags(
  {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    token: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    backfill: { type: 'boolean', default: false },
    duration: { type: 'string' },
    timezone: { type: 'string' },
    help: { type: 'boolean', default: false }
  },
  USAGE
);

const token = args.token ?? process.env.INGEST_TOKEN;
if (!token) fail('an ingest token is needed: --token or INGEST_TOKEN');
// As npm start refuses such an INGEST_TOKEN: fetch cannot put it in a header, and every POST failed as "cannot reach
// the server; is it running there?", sent again for ever. Spaces around it are dropped, as fetch drops them.
const foreign = /[^\x21-\x7e]/.exec(token.trim());
if (foreign)
  fail(
    `${args.token === undefined ? 'INGEST_TOKEN' : '--token'} has a character outside printable ASCII (${JSON.stringify(foreign[0])}, U+${foreign[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}, at ${foreign.index}), which no HTTP header can carry; copy the token again`
  );
let base: URL;
try {
  base = new URL(args.url);
} catch {
  fail(`--url must be a server's address such as http://127.0.0.1:3000, got ${JSON.stringify(args.url)}`);
}
if (base.protocol !== 'http:' && base.protocol !== 'https:') fail(`--url must start with http:// or https://, got ${JSON.stringify(args.url)}`);
const endpoint = `${args.url.replace(/\/+$/, '')}/api/events`;
const rate = number(args.rate, 20, 'rate');
// Beyond this one process cannot make the traffic it would promise, and planning the day's arrivals stalls it.
const MAX_RATE = 100_000;
// Below this the peak hour holds under 8 tickets, and the day's plan divides by a rate near zero (1e-50 threw).
const MIN_RATE = 0.01;
if (rate < MIN_RATE) fail(`--rate must be at least ${MIN_RATE} events/s (about 8 tickets in the peak hour), got ${JSON.stringify(args.rate)}`);
if (rate > MAX_RATE) fail(`--rate must be at most ${MAX_RATE.toLocaleString('en')} events/s, got ${JSON.stringify(args.rate)}; run several simulators for more`);
// Empty (an env file's `KPI_TIMEZONE=`) is no setting, as npm start and the demo read it: it was refused as no IANA zone.
const timezone = args.timezone ?? (process.env.KPI_TIMEZONE || undefined);
const timezoneIssue = timezone === undefined ? null : timezoneProblem(timezone);
if (timezoneIssue) fail(`${args.timezone === undefined ? 'KPI_TIMEZONE' : '--timezone'} ${timezoneIssue}, got ${JSON.stringify(timezone)}`);
// As npm start refuses it: with TZ set as a rule (UTC0, :/etc/localtime, as containers do) or empty, ICU names no
// zone, and the day was shaped on UTC's clock unsaid, or a RangeError's stack trace ended the run.
const machineZone = Intl.DateTimeFormat().resolvedOptions().timeZone as string | undefined;
if (timezone === undefined && (!machineZone || timezoneProblem(machineZone)))
  fail(`KPI_TIMEZONE is not set, and this machine's timezone has no IANA name to default to (TZ is ${JSON.stringify(process.env.TZ ?? '')}); give the centre's zone, such as --timezone Asia/Shanghai`);
const seed = Math.floor(number(args.seed, 1, 'seed'));
const duration = args.duration === undefined ? undefined : number(args.duration, 0, 'duration');
// A timer longer than 2^31 − 1 ms fires at once (Node sets it to 1 ms): --duration 3000000 would stop as it began.
const MAX_DURATION_S = Math.floor((2 ** 31 - 1) / 1000);
if (duration !== undefined && duration > MAX_DURATION_S)
  fail(`--duration must be at most ${MAX_DURATION_S.toLocaleString('en')} s (24 days), got ${JSON.stringify(args.duration)}; leave it out to stream until Ctrl-C`);

const stats = { sent: 0, duplicates: 0, rejectedBatches: 0, rejectedEvents: 0 };
/** What a stop says was delivered, and how many it made the server did not acknowledge. */
const tally = (unsent: number) => `sent ${stats.sent} · duplicates ${stats.duplicates} · rejected ${stats.rejectedEvents}${unsent ? ` · not acknowledged ${unsent}` : ''}`;
const clock = () => new Date().toTimeString().slice(0, 8);

const TIMEOUT_S = 30;

/** Why a POST got no answer, said so that an operator knows where to look (fetch says only "fetch failed"). */
function unanswered(err: unknown): Error {
  const e = err as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError') return new Error(`no answer from ${endpoint} in ${TIMEOUT_S} s; the server may be overloaded`);
  return new Error(`cannot reach ${endpoint} (${e.cause?.code ?? e.message}); is the server running there?`);
}

const NOT_FLOORBOARD = " is not a Floorboard server's answer: --url is the address of npm start (http://host:port)";

/** What TLS says of a server that answered its hello in plain HTTP (OpenSSL's words vary with its version). */
const PLAIN_HTTP = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);

/**
 * What --url has too many: POST {path}/api/events is a page of the dashboard (405), or nothing at all (404) on a
 * server without a dashboard build; --url http://host:port/api/events is one way to get there.
 */
const extraPath = /\/api\/events\/*$/.test(base.pathname) ? 'without /api/events' : 'without a path';

/** What to change for an answer no resend can mend. */
const FATAL: Partial<Record<number, string>> = {
  401: 'check --token',
  403: 'check --token',
  404: `--url is the server's own address (http://host:port), ${extraPath}`,
  405: `--url is the server's own address (http://host:port), ${extraPath}`
};

/** Answers that say "not now" rather than "not this": a proxy's timeout, a rate limit. Sent again, as a 5xx is. */
const LATER = new Set([408, 429]);

/** An event's `at` in ms (the phone system's are epoch ms, the rest ISO text). */
const msOf = (at: string | number | undefined) => (typeof at === 'number' ? at : Date.parse(at ?? ''));

/** How far the simulated centre's clock runs behind this machine's: as far as the server's clock is behind it. */
let lagMs = 0;

/** How far an answer's Date is behind this machine's clock, in ms. */
function behindByDate(date: string | null): number | undefined {
  const ms = Date.now() - Date.parse(date ?? '');
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Whether answers' Date tells the clock that refused events as ahead of it: it told the same as their refusal did.
 * A proxy's Date, from another machine's clock, would have the centre catch up, be refused, and fall behind again.
 */
let datesTell = false;

/**
 * Runs no further behind than the server's clock is now, by its answer's Date (whole seconds, so read up to 1 s
 * further behind than it is, and a second more to spare): a clock set right again (NTP) after it ran behind left the
 * centre as far behind as it once was for the rest of the run, every ticket reaching the wall that much late.
 */
function catchUp(date: string | null): void {
  const byDate = behindByDate(date);
  if (!datesTell || byDate === undefined) return;
  const behind = Math.max(0, byDate) + 1000;
  // Not for the second the Date's rounding moves it by.
  if (behind + 1000 >= lagMs) return;
  lagMs = behind;
  console.log(`${clock()} the server's clock is set right again (about ${Math.round(behind / 1000)} s behind this machine's): the simulated centre runs that far behind now`);
}

/**
 * The most events a POST carries once a 413 said a batch was too large (a proxy's body limit in front of the
 * server, say): halved at each 413, so every event goes in batches that fit.
 */
let batchLimit = Infinity;

/**
 * How far into the batch being sent the server has taken it (acknowledged, or refused for good), by its first event:
 * after a 413 split it, a failure of a later part keeps the whole batch for the next try. Sent whole again, the parts
 * already taken went twice, and the summary counted them as sent and as duplicates again.
 */
let taken: { first: RawEvent | undefined; count: number } = { first: undefined, count: 0 };

/** Whether the server has answered a POST yet. */
let answered = false;

/** Delivers a batch the demo holds, again if it failed before: what the server took of it last time is skipped. */
async function send(events: RawEvent[]): Promise<void> {
  if (taken.first !== events[0]) taken = { first: events[0], count: 0 };
  await post(events.slice(Math.min(taken.count, events.length)));
  // Given up on at an answer no resend can mend (a wrong token): the demo holds it no more, and the stop's summary
  // counted it nowhere, as if delivered.
  if (gaveUp) refusedAtStop += events.length - taken.count;
  taken = { first: undefined, count: 0 };
}

/** Whether an answer no resend can mend stopped the run, and how many events of the batch it refused were not taken. */
let gaveUp = false;
let refusedAtStop = 0;

/**
 * 2xx: counted. 413: sent again in halves. 400 for events ahead of the server's clock alone, 408, 429, 5xx or no
 * answer: thrown, and retried. Other 4xx: printed and dropped, since resending cannot fix it.
 */
async function post(events: RawEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (events.length > batchLimit) {
    // On by what was sent, not by the limit: a 413 on a part halves the limit meanwhile, and stepping by the new one
    // sent the end of that part again (counted as duplicates, 346 in a backfill of 10,421 behind a 16 KB limit).
    // On until an answer no resend can mend; a stop sends the rest, as it sends all it holds (a part left out was
    // taken as delivered).
    for (let i = 0; i < events.length && process.exitCode !== 1; ) {
      const part = events.slice(i, i + batchLimit);
      await post(part);
      i += part.length;
    }
    return;
  }
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
    signal: AbortSignal.timeout(TIMEOUT_S * 1000)
  }).catch((err: unknown) => {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? '';
    // An HTTP answer to a TLS hello: no resend mends it. Said as "cannot reach …; is the server running there?" of a
    // server that was, and sent again for ever.
    if (base.protocol === 'https:' && PLAIN_HTTP.has(code)) {
      process.exitCode = 1;
      void shutdown();
      throw new Error(`${endpoint} answers in plain HTTP, not HTTPS: --url is ${args.url.replace(/^https:/, 'http:')} (${code})`);
    }
    // A host no name server knows (a typo) was tried every 2 s for ever. One that answered before is sent to again,
    // as a refused connection is: a container's name is unknown while it restarts.
    if (code === 'ENOTFOUND' && !answered) {
      process.exitCode = 1;
      void shutdown();
      throw new Error(`${endpoint}: no host is named ${base.hostname} (ENOTFOUND): check --url`);
    }
    throw unanswered(err);
  });
  answered = true;
  const text = await res.text();
  /** Resending cannot mend this, and every batch after would get the same: said, and the simulator stops. */
  const giveUp = (why: string) => {
    console.error(`${clock()} ${res.status} from ${endpoint}${why} (${text.slice(0, 200)})`);
    gaveUp = true;
    process.exitCode = 1;
    void shutdown();
  };
  if (res.ok) {
    let body: { accepted?: number; duplicates?: number } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Another program answers there (a web page, a proxy's own 200): the same batch was sent again for ever,
      // saying only that some text "is not valid JSON".
    }
    if (typeof body?.accepted !== 'number') return giveUp(NOT_FLOORBOARD);
    stats.sent += events.length;
    stats.duplicates += body.duplicates ?? 0;
    taken.count += events.length;
    if (lagMs > 0) catchUp(res.headers.get('date'));
    return;
  }
  // Too large for the server, or for a proxy in front of it: dropped as a bad batch, every batch's events were lost.
  if (res.status === 413) {
    if (events.length === 1) return giveUp(': a single event is larger than it takes; raise the body limit of the proxy in front of the server');
    batchLimit = Math.ceil(events.length / 2);
    console.error(`${clock()} 413 from ${endpoint}: a batch of ${events.length} events is larger than it takes (a proxy's body limit?); sending batches of ${batchLimit}`);
    return post(events);
  }
  const mend = FATAL[res.status];
  if (mend) return giveUp(`: ${mend}`);
  if (res.status >= 400 && res.status < 500 && !LATER.has(res.status)) {
    let errors: { index: number; path: string; message: string }[] | undefined;
    try {
      ({ errors } = JSON.parse(text) as { errors?: typeof errors });
    } catch {
      // Floorboard answers in JSON: a page is another program's (nginx's 400 to plain HTTP at its HTTPS port), which
      // every batch gets, and every batch was dropped as a bad one for as long as it ran.
      return giveUp(NOT_FLOORBOARD);
    }
    // Stamped ahead of the server's clock (a clock behind this machine's), and nothing else: the simulated centre
    // runs as far behind as the server's clock, and the batch is sent again once that clock reaches it. Dropped as
    // a bad batch, every batch was, with nothing delivered, until Ctrl-C.
    const ahead = errors?.map((e) => (e.path === 'at' ? Number(/^at is ([\d.]+) s in the future by the server clock/.exec(e.message)?.[1]) : NaN));
    if (errors && ahead?.length && ahead.every((sec) => sec >= 0)) {
      // The server's clock, read off an event's time and how far ahead of it that was: the events were made already
      // lagMs behind (or a while ago), so how far ahead they were is not how far behind the server is. Taken as the
      // lag, a clock set back a second time left the centre as far ahead of it as before, and every batch refused.
      const serverNow = Math.min(...errors.map((e, i) => msOf(events[e.index]?.at) - ahead[i] * 1000));
      const behind = Number.isFinite(serverNow) ? Date.now() - serverNow : Math.max(...ahead) * 1000;
      lagMs = Math.max(lagMs, Math.ceil(behind) + 1000);
      // Its Date is the clock that refused them only if it tells the same (not a proxy's own, on another machine).
      const byDate = behindByDate(res.headers.get('date'));
      datesTell = byDate !== undefined && Math.abs(byDate - behind) <= 2000;
      throw new Error(`the server's clock is about ${Math.round(lagMs / 1000)} s behind this machine's: the simulated centre runs that far behind to suit it, and the batch is sent again; set both clocks right (NTP)`);
    }
    stats.rejectedBatches++;
    stats.rejectedEvents += events.length;
    taken.count += events.length;
    let detail = text;
    if (errors) detail = errors.slice(0, 5).map((e) => `  #${e.index} ${e.path || '(event)'}: ${e.message}`).join('\n') + (errors.length > 5 ? `\n  … ${errors.length - 5} more` : '');
    console.error(`${clock()} batch of ${events.length} rejected with ${res.status}:\n${detail}`);
    return;
  }
  const error = new Error(`${res.status} ${res.statusText} ${text.slice(0, 200)}`);
  const wait = retryAfterMs(res.headers.get('retry-after'));
  if (wait === undefined) throw error;
  restUntil = Date.now() + wait;
  // A rate limiter's "come back in two minutes" was asked again every 2 s, which many take as cause to ban longer.
  error.message += `; waiting ${Math.round(wait / 1000)} s before sending again, as its Retry-After asks`;
  throw Object.assign(error, { retryAfterMs: wait });
}

/** Until when the server asked not to be sent anything (Retry-After): a stop before then sends it nothing either. */
let restUntil = 0;

/** The longest Retry-After waited for: an hour, whatever a proxy asks. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** A Retry-After header's wait in ms (seconds, or an HTTP date), or undefined when there is none to read. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const ms = /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

const ticketsPerHour = ticketsPerHourForEventRate(rate);
console.log(
  `${clock()} simulating ~${rate} events/s on average over a week (${Math.round(ticketsPerHour).toLocaleString('en')} tickets in the peak hour; the hour of day and the weekday set the rate at any moment) → ${endpoint}`
);

let last = 0;
const report = setInterval(() => {
  console.log(`${clock()} sent ${stats.sent} (+${stats.sent - last}, ${((stats.sent - last) / 5).toFixed(1)}/s) · duplicates ${stats.duplicates} · rejected ${stats.rejectedEvents} in ${stats.rejectedBatches} batches`);
  last = stats.sent;
}, 5_000);

/**
 * What the server made of the backfill: the same --seed, --rate and --timezone send today's events under the same
 * ids, and a second run's "backfilled 9984 events" read as a day delivered where the server stored next to none.
 */
function saidOfBackfill(): void {
  const { sent, duplicates } = stats;
  const why = duplicates > sent / 10 ? ': today was backfilled there before with this --seed, --rate and --timezone' : ' (sent twice on purpose, as webhooks are)';
  console.log(`${clock()} the server stored ${sent - duplicates} of the ${sent} backfilled events as new and already held ${duplicates}${why}`);
}

let deadline: ReturnType<typeof setTimeout> | undefined;
const demo = startDemo({
  send,
  now: () => Date.now() - lagMs,
  seed,
  ticketsPerHour,
  timezone: timezone ?? machineZone,
  backfill: args.backfill,
  log: (msg) => console.log(`${clock()} ${msg}`),
  onLive: () => {
    if (args.backfill) saidOfBackfill();
    if (duration !== undefined) deadline = setTimeout(() => void shutdown(), duration * 1000);
  }
});

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearTimeout(deadline);
  clearInterval(report);
  // Not after an answer no resend can mend (a wrong token), which every batch would get, nor while asked to wait.
  const deliverHeld = process.exitCode !== 1 && Date.now() >= restUntil;
  // Said at once: with a request in flight to a server that does not answer, a Ctrl-C was silent for up to 30 s.
  const held = demo.held();
  if (held > 0 && deliverHeld) console.log(`${clock()} stopping: sending the ${held} event${held === 1 ? '' : 's'} it holds (Ctrl-C again to quit at once)`);
  const unsent = (await demo.stop({ deliverHeld })).unsent + refusedAtStop;
  console.log(`${clock()} done: ${tally(unsent)}`);
  if (unsent)
    console.error(`${clock()} ${unsent} event${unsent === 1 ? '' : 's'} it made ${unsent === 1 ? 'was' : 'were'} not acknowledged before the stop: not stored, but for any of a request the server did not answer`);
  // A run that delivered nothing did not do its job, whatever stopped it.
  if (stats.sent === 0 && !process.exitCode) {
    console.error(`${clock()} no events were delivered to ${endpoint}`);
    process.exitCode = 1;
  }
}

// Its output piped into a program that ended (`| head -1`, a log shipper that died): the next line threw EPIPE, a
// stack trace, and what it held was lost. It stops as on Ctrl-C, its output going nowhere.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  void shutdown();
});

// SIGHUP is its terminal closing (an SSH session dropped): it ended the process at once, what it held lost unsaid.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C means "now", even with a request hanging: what was delivered, and what not, is still said.
    if (stopping) {
      console.log(`${clock()} quit: ${tally(demo.held() + refusedAtStop)}`);
      process.exit(130);
    }
    void shutdown();
  });
}
