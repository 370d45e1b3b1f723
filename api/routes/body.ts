// Reads a request body as text with a size cap. On the Node server it reads the socket stream directly:
// building a web ReadableStream per request (as hono/body-limit does) cost more than ingesting the event.
import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; text: string } | { ok: false; tooLarge: true };

export async function readBody(c: Context, maxBytes: number): Promise<BodyResult> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) return readIncoming(incoming, maxBytes);
  if (Number(c.req.header('content-length') ?? NaN) > maxBytes) return { ok: false, tooLarge: true };
  const buf = Buffer.from(await c.req.arrayBuffer());
  return buf.length > maxBytes ? { ok: false, tooLarge: true } : { ok: true, text: buf.toString('utf8') };
}

/** Reads Node's request stream, keeping at most `maxBytes`. Plain listeners: an async iterator per request cost more. */
export function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  if (Number(incoming.headers['content-length'] ?? NaN) > maxBytes) return Promise.resolve({ ok: false, tooLarge: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining (without keeping) so the connection stays usable for the 413 answer.
      if (size <= maxBytes) chunks.push(chunk);
    });
    incoming.once('end', () => {
      if (size > maxBytes) resolve({ ok: false, tooLarge: true });
      else resolve({ ok: true, text: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8') });
    });
    incoming.once('error', reject);
    // A sender that hangs up mid-body: nobody waits for an answer, but nothing may wait forever either.
    incoming.once('close', () => {
      if (!incoming.complete) reject(Object.assign(new Error('the sender closed the connection before the body ended'), { code: 'ECONNRESET' }));
    });
  });
}
