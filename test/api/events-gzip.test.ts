// POST /api/events with a compressed body (Content-Encoding gzip, x-gzip or deflate), as helpdesks and phone systems
// send their webhooks: the same answers as an uncompressed body, through app.request().
import { randomBytes } from 'node:crypto';
import { createGzip, deflateSync, gzipSync } from 'node:zlib';
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

/** `mb` MB of zeros, gzipped as it is made (200 MB of zeros is about 200 KB of gzip): what a gzip bomb is. */
async function gzippedZeros(mb: number): Promise<Buffer> {
  const gzip = createGzip();
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
