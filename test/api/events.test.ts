import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const at = (minAgo: number) => new Date(NOW - minAgo * 60_000).toISOString();
const created = (id: string, ticket: string, minAgo = 30) => ({ id, type: 'ticket.created', at: at(minAgo), ticket, channel: 'chat', team: 'wallet' });

let t: ReturnType<typeof testApp>;
let before: unknown;
beforeEach(async () => {
  t = testApp({ now: () => NOW });
  // Something already stored, which no bad request may change.
  await t.post([created('seed-1', 'T-1'), { id: 'seed-2', type: 'ticket.replied', at: at(20), ticket: 'T-1', agent: 'ann' }]);
  before = await t.kpis();
});
afterEach(() => t.close());

async function expectUnchanged() {
  expect(await t.kpis()).toEqual(before);
}

describe('POST /api/events accepts', () => {
  it('a single object, an array and NDJSON, acknowledging counts', async () => {
    expect(await t.post(created('a1', 'T-2'))).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect(await t.post([created('a2', 'T-3'), created('a3', 'T-4')])).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    const nd = [created('a4', 'T-5'), created('a5', 'T-6')].map((e) => JSON.stringify(e)).join('\n') + '\n';
    expect(await t.post(nd, { raw: true, contentType: 'application/x-ndjson' })).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    expect((await t.kpis()).tickets.created).toBe(6);
  });

  it('ignores a repeated id as a retry and counts it in duplicates', async () => {
    expect((await t.post([created('seed-1', 'T-1'), created('b1', 'T-9'), created('b1', 'T-9')])).body).toEqual({ accepted: 1, duplicates: 2 });
    expect((await t.kpis()).tickets.created).toBe(2);
  });

  it('accepts epoch milliseconds and offsets, and ignores unknown fields', async () => {
    const r = await t.post([
      { ...created('c1', 'T-7'), at: NOW - 60_000, extra: { nested: true } },
      { ...created('c2', 'T-8'), at: '2026-11-24T19:30:00+08:00' }
    ]);
    expect(r).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
  });

  it('an offset in whole hours, which ISO-8601 writes as +08 as well as +08:00, at its own time', async () => {
    expect(await t.post({ ...created('h1', 'T-h1'), at: '2026-11-24T19:40:00+08' })).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect((await t.kpis({ from: '2026-11-24T11:40:00Z', to: '2026-11-24T11:41:00Z' })).tickets.created).toBe(1);
  });

  it('a decimal comma in the seconds, which ISO-8601 prefers to the point, at its own millisecond', async () => {
    expect(await t.post({ ...created('dc1', 'T-dc1'), at: '2026-11-24T11:45:00,250Z' })).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect((await t.kpis({ from: '2026-11-24T11:45:00.250Z', to: '2026-11-24T11:45:00.251Z' })).tickets.created).toBe(1);
  });

  it('backfills to 29 February of year 0, a leap year of the proleptic calendar (Date.UTC reads years 0–99 as 1900–1999)', async () => {
    expect(await t.post({ ...created('y0-1', 'T-y0'), at: '0000-02-29T10:00:00Z' })).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect((await t.post({ ...created('y0-2', 'T-y0'), at: '0100-02-29T10:00:00Z' })).body.errors).toEqual([{ index: 0, path: 'at', message: '0100-02-29T10:00:00Z: 0100-02 has no day 29' }]);
  });

  it('takes team names in Chinese and with emoji, as UTF-8 or as escaped surrogate pairs, and files them under one name', async () => {
    // The same team, 钱包 💳, once as plain UTF-8 and once with every character escaped (as some senders write JSON).
    const escaped = '\\u94b1\\u5305 \\uD83D\\uDCB3';
    const body = `[${JSON.stringify({ ...created('e1', 'T-60'), team: '钱包 💳' })},${JSON.stringify(created('e2', 'T-61')).replace(/}$/, `,"team":"${escaped}"}`)}]`;
    expect(await t.post(body, { raw: true })).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    expect((await t.kpis({ team: '钱包 💳' })).tickets.created).toBe(2);
  });

  it('files a name sent with spaces around it under the name itself, where a filter (trimmed as typed) finds it', async () => {
    await t.post([{ ...created('sp-1', 'T-sp-1'), team: ' risk' }, { ...created('sp-2', 'T-sp-2'), team: 'risk ' }, { ...created('sp-3', 'T-sp-3'), team: 'risk' }]);
    expect((await t.kpis({ team: 'risk' })).tickets.created).toBe(3);
    expect((await t.kpis({ team: ' risk' })).tickets.created).toBe(3);
  });

  it('reads null in an optional field as absent (defaults apply), as helpdesks send "no team", and long team names', async () => {
    const longTeam = 'Wallet pre-approval follow-ups, Shenzhen, night shift (Mandarin and Cantonese speakers)';
    const before = (await t.kpis({ category: 'other', priority: 'normal' })).tickets.created;
    const r = await t.post([
      { ...created('null-1', 'T-50'), category: null, priority: null, team: null, customer: null },
      { ...created('null-2', 'T-51'), team: longTeam, category: 'refund', priority: 'high' },
      { id: 'null-3', type: 'ticket.replied', at: at(2), ticket: 'T-50', author: null, agent: 'mei' }
    ]);
    expect(r).toEqual({ status: 200, body: { accepted: 3, duplicates: 0 } });
    expect((await t.kpis({ category: 'other', priority: 'normal' })).tickets.created).toBe(before + 1);
    expect((await t.kpis({ team: longTeam })).tickets.created).toBe(1);
    expect((await t.kpis({ agent: 'mei' })).firstResponse.count).toBe(1);
    // A required field is not optional: null there is still an error.
    const missing = await t.post({ ...created('null-4', 'T-52'), channel: null });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].path).toBe('channel');
  });

  // SPEC.md makes team an optional string, and a helpdesk with no team for a ticket or agent writes "" as often as
  // null: the whole batch was refused 400 'must not be empty'. It is no team, as null is, wherever team is read.
  it('reads an empty team, or one of spaces alone, as no team, as null is read', async () => {
    const r = await t.post([
      { ...created('et-1', 'T-et-1'), team: '' },
      { ...created('et-2', 'T-et-2'), team: '   ' },
      { id: 'et-3', type: 'ticket.assigned', at: at(5), ticket: 'T-1', agent: 'zed', team: '' },
      { id: 'et-4', type: 'agent.status', at: at(5), agent: 'zed', status: 'available', team: '' },
      { id: 'et-5', type: 'callback.scheduled', at: at(5), callback: 'C-et', reason: 'other', due: at(-60), agent: 'zed', team: '' }
    ]);
    expect(r).toEqual({ status: 200, body: { accepted: 5, duplicates: 0 } });
    // No team of its own: counted with no filter, and under no team's filter; the wallet ticket assigned with team ""
    // stays the wallet's.
    expect((await t.kpis()).tickets.created).toBe(3);
    expect((await t.kpis({ team: 'wallet' })).tickets.created).toBe(1);
    expect((await t.kpis({ team: 'wallet' })).backlog.open).toBe(1);
    expect((await t.kpis()).callbacks.scheduled).toBe(1);
    expect((await t.kpis({ team: 'wallet' })).callbacks.scheduled).toBe(0);
    const zed = (await t.agents()).agents.find((a: { agent: string }) => a.agent === 'zed');
    expect([zed.team, zed.status, zed.open]).toEqual([null, 'available', 1]);
  });

  it('reads an empty category, resolver or name as absent, as the empty team: the category is other, the resolution the assignee\'s, the name kept', async () => {
    const before = (await t.kpis({ category: 'other' })).tickets.created;
    const r = await t.post([
      { ...created('ec-1', 'T-ec-1'), category: '' },
      { id: 'ec-2', type: 'agent.status', at: at(8), agent: 'yan', name: 'Yan Li', status: 'available' },
      { id: 'ec-3', type: 'ticket.assigned', at: at(7), ticket: 'T-ec-1', agent: 'yan' },
      { id: 'ec-4', type: 'ticket.resolved', at: at(6), ticket: 'T-ec-1', agent: ' ' },
      { id: 'ec-5', type: 'agent.status', at: at(5), agent: 'yan', name: '', status: 'busy' }
    ]);
    expect(r).toEqual({ status: 200, body: { accepted: 5, duplicates: 0 } });
    expect((await t.kpis({ category: 'other' })).tickets.created).toBe(before + 1);
    const yan = (await t.agents()).agents.find((a: { agent: string }) => a.agent === 'yan');
    expect([yan.name, yan.status, yan.resolution.count]).toEqual(['Yan Li', 'busy', 1]);
  });

  it('a customer as the helpdesk holds it, over 128 characters or with a line break: SPEC.md asks only for a string', async () => {
    const r = await t.post([
      { ...created('cu-1', 'T-cu-1'), customer: `${'Zoë Wang <zoe.wang@example.com>; '.repeat(5)}account 6222 0000 1111 2222` },
      { ...created('cu-2', 'T-cu-2'), customer: 'Wang Zoë\nFlat 12, 88 Nanjing Road' }
    ]);
    expect(r).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    expect((await t.kpis()).tickets.created).toBe(3);
  });

  it('NDJSON with CRLF line endings and blank lines between events, as written on Windows', async () => {
    const lines = [created('crlf-1', 'T-crlf-1'), created('crlf-2', 'T-crlf-2')].map((e) => JSON.stringify(e));
    const nd = `${lines[0]}\r\n\r\n   \r\n${lines[1]}\r\n\r\n`;
    expect(await t.post(nd, { raw: true, contentType: 'application/x-ndjson; charset=utf-8' })).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    expect((await t.kpis()).tickets.created).toBe(3);
  });

  it('NDJSON made by joining files that each begin with a byte-order mark, as Windows tools write them', async () => {
    const nd = [created('bom-1', 'T-bom-1'), created('bom-2', 'T-bom-2')].map((e) => `\ufeff${JSON.stringify(e)}\r\n`).join('');
    expect(await t.post(nd, { raw: true, contentType: 'application/x-ndjson' })).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
  });

  it('a body declared Content-Encoding: identity, which is no encoding at all', async () => {
    const res = await t.app.request('/api/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.tokens.ingest}`, 'content-type': 'application/json', 'content-encoding': 'Identity' },
      body: JSON.stringify(created('id-1', 'T-id'))
    });
    expect([res.status, await res.json()]).toEqual([200, { accepted: 1, duplicates: 0 }]);
  });

  it('events of a ticket named by more events than a call takes arguments (150,000 creations), once it is read back from the database', async () => {
    t.close();
    // A memo of one subject: the ticket is forgotten after two others and read back, its 150,000 events and all.
    t = testApp({ now: () => NOW, memoSubjects: 1 });
    for (let b = 0; b < 3; b++) {
      const flood = Array.from({ length: 50_000 }, (_, i) => ({ id: `fl-${b}-${i}`, type: 'ticket.created', at: NOW - 60_000 - i, ticket: 'T-flood', channel: 'chat' }));
      expect(await t.post(flood)).toEqual({ status: 200, body: { accepted: 50_000, duplicates: 0 } });
      for (const other of ['p', 'q']) await t.post(created(`fl-${b}-${other}`, `T-fl-${b}-${other}`));
    }
    expect(await t.post({ id: 'fl-r', type: 'ticket.resolved', at: at(0.5), ticket: 'T-flood', agent: 'ann' })).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect((await t.kpis()).tickets).toMatchObject({ created: 7, resolved: 1 });
  });

  it('a body of exactly 10 MB (10,485,760 bytes); one byte more is 413', async () => {
    const event = JSON.stringify(created('mb-1', 'T-mb'));
    const exact = event + ' '.repeat(10 * 1024 * 1024 - event.length);
    expect(await t.post(exact + ' ', { raw: true })).toMatchObject({ status: 413 });
    await expectUnchanged();
    expect(await t.post(exact, { raw: true })).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
  });
});

