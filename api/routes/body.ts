// Reads a request body as text with a size cap. On the Node server it reads the socket stream directly:
// building a web ReadableStream per request (as hono/body-limit does) cost more than ingesting the event.
import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; text: string } | { ok: false; tooLarge: true };

export async function readBody(c: Context, maxBytes: number): Promise<BodyResult> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > maxBytes) return { ok: false, tooLarge: true };
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) {
    const buf = Buffer.from(await c.req.arrayBuffer());
    return buf.length > maxBytes ? { ok: false, tooLarge: true } : { ok: true, text: buf.toString('utf8') };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep draining (without keeping) so the connection stays usable for the 413 answer.
    if (size <= maxBytes) chunks.push(chunk);
  }
  return size > maxBytes ? { ok: false, tooLarge: true } : { ok: true, text: Buffer.concat(chunks, size).toString('utf8') };
}
