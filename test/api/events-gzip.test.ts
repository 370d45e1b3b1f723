// POST /api/events with a compressed body (Content-Encoding gzip, x-gzip or deflate), as helpdesks and phone systems
// send their webhooks: the same answers as an uncompressed body, through app.request().
import { randomBytes } from 'node:crypto';
import { createDeflateRaw, createGzip, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const at = (minAgo: number) => new Date(NOW - minAgo * 60_000).toISOString();
const created = (id: string, ticket: string) => ({ id, type: 'ticket.created', at: at(30), ticket, channel: 'chat', team: 'wallet' });

let t: ReturnType<typeof testApp>;
let before: unknown;
beforeEach(async () => {
  t = testApp({ now: () => NOW });
  await t.post([created('seed-1', 'T-1')]);
  before = await t.kpis();
});
afterEach(() => t.close());

/** Posts `body` (bytes as they are) with `coding` in Content-Encoding: the status and the answer. */
async function postCoded(body: Uint8Array, coding: string, contentType = 'application/json', extra: Record<string, string> = {}) {
  const res = await t.app.request('/api/events', {
    method: 'POST',
    headers: { authorization: `Bearer ${t.tokens.ingest}`, 'content-type': contentType, 'content-encoding': coding, ...extra },
    body: new Uint8Array(body)
  });
  return { status: res.status, body: (await res.json()) as any };
}

const fault = (status: number, message: string) => ({ status, body: { errors: [{ index: 0, path: '', message }] } });

/** `mb` MB of zeros, gzipped (or raw-deflated) as it is made (200 MB of zeros is about 200 KB of gzip): what a gzip bomb is. */
async function gzippedZeros(mb: number, coder = createGzip()): Promise<Buffer> {
  const gzip = coder;
  const out: Buffer[] = [];
  gzip.on('data', (d: Buffer) => out.push(d));
  const ended = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mb; i++) if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  gzip.end();
  await ended;
  return Buffer.concat(out);
}