describe('POST /api/events rejects, storing nothing', () => {
  const cases: [string, () => Promise<{ status: number; body: any }>, number, { index?: number; path?: string; message?: RegExp }][] = [
    ['malformed JSON', () => t.post('{"id": "x", ', { raw: true }), 400, { path: '', message: /not valid JSON/ }],
    ['a bad NDJSON line', () => t.post(`${JSON.stringify(created('n1', 'T-20'))}\n{oops\n`, { raw: true, contentType: 'application/x-ndjson' }), 400, { index: 1, message: /line 2/ }],
    ['an unknown type', () => t.post({ ...created('u1', 'T-21'), type: 'ticket.exploded' }), 400, { path: 'type', message: /unknown type/ }],
    ['a bad enum', () => t.post({ ...created('u2', 'T-22'), channel: 'fax' }), 400, { path: 'channel', message: /^"fax" is not one of "phone", "chat", / }],
    ['a missing field', () => t.post({ id: 'u3', type: 'ticket.assigned', at: at(1), ticket: 'T-1' }), 400, { path: 'agent', message: /^required: expected string$/ }],
    ['a long bad enum, quoted back in brief', () => t.post({ ...created('u19', 'T-41'), priority: 'x'.repeat(5000) }), 400, { path: 'priority', message: /^"x{58}… is not one of "urgent", / }],
    // JSON.stringify throws on a list some thousands deep: quoting it back was a 500.
    ['a type that is a list thousands deep', () => t.post(`{"id":"u24","at":${NOW - 1000},"type":${'['.repeat(5000)}${']'.repeat(5000)}}`, { raw: true }), 400, { path: 'type', message: /^unknown type a list; expected one of / }],
    ['an enum that is a list thousands deep', () => t.post(`{"id":"u25","type":"ticket.created","at":${NOW - 1000},"ticket":"T-43","channel":${'['.repeat(5000)}${']'.repeat(5000)}}`, { raw: true }), 400, { path: 'channel', message: /^a list is not one of "phone", / }],
    ['an unknown type of 3 MB, quoted back in brief', () => t.post({ ...created('u26', 'T-44'), type: 'x'.repeat(3_000_000) }), 400, { path: 'type', message: /^unknown type "x{58}…; expected one of .{0,300}$/ }],
    ['a missing enum field', () => t.post({ id: 'u18', type: 'callback.scheduled', at: at(1), callback: 'C-8', due: at(9) }), 400, { path: 'reason', message: /^required: expected one of "pre_approval", / }],
    ['a wrong type', () => t.post({ id: 'u4', type: 'ticket.rated', at: at(1), ticket: 'T-1', score: '5' }), 400, { path: 'score', message: /^expected a number, got the text "5"$/ }],
    ['a null where a name is required', () => t.post({ id: 'u22', type: 'ticket.assigned', at: at(1), ticket: 'T-1', agent: null }), 400, { path: 'agent', message: /^expected a string, got null$/ }],
    ['a score out of range', () => t.post({ id: 'u5', type: 'ticket.rated', at: at(1), ticket: 'T-1', score: 6 }), 400, { path: 'score', message: /^must be at most 5$/ }],
    ['a score that is not whole', () => t.post({ id: 'u20', type: 'ticket.rated', at: at(1), ticket: 'T-1', score: 4.5 }), 400, { path: 'score', message: /^expected a whole number$/ }],
    ['an empty ticket', () => t.post({ id: 'u21', type: 'ticket.rated', at: at(1), ticket: '', score: 4 }), 400, { path: 'ticket', message: /^must not be empty$/ }],
    ['an agent reply with no agent', () => t.post({ id: 'u6', type: 'ticket.replied', at: at(1), ticket: 'T-1' }), 400, { path: 'agent' }],
    ['an at in the future', () => t.post({ ...created('u7', 'T-23'), at: new Date(NOW + 6 * 60_000).toISOString() }), 400, { path: 'at', message: /future/ }],
    ['an at with no timezone', () => t.post({ ...created('u8', 'T-24'), at: '2026-11-24T11:00:00' }), 400, { path: 'at', message: /offset/ }],
    // Date.parse would store these as 2 March and as the next day's midnight.
    ['an at on a day the month does not have', () => t.post({ ...created('u10', 'T-34'), at: '2026-02-30T10:00:00Z' }), 400, { path: 'at', message: /no day 30/ }],
    ['an at at 24:00', () => t.post({ ...created('u11', 'T-35'), at: '2026-11-23T24:00:00Z' }), 400, { path: 'at', message: /time of day/ }],
    ['an at in fractional epoch ms', () => t.post({ ...created('u12', 'T-36'), at: NOW - 60_000.5 }), 400, { path: 'at', message: /integer/ }],
    ['a due beyond the dates a server can hold', () => t.post({ id: 'u13', type: 'callback.scheduled', at: at(1), callback: 'C-9', reason: 'other', due: 9e15 }), 400, { path: 'due', message: /within/ }],
    ['a 129-char id', () => t.post(created('x'.repeat(129), 'T-25')), 400, { path: 'id', message: /128/ }],
    ['a 201-char id', () => t.post(created('x'.repeat(201), 'T-26')), 400, { path: 'id' }],
    ['a control character in a team name', () => t.post({ ...created('u9', 'T-33'), team: 'wal\u0000let' }), 400, { path: 'team', message: /control characters/ }],
    ['an empty array', () => t.post([]), 400, { message: /no events/ }],
    ['a lone surrogate in an id (stored, it would read back as U+FFFD)', () => t.post(created('u14\ud800', 'T-37')), 400, { path: 'id', message: /lone surrogate/ }],
    // Written by hand: JSON.stringify escapes a lone surrogate in lower case.
    ['a lone low surrogate escaped in upper case in a team name', () => t.post(`[${JSON.stringify(created('u17', 'T-40')).replace(/}$/, ',"team":"wal\\uDC00let"}')}]`, { raw: true }), 400, { path: 'team', message: /lone surrogate/ }],
    ['NDJSON sent without its Content-Type', () => t.post(`${JSON.stringify(created('u15', 'T-38'))}\n${JSON.stringify(created('u16', 'T-39'))}`, { raw: true }), 400, { message: /application\/x-ndjson/ }],
    // The other way round: a JSON array, or one event written over several lines, sent as NDJSON.
    ['a JSON array sent as NDJSON', () => t.post(JSON.stringify([created('u28', 'T-45'), created('u29', 'T-46')]), { raw: true, contentType: 'application/x-ndjson' }), 400, { index: 0, path: '', message: /^line 1 is a JSON array.*application\/json/ }],
    ['pretty-printed JSON sent as NDJSON', () => t.post(JSON.stringify(created('u30', 'T-47'), null, 2), { raw: true, contentType: 'application/x-ndjson' }), 400, { index: 0, path: '', message: /^the body is one JSON document written over several lines.*application\/json/ }],
    ['a mixed valid/invalid batch', () => t.post([created('m1', 'T-27'), created('m2', 'T-28'), { ...created('m3', 'T-29'), priority: 'meh' }]), 400, { index: 2, path: 'priority' }],
    ['a callback scheduled with no due', () => t.post({ id: 'u27', type: 'callback.scheduled', at: at(1), callback: 'C-10', reason: 'other' }), 400, { path: 'due', message: /^required: expected ISO-8601/ }]
  ];
  for (const [name, send, status, expected] of cases) {
    it(name, async () => {
      const r = await send();
      expect(r.status).toBe(status);
      expect(r.body.errors.length).toBeGreaterThan(0);
      const e = r.body.errors[0];
      for (const key of ['index', 'path', 'message']) expect(typeof e[key]).toBe(key === 'index' ? 'number' : 'string');
      if (expected.index !== undefined) expect(e.index).toBe(expected.index);
      if (expected.path !== undefined) expect(e.path).toBe(expected.path);
      if (expected.message) expect(e.message).toMatch(expected.message);
      await expectUnchanged();
    });
  }

  it('every fault of an event at once: a bad field, an at too far ahead and a lone surrogate, so one answer is enough to mend it', async () => {
    const ahead = new Date(NOW + 6 * 60_000).toISOString();
    const r = await t.post([
      { id: 'all-1', type: 'callback.scheduled', at: ahead, callback: 'C-all', reason: 'other', due: 'soon' },
      { ...created('all-2', 'T-all\ud800'), at: ahead, channel: 'fax' },
      { ...created('all-3', 'T-all-3'), at: 'yesterday', channel: 'fax' }
    ]);
    expect(r.status).toBe(400);
    const found = r.body.errors.map((e: { index: number; path: string; message: string }) => `${e.index} ${e.path}: ${e.message}`);
    expect(found).toEqual([
      expect.stringMatching(/^0 due: expected ISO-8601/),
      expect.stringMatching(/^0 at: at is 360 s in the future/),
      expect.stringMatching(/^1 channel: /),
      expect.stringMatching(/^1 ticket: holds a lone surrogate/),
      expect.stringMatching(/^1 at: at is 360 s in the future/),
      expect.stringMatching(/^2 at: expected ISO-8601/),
      expect.stringMatching(/^2 channel: /)
    ]);
    await expectUnchanged();
  });

  it('the envelope faults of an event whose type is unknown or missing, beside the type', async () => {
    const r = await t.post([
      { id: '', type: 'ticket.exploded', at: '2026-02-30T00:00:00Z' },
      { id: 5, at: 'yesterday' }
    ]);
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { index: number; path: string; message: string }) => `${e.index} ${e.path}: ${e.message}`)).toEqual([
      expect.stringMatching(/^0 type: unknown type "ticket.exploded"/),
      '0 id: id must not be empty',
      expect.stringMatching(/^0 at: .*no day 30/),
      '1 type: type is required',
      '1 id: expected a string, got the number 5',
      expect.stringMatching(/^1 at: expected ISO-8601/)
    ]);
    await expectUnchanged();
  });

  it('a batch with more faults than an answer lists: the first 1,000, and where it stopped checking', async () => {
    const broken = Array.from({ length: 5000 }, (_, i) => ({ ...created(`br-${i}`, ''), channel: 'fax' }));
    const r = await t.post(broken);
    expect(r.status).toBe(400);
    expect(r.body.errors).toHaveLength(1000);
    expect(r.body.errors[999]).toMatchObject({ index: 499, path: 'channel' });
    expect(r.body.stoppedAt).toBe(500);
    expect(r.body.message).toMatch(/events from index 500 on were not checked/);
    const lines = Array.from({ length: 1500 }, () => '{oops').join('\n');
    const nd = await t.post(lines, { raw: true, contentType: 'application/x-ndjson' });
    expect([nd.status, nd.body.errors.length, nd.body.stoppedAt]).toEqual([400, 1000, 1000]);
    await expectUnchanged();
  });

  it('a batch whose 1,000th fault falls inside an event: all of that event\'s faults, and a message giving the count listed', async () => {
    // Three faults an event: the 334th event (index 333) takes the list from 999 to 1,002.
    const broken = Array.from({ length: 600 }, (_, i) => ({ ...created(`br3-${i}`, 'T-x'), channel: 'fax', priority: 'p9', team: 5 }));
    const r = await t.post(broken);
    expect([r.status, r.body.errors.length, r.body.stoppedAt]).toEqual([400, 1002, 334]);
    expect(r.body.errors.filter((e: { index: number }) => e.index === 333)).toHaveLength(3);
    expect(r.body.message).toMatch(/^the first 1002 faults are listed/);
    await expectUnchanged();
  });

  it('every bad NDJSON line, each at its own index and line number (blank lines are skipped, not counted)', async () => {
    const nd = `${JSON.stringify(created('nd-1', 'T-nd-1'))}\n{oops\n\n[1,\n`;
    const r = await t.post(nd, { raw: true, contentType: 'application/x-ndjson' });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { index: number; path: string; message: string }) => [e.index, e.path, e.message.replace(/:.*/, '')])).toEqual([
      [1, '', 'line 2 is not valid JSON'],
      [2, '', 'line 4 is not valid JSON']
    ]);
    await expectUnchanged();
  });

  it('a body in UTF-16 without a byte-order mark, saying to send UTF-8 (its bytes are valid UTF-8, read as NULs between the characters)', async () => {
    const res = await t.app.request('/api/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.tokens.ingest}`, 'content-type': 'application/json; charset=utf-16le' },
      body: Buffer.from(JSON.stringify(created('u16-1', 'T-u16')), 'utf16le')
    });
    expect([res.status, await res.json()]).toEqual([400, { errors: [{ index: 0, path: '', message: expect.stringMatching(/NUL bytes.*send JSON encoded as UTF-8/) }] }]);
    await expectUnchanged();
  });

  it('a body compressed otherwise than with gzip or deflate with 415, naming those (test/api/events-gzip.test.ts has the rest)', async () => {
    const res = await t.app.request('/api/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.tokens.ingest}`, 'content-type': 'application/json', 'content-encoding': 'br' },
      body: gzipSync(JSON.stringify(created('gz-1', 'T-gz')))
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0].message).toBe(
      'Content-Encoding br is not accepted; send the body uncompressed, or compressed with Content-Encoding gzip or deflate'
    );
    await expectUnchanged();
  });

  it('an oversized body with 413', async () => {
    const big = JSON.stringify(Array.from({ length: 60_000 }, (_, i) => ({ ...created(`big-${i}`, `T-big-${i}`), customer: 'c'.repeat(150) })));
    expect(big.length).toBeGreaterThan(10 * 1024 * 1024);
    const r = await t.post(big, { raw: true });
    expect(r.status).toBe(413);
    await expectUnchanged();
  });

  it('no token with 401 and a wrong token with 401; a display token with 403', async () => {
    expect((await t.post(created('z1', 'T-30'), { token: null })).status).toBe(401);
    expect((await t.post(created('z2', 'T-31'), { token: 'not-a-token' })).status).toBe(401);
    expect((await t.post(created('z3', 'T-32'), { token: t.tokens.display })).status).toBe(403);
    await expectUnchanged();
  });
});

