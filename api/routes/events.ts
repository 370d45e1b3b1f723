// POST /api/events: authorize → read → parse → validate → group commit → answer. Role: ingest.
// One framework-free function answers it, so the Hono route (every test through app.request) and the Node
// listener's fast path (listen.ts) give the same answers. Machines post here thousands of times a second,
// and Hono's Node adapter builds a web Request, Headers and Response for each post; answering from Node's
// request skips that work on the main thread (alone it moved throughput within noise: the writer limits it).
import { Hono } from 'hono';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SideFileGone } from '../../db/side-files';
import type { AppDeps } from '../app';
import { failureAnswer, honoAnswer, nodeAnswer, type Answer } from '../answers';
import { authorize, crossSiteSession, honoAccessors, isDenial, NodeAccessors, requireRole, type Accessors } from '../auth/middleware';
import { splitBody, validateEvents, type Refusal } from '../events/parse';
import { hasStoredEvents } from '../queries/hasStoredEvents';
import { RETRY_AFTER_SECONDS } from '../ingest/failure';
import { readBody, readIncoming, readIncomingCoded, SenderGone, type BodyResult, type Coding } from './body';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** What answering a post needs of the request, whichever server received it. */
interface EventsRequest extends Accessors {
  /** The body as text, decoded from `coding` when it is compressed. */
  body(maxBytes: number, coding: Coding | null): Promise<BodyResult>;
}

export async function postEvents(deps: AppDeps, req: EventsRequest): Promise<Answer> {
  const who = authorize(deps.db, req, ['ingest'], deps.now());
  if (isDenial(who)) return who;
  const crossSite = crossSiteSession(req, 'post events');
  if (crossSite) return crossSite;
  // A body compressed otherwise than this server decodes, read as text, would be called "not UTF-8", which does not
  // say what to change.
  const coding = compression(req);
  if (coding !== null && typeof coding !== 'string') return bodyFault(415, `${coding.refused} is not accepted; ${ACCEPTED_CODINGS}`);
  const body = await req.body(MAX_BODY_BYTES, coding);
  if (!body.ok && 'tooLarge' in body)
    return bodyFault(413, body.decoded ? 'body decompresses to more than 10 MB; send smaller batches' : 'body is larger than 10 MB; send smaller batches');
  if (!body.ok && 'notCoded' in body) return bodyFault(400, `body is not valid ${body.notCoded} (corrupt, or cut short); send it again, or uncompressed`);
  if (!body.ok && 'nulBytes' in body) return bodyFault(400, 'body holds NUL bytes, which JSON text never does: UTF-16 or UTF-32? send JSON encoded as UTF-8');
  if (!body.ok) return bodyFault(400, 'body is not valid UTF-8; send JSON encoded as UTF-8');
  // Sent with no Content-Length and no chunks (HTTP/1.0, a hand-written sender), what followed the headers was never
  // read as the body: that is the fault to name, not JSON that "ends too soon".
  if (body.text === '' && req.header('content-length') === undefined && req.header('transfer-encoding') === undefined)
    return bodyFault(411, 'the request has no Content-Length (nor Transfer-Encoding: chunked), so it has no body to read; send the events with their Content-Length');
  const split = splitBody(body.text, (req.header('content-type') ?? '').toLowerCase().includes('ndjson'));
  if (!split.ok) return refused(split);
  const valid = validateEvents(split.raw, deps.now(), split.wellFormed);
  if (!valid.ok) return refused(valid);
  // Refused once the database's files were found deleted under the server (deleted-database.ts).
  const stored = await deps.commits.submit(valid.events);
  // Committed as they were found deleted, it is in a file a crash (or the stop) loses: acknowledged once it is saved.
  const gone = deps.sideFilesFound?.();
  if (gone && !(await deps.sideFilesSaved!())) return unsaved(gone);
  return { status: 200, body: stored };
}

/** A batch stored in a deleted file that the server could not save (deleted-database.ts): not acknowledged, so its sender keeps it. */
const unsaved = (gone: SideFileGone): Answer => ({
  status: 503,
  body: { error: 'unavailable', message: `${gone.message} This batch could not be saved with the rest: send it again once the server is restarted (events it kept count as duplicates).` },
  headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) }
});

/** A refusal of the body as a whole (not of one event in it), in the shape of every refusal: at index 0, path ''. */
const bodyFault = (status: Answer['status'], message: string): Answer => ({ status, body: { errors: [{ index: 0, path: '', message }] } });

const ACCEPTED_CODINGS = 'send the body uncompressed, or compressed with Content-Encoding gzip or deflate';

/**
 * How a body is compressed: null when it is not (no new work for the hot path), a coding decoded here, or one refused
 * in the words of its header (`Content-Encoding br`, `Transfer-Encoding gzip`, which Node leaves on once it has taken
 * the chunks off, or a list of two codings, which no helpdesk sends).
 */
function compression(req: EventsRequest): Coding | { refused: string } | null {
  const transfer = req.header('transfer-encoding')?.toLowerCase().replace(/\s*,?\s*chunked\s*$/, '').trim();
  if (transfer && transfer !== 'identity') return { refused: `Transfer-Encoding ${transfer}` };
  const content = req.header('content-encoding')?.trim().toLowerCase();
  if (!content || content === 'identity') return null;
  if (content === 'gzip' || content === 'x-gzip') return 'gzip';
  if (content === 'deflate') return 'deflate';
  return { refused: `Content-Encoding ${content}` };
}

