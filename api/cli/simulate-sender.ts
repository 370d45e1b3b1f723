// npm run simulate's sender: POSTs the batches the demo hands it to {url}/api/events, holding on through what networks
// and busy servers do (no answer, 413, 408/429/5xx with Retry-After, a server clock behind), counting what the server
// acknowledged, and stopping the run at an answer no resend can mend.
import { gzipSync } from 'node:zlib';
import type { RawEvent } from '../sim/simulator';

export interface SenderOptions {
  /** --url as given, and parsed. */
  url: string;
  base: URL;
  endpoint: string;
  token: string;
  /** --gzip: each batch is sent gzip-compressed (Content-Encoding: gzip). */
  gzip?: boolean;
  /** Stops the run; exit code 1 is set first. */
  stop: () => void;
  /** The time of day a line begins with. */
  clock: () => string;
}

const TIMEOUT_S = 30;

const NOT_FLOORBOARD = " is not a Floorboard server's answer: --url is the address of npm start (http://host:port)";

/** What TLS says of a server that answered its hello in plain HTTP (OpenSSL's words vary with its version). */
const PLAIN_HTTP = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);

/** Answers that say "not now" rather than "not this": a proxy's timeout, a rate limit. Sent again, as a 5xx is. */
const LATER = new Set([408, 429]);

/** An event's `at` in ms (the phone system's are epoch ms, the rest ISO text). */
const msOf = (at: string | number | undefined) => (typeof at === 'number' ? at : Date.parse(at ?? ''));

/** How far an answer's Date is behind this machine's clock, in ms. */
function behindByDate(date: string | null): number | undefined {
  const ms = Date.now() - Date.parse(date ?? '');
  return Number.isFinite(ms) ? ms : undefined;
}

/** The longest Retry-After waited for: an hour, whatever a proxy asks. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** A Retry-After header's wait in ms (seconds, or an HTTP date), or undefined when there is none to read. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const ms = /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

/** Delivers the demo's batches (`send`), counting in `stats` what the server acknowledged. */
export function createSender({ url, base, endpoint, token, gzip = false, stop, clock }: SenderOptions) {
  const stats = { sent: 0, duplicates: 0, rejectedBatches: 0, rejectedEvents: 0 };
  /** What a stop says was delivered, and how many it made the server did not acknowledge. */
  const tally = (unsent: number) => `sent ${stats.sent} · duplicates ${stats.duplicates} · rejected ${stats.rejectedEvents}${unsent ? ` · not acknowledged ${unsent}` : ''}`;

  /** Why a POST got no answer, said so that an operator knows where to look (fetch says only "fetch failed"). */
  function unanswered(err: unknown): Error {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') return new Error(`no answer from ${endpoint} in ${TIMEOUT_S} s; the server may be overloaded`);
    return new Error(`cannot reach ${endpoint} (${e.cause?.code ?? e.message}); is the server running there?`);
  }

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
    405: `--url is the server's own address (http://host:port), ${extraPath}`,
    // A server (an older Floorboard) or a proxy that does not take a compressed body refuses every batch so.
    ...(gzip ? { 415: 'it does not take a gzip-compressed body; leave out --gzip' } : {})
  };

  /** How far the simulated centre's clock runs behind this machine's: as far as the server's clock is behind it. */
  let lagMs = 0;

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
    // The stop sends what it holds: after one such answer every batch was sent to get it too, a line each.
    if (gaveUp) throw new Error('not sent: the server refused the batch before it, as it would this one');
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
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
      body: gzip ? gzipSync(JSON.stringify(events)) : JSON.stringify(events),
      signal: AbortSignal.timeout(TIMEOUT_S * 1000)
    }).catch((err: unknown) => {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? '';
      // An HTTP answer to a TLS hello: no resend mends it. Said as "cannot reach …; is the server running there?" of a
      // server that was, and sent again for ever.
      if (base.protocol === 'https:' && PLAIN_HTTP.has(code)) {
        process.exitCode = 1;
        stop();
        throw new Error(`${endpoint} answers in plain HTTP, not HTTPS: --url is ${url.replace(/^https:/, 'http:')} (${code})`);
      }
      // A host no name server knows (a typo) was tried every 2 s for ever. One that answered before is sent to again,
      // as a refused connection is: a container's name is unknown while it restarts.
      if (code === 'ENOTFOUND' && !answered) {
        process.exitCode = 1;
        stop();
        throw new Error(`${endpoint}: no host is named ${base.hostname} (ENOTFOUND): check --url`);
      }
      // Never tried (X11's 6000, IRC's 6667…): it said "cannot reach … (fetch failed)" and asked again for ever.
      if ((err as { cause?: Error }).cause?.message === 'bad port') {
        process.exitCode = 1;
        stop();
        throw new Error(`${endpoint}: port ${base.port} is one that fetch, as browsers, refuses to connect to, and so would the wall's: run the server on another PORT`);
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
      stop();
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

  return {
    send,
    stats,
    tally,
    /** How far the simulated centre's clock runs behind this machine's. */
    lagMs: () => lagMs,
    /** Whether the server asked not to be sent anything yet (Retry-After). */
    resting: () => Date.now() < restUntil,
    /** Events of a batch refused by an answer no resend can mend, which the demo holds no more. */
    refusedAtStop: () => refusedAtStop
  };
}