describe('POST /api/events with a compressed body', () => {
  it('stores and counts a gzipped JSON array, as Content-Encoding gzip or x-gzip', async () => {
    expect(await postCoded(gzipSync(JSON.stringify([created('gz-1', 'T-2'), created('gz-2', 'T-3')])), 'gzip')).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    expect(await postCoded(gzipSync(JSON.stringify(created('xgz-1', 'T-4'))), 'X-Gzip')).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect((await t.kpis()).tickets.created).toBe(4);
  });

  it('stores and counts gzipped NDJSON', async () => {
    const nd = [created('nd-1', 'T-5'), created('nd-2', 'T-6'), created('nd-3', 'T-7')].map((e) => JSON.stringify(e)).join('\n') + '\n';
    expect(await postCoded(gzipSync(nd), 'gzip', 'application/x-ndjson')).toEqual({ status: 200, body: { accepted: 3, duplicates: 0 } });
    expect((await t.kpis()).tickets.created).toBe(4);
  });

  it('stores and counts a deflated body', async () => {
    expect(await postCoded(deflateSync(JSON.stringify([created('df-1', 'T-8'), created('df-2', 'T-9')])), 'deflate')).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    expect((await t.kpis()).tickets.created).toBe(3);
  });

  it('stores and counts a raw deflate body (no zlib header), as old senders send under deflate and browsers take', async () => {
    const raw = deflateRawSync(JSON.stringify([created('raw-1', 'T-20'), created('raw-2', 'T-21')]));
    // Not a zlib header (CM 8 in the low bits of the first byte, the first two a multiple of 31): raw deflate's first block.
    expect((raw[0] & 0x0f) === 8 && (raw[0] * 256 + raw[1]) % 31 === 0).toBe(false);
    expect(await postCoded(raw, 'deflate')).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    const nd = [created('raw-nd-1', 'T-22'), created('raw-nd-2', 'T-23')].map((e) => JSON.stringify(e)).join('\n');
    expect(await postCoded(deflateRawSync(nd, { level: 0 }), 'Deflate', 'application/x-ndjson')).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    expect((await t.kpis()).tickets.created).toBe(5);
  });

  it('holds raw deflate to 10 MB decoded as zlib deflate: exactly 10 MB taken, one byte more or a bomb is 413', async () => {
    const event = JSON.stringify(created('raw-mb-1', 'T-raw-mb'));
    const exact = event + ' '.repeat(10 * 1024 * 1024 - event.length);
    const tooLarge = fault(413, 'body decompresses to more than 10 MB; send smaller batches');
    expect(await postCoded(deflateRawSync(exact + ' '), 'deflate')).toEqual(tooLarge);
    expect(await postCoded(deflateSync(exact + ' '), 'deflate')).toEqual(tooLarge);
    const bomb = await gzippedZeros(200, createDeflateRaw());
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await postCoded(bomb, 'deflate')).toEqual(tooLarge);
    expect(await t.kpis()).toEqual(before);
    expect(await postCoded(deflateRawSync(exact), 'deflate')).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
  });

  it('answers corrupt or cut-short raw deflate with 400 saying so, storing nothing', async () => {
    const notDeflate = fault(400, 'body is not valid deflate (corrupt, or cut short); send it again, or uncompressed');
    const raw = deflateRawSync(JSON.stringify([created('raw-bad-1', 'T-24'), created('raw-bad-2', 'T-25')]));
    expect(await postCoded(raw.subarray(0, raw.length - 4), 'deflate')).toEqual(notDeflate);
    expect(await postCoded(raw.subarray(0, 1), 'deflate')).toEqual(notDeflate);
    // A zlib header before a raw stream: read as zlib, whose checksum it lacks.
    expect(await postCoded(Buffer.concat([Buffer.from([0x78, 0x9c]), raw]), 'deflate')).toEqual(notDeflate);
    // 0xff: block type 3, which deflate reserves.
    expect(await postCoded(Buffer.from([0xff, 0xff, 0xff, 0xff]), 'deflate')).toEqual(notDeflate);
    expect(await t.kpis()).toEqual(before);
  });

  it('counts a gzipped batch sent again as duplicates', async () => {
    const batch = gzipSync(JSON.stringify([created('dup-1', 'T-10'), created('dup-2', 'T-11')]));
    expect(await postCoded(batch, 'gzip')).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    expect(await postCoded(batch, 'gzip')).toEqual({ status: 200, body: { accepted: 0, duplicates: 2 } });
    expect((await t.kpis()).tickets.created).toBe(3);
  });

  it('holds what a body decodes to to 10 MB: exactly 10 MB is taken, one byte more is 413', async () => {
    const event = JSON.stringify(created('mb-1', 'T-mb'));
    const exact = event + ' '.repeat(10 * 1024 * 1024 - event.length);
    expect(await postCoded(gzipSync(exact + ' '), 'gzip')).toEqual(fault(413, 'body decompresses to more than 10 MB; send smaller batches'));
    expect(await t.kpis()).toEqual(before);
    expect(await postCoded(gzipSync(exact), 'gzip')).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
  });

  it('answers a gzip bomb (200 MB of zeros in a few hundred KB) with 413, storing nothing', async () => {
    const bomb = await gzippedZeros(200);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await postCoded(bomb, 'gzip')).toEqual(fault(413, 'body decompresses to more than 10 MB; send smaller batches'));
    expect(await t.kpis()).toEqual(before);
  });

  it('answers a compressed body over 10 MB with 413', async () => {
    expect(await postCoded(randomBytes(10 * 1024 * 1024 + 1), 'gzip')).toEqual(fault(413, 'body is larger than 10 MB; send smaller batches'));
    expect(await t.kpis()).toEqual(before);
  });

  it('answers a corrupt or cut-short gzip body, or a body that is not deflate, with 400 saying so, storing nothing', async () => {
    const gz = gzipSync(JSON.stringify([created('bad-1', 'T-12'), created('bad-2', 'T-13')]));
    const corrupt = Buffer.from(gz);
    corrupt.fill(0x55, 12, 40);
    const notGzip = 'body is not valid gzip (corrupt, or cut short); send it again, or uncompressed';
    expect(await postCoded(corrupt, 'gzip')).toEqual(fault(400, notGzip));
    expect(await postCoded(gz.subarray(0, gz.length - 10), 'gzip')).toEqual(fault(400, notGzip));
    // Sent uncompressed, with the header left on.
    expect(await postCoded(Buffer.from(JSON.stringify(created('bad-3', 'T-14'))), 'gzip')).toEqual(fault(400, notGzip));
    expect(await postCoded(gz, 'deflate')).toEqual(fault(400, 'body is not valid deflate (corrupt, or cut short); send it again, or uncompressed'));
    expect(await t.kpis()).toEqual(before);
  });

  it('calls a body with nothing in it empty, not corrupt gzip', async () => {
    expect(await postCoded(new Uint8Array(0), 'gzip', 'application/json', { 'content-length': '0' })).toEqual(fault(400, 'the body is empty; send one event, a JSON array of them, or NDJSON'));
  });

  it('checks what a gzipped body decodes to as any body: UTF-8, and every event valid or none stored', async () => {
    expect(await postCoded(gzipSync(Buffer.from('[{"id":"\xff"}]', 'latin1')), 'gzip')).toEqual(fault(400, 'body is not valid UTF-8; send JSON encoded as UTF-8'));
    const r = await postCoded(gzipSync(JSON.stringify([created('v-1', 'T-15'), { ...created('v-2', 'T-16'), channel: 'fax' }])), 'gzip');
    expect(r).toMatchObject({ status: 400, body: { errors: [{ index: 1, path: 'channel' }] } });
    expect(await t.kpis()).toEqual(before);
  });

  it('answers any other coding, or a list of two, with 415 naming the codings it takes', async () => {
    const gz = gzipSync(JSON.stringify(created('other-1', 'T-17')));
    const takes = 'send the body uncompressed, or compressed with Content-Encoding gzip or deflate';
    expect(await postCoded(gz, 'br')).toEqual(fault(415, `Content-Encoding br is not accepted; ${takes}`));
    expect(await postCoded(gz, 'zstd')).toEqual(fault(415, `Content-Encoding zstd is not accepted; ${takes}`));
    expect(await postCoded(gzipSync(gz), 'gzip, gzip')).toEqual(fault(415, `Content-Encoding gzip, gzip is not accepted; ${takes}`));
    expect(await t.kpis()).toEqual(before);
  });
});