/** A refused batch's answer: its faults, and where their listing stopped if it did (at MAX_LISTED_ERRORS, events/parse.ts). */
function refused(r: Refusal): Answer {
  if (r.stoppedAt === undefined) return { status: 400, body: { errors: r.errors } };
  // Listing stops at the end of the event that reached MAX_LISTED_ERRORS, with all of its faults: a few more, at most.
  const message = `the first ${r.errors.length} faults are listed; the events from index ${r.stoppedAt} on were not checked. Mend these and send the batch again.`;
  return { status: 400, body: { errors: r.errors, stoppedAt: r.stoppedAt, message } };
}

export function eventsRoutes(deps: AppDeps) {
  return new Hono()
    // Whether any event was ever stored: the start page tells a new centre how to send its first (role: supervisor).
    .get('/stored', requireRole(deps.db, 'supervisor', deps.now), (c) => c.json({ stored: hasStoredEvents(deps.db.$client) }))
    .post('/', async (c) => {
      try {
        const node = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
        if (node?.incoming && node.outgoing) readRestThenClose(node.incoming, node.outgoing);
        return honoAnswer(c, await postEvents(deps, { ...honoAccessors(c), body: (max, coding) => readBody(c, max, coding) }));
      } catch (err) {
        // A real socket reaches this route too (a path the fast path does not read, /api/%65vents): a sender that hung up
        // mid-body is nobody's fault, not a failure to log, and nobody reads the answer.
        if (!(err instanceof SenderGone)) throw err;
        return c.body(null, 400);
      }
    });
}

/** A post as Node received it: the accessors and the body stream of one request, in one object. */
class NodeEventsRequest extends NodeAccessors implements EventsRequest {
  constructor(
    req: IncomingMessage,
    /** The response's writeContinue, for a sender waiting for it (Expect: 100-continue) until its body is wanted. */
    private readonly goOn?: () => void
  ) {
    super(req);
  }

  body(maxBytes: number, coding: Coding | null): Promise<BodyResult> {
    return coding ? readIncomingCoded(this.req, maxBytes, coding, this.goOn) : readIncoming(this.req, maxBytes, this.goOn);
  }
}

/**
 * The Node listener's handler for POST /api/events (see listen.ts): the same answers as the route, written
 * straight to Node's response. Returns false for any other request, which then goes to Hono.
 */
export function eventsFastPath(deps: AppDeps) {
  /** `waiting`: the sender asked for 100 Continue (Expect: 100-continue), which is sent only once its body is wanted. */
  return (req: IncomingMessage, res: ServerResponse, waiting = false): boolean => {
    if (req.method !== 'POST' || deps.draining?.()) return false;
    const url = req.url ?? '';
    if (url !== '/api/events' && !EVENTS_TARGET.test(url)) return false;
    void answerFromNode(deps, req, res, url, waiting);
    return true;
  };
}

/**
 * Every target the Hono route takes a post at: a slash before the query (/api/events/?source=pbx) and an absolute
 * address too. Answered there, a batch refused before its body was read was cut half a second after its answer by
 * the adapter (which drains a body no longer than that), the body still arriving: its sender read "Broken pipe".
 */
const EVENTS_TARGET = /^(?:https?:\/\/[^/?#]+)?\/api\/events\/?(?:\?|$)/;

/** A post as the log names it: by its path, as the Hono routes are, since a sender may have put a token in the query string. */
const logged = (url: string) => `POST ${url.split('?')[0]}`;

async function answerFromNode(deps: AppDeps, req: IncomingMessage, res: ServerResponse, url: string, waiting: boolean): Promise<void> {
  let a: Answer | null;
  let toldToGoOn = false;
  try {
    // A closure only for a sender that waits: every other batch, the hot path, makes none.
    const goOn = waiting
      ? () => {
          toldToGoOn = true;
          res.writeContinue();
        }
      : undefined;
    a = await postEvents(deps, new NodeEventsRequest(req, goOn));
    // Refused before its body was wanted (no token, too large): it was never told to send it, and whether it sends it
    // anyway, no answer reads it; the connection ends with this answer.
    if (a && waiting && !toldToGoOn) a = { ...a, headers: { ...a.headers, connection: 'close' } };
  } catch (err) {
    a = err instanceof SenderGone ? null : failureAnswer(err, logged(url));
  }
  try {
    if (!a) return void res.destroy();
    // A body read whole (every accepted batch) leaves nothing to read: no listener a request for it.
    if (!req.complete && !(waiting && !toldToGoOn)) readRestThenClose(req, res);
    nodeAnswer(res, a);
  } catch (err) {
    console.error(`${logged(url)}: could not answer:`, err);
    res.destroy();
  }
}

/**
 * Answered before its body was all read (too large, no token, compressed), on a connection that ends with the
 * answer (the sender asked so, as Python's urllib does): Node closed it as soon as the answer was written, the rest of
 * the body still arriving, and the system reset it; a sender that writes its whole body before it reads read "Broken
 * pipe", never the 413 that says what to do. The rest is read and dropped first (a sender that stalls is cut after
 * the server's keep-alive timeout, KEEP_ALIVE_MS in listen.ts: 65 s), then the connection is ended.
 */
function readRestThenClose(req: IncomingMessage, res: ServerResponse): void {
  // Once the answer is written (its headers say whether the connection ends with it), before Node ends the connection.
  res.once('prefinish', () => {
    const node = res as unknown as { _last: boolean };
    if (!node._last || req.complete) return;
    node._last = false;
    res.once('finish', () => (req.complete ? req.socket.end() : req.once('end', () => req.socket.end())));
  });
}
