// Streams the simulated support centre to a running server: npm run simulate -- --help
import { timezoneProblem } from '../config';
import { startDemo } from '../sim/demo';
import { ticketsPerHourForEventRate } from '../sim/rates';
import { exit, goOnWithoutOutput, readFlags } from './exit';
import { createSender } from './simulate-sender';

const USAGE = `Usage: npm run simulate -- [options]

Streams a realistic, deterministic support centre to POST {url}/api/events.

  --url URL          server base URL (default http://127.0.0.1:3000)
  --token TOKEN      ingest token (default $INGEST_TOKEN)
  --rate N           target events per second, averaged over a week's day/night cycle (default 20)
  --seed N           random seed; the same seed replays the same centre (default 1)
  --backfill         first send today so far, from local midnight
  --duration S       stop after S seconds of live streaming (default: until Ctrl-C)
  --timezone ZONE    IANA zone for the day's shape (default $KPI_TIMEZONE, else this machine's)
  --gzip             send each batch gzip-compressed (Content-Encoding: gzip), as many helpdesks send webhooks
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
    gzip: { type: 'boolean', default: false },
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
// fetch sends nothing to such an address: it said "cannot reach …; is the server running there?" for ever.
if (base.username || base.password)
  fail(`--url cannot carry a user name or password (the ingest token is --token), got ${JSON.stringify(args.url.replace(/(\/\/[^:@/]*):[^@/]*@/, '$1:***@'))}`);
// /api/events is written after it: after a query or fragment (the wall's address pasted, ?token=…), it posted to the
// page, and the 405 said to write it "without a path".
if (/[?#]/.test(args.url)) fail(`--url is the server's own address (http://host:port), without a ?query or #fragment, got ${JSON.stringify(args.url)}`);
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
// The simulator's randomness keeps 32 bits of it: a fraction or a larger seed replayed another seed's centre, unsaid.
const MAX_SEED = 2 ** 32 - 1;
const seed = number(args.seed, 1, 'seed');
if (!Number.isInteger(seed) || seed > MAX_SEED) fail(`--seed must be a whole number from 1 to ${MAX_SEED.toLocaleString('en')}, got ${JSON.stringify(args.seed)}`);
const duration = args.duration === undefined ? undefined : number(args.duration, 0, 'duration');
// A timer longer than 2^31 − 1 ms fires at once (Node sets it to 1 ms): --duration 3000000 would stop as it began.
const MAX_DURATION_S = Math.floor((2 ** 31 - 1) / 1000);
if (duration !== undefined && duration > MAX_DURATION_S)
  fail(`--duration must be at most ${MAX_DURATION_S.toLocaleString('en')} s (24 days), got ${JSON.stringify(args.duration)}; leave it out to stream until Ctrl-C`);

const clock = () => new Date().toTimeString().slice(0, 8);
const sender = createSender({ url: args.url, base, endpoint, token, gzip: args.gzip, stop: () => void shutdown(), clock });
const { stats, tally } = sender;

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
  send: sender.send,
  now: () => Date.now() - sender.lagMs(),
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
  const deliverHeld = process.exitCode !== 1 && !sender.resting();
  // Said at once: with a request in flight to a server that does not answer, a Ctrl-C was silent for up to 30 s.
  const held = demo.held();
  if (held > 0 && deliverHeld) console.log(`${clock()} stopping: sending the ${held} event${held === 1 ? '' : 's'} it holds (Ctrl-C again to quit at once)`);
  const unsent = (await demo.stop({ deliverHeld })).unsent + sender.refusedAtStop();
  console.log(`${clock()} done: ${tally(unsent)}`);
  if (unsent)
    console.error(`${clock()} ${unsent} event${unsent === 1 ? '' : 's'} it made ${unsent === 1 ? 'was' : 'were'} not acknowledged before the stop: not stored, but for any of a request the server did not answer`);
  // A run that delivered nothing did not do its job, whatever stopped it.
  if (stats.sent === 0 && !process.exitCode) {
    console.error(`${clock()} no events were delivered to ${endpoint}`);
    process.exitCode = 1;
  }
}

// Its output or its errors piped into a program that ended (`| head -1`, a log shipper that died), or its terminal
// closed (EIO, after SIGHUP): the next line threw, a stack trace, and what it held was lost. It stops as on Ctrl-C,
// its output going nowhere.
goOnWithoutOutput(() => void shutdown());

// SIGHUP is its terminal closing (an SSH session dropped): it ended the process at once, what it held lost unsaid.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C means "now", even with a request hanging: what was delivered, and what not, is still said.
    if (stopping) {
      console.log(`${clock()} quit: ${tally(demo.held() + sender.refusedAtStop())}`);
      process.exit(130);
    }
    void shutdown();
  });
}
