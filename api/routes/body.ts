// Reads a request body as text with a size cap. On the Node server it reads the socket stream directly:
// building a web ReadableStream per request (as hono/body-limit does) cost more than ingesting the event.
import type { Context } from 'hono';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';

/**
 * The body as text (a byte-order mark dropped); or too large; or not UTF-8, which decoding would quietly turn
 * into U+FFFD; or holding NUL bytes, as UTF-16 or UTF-32 without a byte-order mark does (valid UTF-8, but never JSON).
 */
export type BodyResult = { ok: true; text: string } | { ok: false; tooLarge: true } | { ok: false; notUtf8: true } | { ok: false; nulBytes: true };

/** The sender hung up before its body ended: nobody is there to answer, and it is not the server's fault. */
export class SenderGone extends Error {
  override readonly name = 'SenderGone';
}

const GONE = 'the sender closed the connection before the body ended';

/** UTF-8 text, without the byte-order mark some Windows senders write first (it is not part of any JSON). */
function decode(buf: Buffer): BodyResult {
  if (!isUtf8(buf)) return { ok: false, notUtf8: true };
  if (buf.includes(0)) return { ok: false, nulBytes: true };
  const text = buf.toString('utf8');
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

export async function readBody(c: Context, maxBytes: number): Promise<BodyResult> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) return readIncoming(incoming, maxBytes);
  if (Number(c.req.header('content-length') ?? NaN) > maxBytes) return { ok: false, tooLarge: true };
  const buf = Buffer.from(await c.req.arrayBuffer());
  return buf.length > maxBytes ? { ok: false, tooLarge: true } : decode(buf);
}

/**
 * Reads Node's request stream, keeping at most `maxBytes`. Plain listeners: an async iterator per request cost more.
 * `goOn`: sends a client that asked (Expect: 100-continue) the 100 Continue it waits for before sending the body.
 */
export function readIncoming(incoming: IncomingMessage, maxBytes: number, goOn?: () => void): Promise<BodyResult> {
  if (Number(incoming.headers['content-length'] ?? NaN) > maxBytes) return Promise.resolve({ ok: false, tooLarge: true });
  // A sender waiting for 100 Continue (`goOn`) is told to send its body only now, its request accepted so far.
  goOn?.();
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Answered once the cap is passed: a sender streaming more (an export piped to curl, a stream that never
      // ends) hears 413 without sending the rest. The rest is drained, not kept, so the connection stays usable.
      if (size - chunk.length <= maxBytes) {
        chunks = [];
        resolve({ ok: false, tooLarge: true });
      }
    });
    // Each fires once a request; `on` is cheaper than `once`, and no named closures (see NodeAccessors).
    incoming.on('end', () => {
      if (size > maxBytes) resolve({ ok: false, tooLarge: true });
      else resolve(decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    });
    // A sender that hangs up mid-body ('aborted', then close): nobody waits for an answer, but nothing may wait
    // forever either. Errors of a request stream are its socket's.
    incoming.on('error', () => reject(new SenderGone(GONE)));
    incoming.on('close', () => {
      if (!incoming.complete) reject(new SenderGone(GONE));
    });
  });
}