describe('POST /api/events while the database is held by another process', () => {
  it('answers 503 with Retry-After and a resend message, stores nothing, and takes the same batch once the lock is free', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'floorboard-busy-')), 'kpi.sqlite');
    const s = testApp({ now: () => NOW, path });
    // What `npm run rebuild` does to a running server: holds the write lock for as long as it runs.
    s.rt.db.$client.pragma('busy_timeout = 200');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const batch = [created('busy-1', 'T-40'), created('busy-2', 'T-41')];
      const refused = await s.post(batch);
      expect(refused.status).toBe(503);
      expect(refused.body.message).toMatch(/busy.*send this batch again/);
      other.exec('ROLLBACK');
      expect((await s.kpis()).tickets.created).toBe(0);
      expect(await s.post(batch)).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    } finally {
      warnings.mockRestore();
      other.close();
      s.close();
    }
  });
});

describe('POST /api/events while the database cannot be written', () => {
  // What SQLite says when the file, its directory or its -wal/-shm became read-only to the server (a volume
  // remounted read-only, a restore run as another user): query_only gives the same SQLITE_READONLY.
  it('answers 503 saying so, stores nothing, and takes the same batch once it can write again', async () => {
    const s = testApp({ now: () => NOW });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      s.rt.db.$client.pragma('query_only = ON');
      const batch = [created('ro-1', 'T-50')];
      const refused = await s.post(batch);
      expect(refused.status).toBe(503);
      expect(refused.body.message).toMatch(/cannot write its database.*send this batch again/);
      s.rt.db.$client.pragma('query_only = OFF');
      expect((await s.kpis()).tickets.created).toBe(0);
      expect(await s.post(batch)).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    } finally {
      errors.mockRestore();
      warnings.mockRestore();
      s.close();
    }
  });
});
