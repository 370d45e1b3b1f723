// Reads a request body as text with a size cap. On the Node server it reads the socket stream directly:
// building a web ReadableStream per request (as hono/body-limit does) cost more than ingesting the event.
import type { Context } from 'hono';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate, createInflateRaw, type Gunzip, type Inflate, type InflateRaw } from 'node:zlib';

/**
 * The body as text (a byte-order mark dropped); or too large; or not UTF-8, which decoding would quietly turn
 * into U+FFFD; or holding NUL bytes, as UTF-16 or UTF-32 without a byte-order mark does (valid UTF-8, but never JSON).
 */
export type BodyResult =
  | { ok: true; text: string }
  | { ok: false; tooLarge: true; decoded?: true }
  | { ok: false; notUtf8: true }
  | { ok: false; nulBytes: true }
  | { ok: false; notCoded: Coding };

/** A Content-Encoding this server decodes (`x-gzip` is gzip). */
export type Coding = 'gzip' | 'deflate';

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

/** `coding`: how the body is compressed; both it and what it decodes to are held to `maxBytes`. */
export async function readBody(c: Context, maxBytes: number, coding?: Coding | null): Promise<BodyResult> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) return coding ? readIncomingCoded(incoming, maxBytes, coding) : readIncoming(incoming, maxBytes);
  if (Number(c.req.header('content-length') ?? NaN) > maxBytes) return { ok: false, tooLarge: true };
  const buf = Buffer.from(await c.req.arrayBuffer());
  if (buf.length > maxBytes) return { ok: false, tooLarge: true };
  // Nothing sent is an empty body, whatever its coding: one to call empty (or unmeasured, 411), not corrupt gzip.
  if (!coding || buf.length === 0) return decode(buf);
  const decoding = inflating(coding, maxBytes);
  decoding.inflater.end(buf);
  return decoding.result;
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

/**
 * Reads Node's request stream compressed as `coding`, decoding it as it arrives. Both the compressed bytes and what
 * they decode to are held to `maxBytes`: a gzip bomb (a few KB that inflate to gigabytes) is stopped at the limit,
 * never inflated in full. A body's own plain path (readIncoming) stays free of streams and closures.
 */
export function readIncomingCoded(incoming: IncomingMessage, maxBytes: number, coding: Coding, goOn?: () => void): Promise<BodyResult> {
  if (Number(incoming.headers['content-length'] ?? NaN) > maxBytes) return Promise.resolve({ ok: false, tooLarge: true });
  goOn?.();
  const { inflater, result } = inflating(coding, maxBytes);
  return new Promise((resolve, reject) => {
    let size = 0;
    // At most 10 MB compressed is written: what the inflater buffers is no more than readIncoming would keep. Once it
    // has an answer (too large, corrupt) it is destroyed, and the rest of the body is drained, not decoded.
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (inflater.destroyed) return;
      if (size <= maxBytes) return void inflater.write(chunk);
      // As readIncoming: answered once the cap is passed.
      inflater.destroy();
      resolve({ ok: false, tooLarge: true });
    });
    incoming.on('end', () => {
      if (size === 0) {
        // As readBody: no bytes at all are an empty body (HTTP/1.0 with no Content-Length, 411), not corrupt gzip.
        inflater.destroy();
        resolve(decode(Buffer.alloc(0)));
      } else if (!inflater.destroyed) inflater.end();
    });
    incoming.on('error', () => gone());
    incoming.on('close', () => {
      if (!incoming.complete) gone();
    });
    function gone() {
      inflater.destroy();
      reject(new SenderGone(GONE));
    }
    void result.then(resolve);
  });
}

/** What a compressed body is written to as it arrives: a zlib stream, or for deflate the one its first two bytes call for. */
interface Inflater {
  write(chunk: Buffer): void;
  end(chunk?: Buffer): void;
  destroy(): void;
  readonly destroyed: boolean;
}

/**
 * An inflater for `coding` and what it decodes to: the text, or too large as soon as it passes `maxBytes` (the
 * inflater is then stopped, and what it held dropped), or not valid `coding` (corrupt or cut short).
 */
function inflating(coding: Coding, maxBytes: number): { inflater: Inflater; result: Promise<BodyResult> } {
  let resolve!: (r: BodyResult) => void;
  const result = new Promise<BodyResult>((r) => (resolve = r));
  const decodeFrom = <Z extends Gunzip | Inflate | InflateRaw>(inflater: Z): Z => {
    let chunks: Buffer[] = [];
    let size = 0;
    inflater.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      chunks = [];
      inflater.destroy();
      resolve({ ok: false, tooLarge: true, decoded: true });
    });
    inflater.on('end', () => resolve(decode(Buffer.concat(chunks, size))));
    inflater.on('error', () => resolve({ ok: false, notCoded: coding }));
    return inflater;
  };
  return { inflater: coding === 'gzip' ? decodeFrom(createGunzip()) : deflateInflater(decodeFrom), result };
}

/** RFC 1950's header: compression method 8 (deflate) in the first byte's low bits, and the two bytes a multiple of 31. */
const isZlibHeader = (b: Buffer) => b.length >= 2 && (b[0] & 0x0f) === 8 && (b[0] * 256 + b[1]) % 31 === 0;

/**
 * Deflate as RFC 9110 names it is zlib-wrapped, but some old senders send it raw (RFC 1951, no header) under the same
 * label, and browsers and curl take both: the first two bytes say which, so the inflater is chosen once they have come
 * (a first chunk may hold one). A raw stream could look like a header only by starting with a stored block whose
 * padding bits are not zeros, which no compressor writes.
 */
function deflateInflater(decodeFrom: <Z extends Inflate | InflateRaw>(inflater: Z) => Z): Inflater {
  let inflater: Inflate | InflateRaw | null = null;
  let head: Buffer = Buffer.alloc(0);
  let destroyed = false;
  const start = (first: Buffer) => {
    inflater = decodeFrom(isZlibHeader(first) ? createInflate() : createInflateRaw());
    inflater.write(first);
    return inflater;
  };
  return {
    get destroyed() {
      return destroyed || (inflater?.destroyed ?? false);
    },
    write(chunk) {
      if (inflater) return void inflater.write(chunk);
      head = head.length ? Buffer.concat([head, chunk]) : chunk;
      if (head.length >= 2) start(head);
    },
    end(chunk) {
      if (chunk) this.write(chunk);
      // Under two bytes in all: no header, and no whole raw stream either, which the raw inflater says.
      (inflater ?? start(head)).end();
    },
    destroy() {
      destroyed = true;
      inflater?.destroy();
    }
  };
}
