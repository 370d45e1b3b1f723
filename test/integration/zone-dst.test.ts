// A centre whose zone changes its clocks (America/New_York, 1 November and 8 March 2026) or sits half an hour off
// (Asia/Kolkata): the wall's today rolls over at the centre's midnight with the day's own length, and the CSV for
// people reads the centre's clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage, SnapshotMessage } from '../../api/live/protocol';
import { testApp } from '../helpers/app';
import { endedAfterEach, listenInZone } from '../helpers/live';

const live = endedAfterEach();
afterEach(() => vi.restoreAllMocks());

/** The process's clock set to `iso`, and moved on by `to`. */
function clockAt(iso: string) {
  const real = Date.now.bind(Date);
  let offset = Date.parse(iso) - real();
  vi.spyOn(Date, 'now').mockImplementation(() => real() + offset);
  return { to: (next: string) => (offset = Date.parse(next) - real()) };
}

async function start(zone: string) {
  const { port, tokens, post } = await listenInZone(live, 'zone', zone, { minIntervalMs: 50, heartbeatMs: 600_000, pingMs: 60_000 });
  const snapshot = async (): Promise<SnapshotMessage> => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live?token=${tokens.display}`);
    live.sockets.push(ws);
    return new Promise((resolve, reject) => {
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as ServerMessage;
        if (m.type === 'snapshot') resolve(m as SnapshotMessage);
      });
      ws.once('error', reject);
    });
  };
  return { post, snapshot };
}

const created = (id: string, at: number) => ({ id, type: 'ticket.created', at, ticket: id, channel: 'chat' });
const hours = (today: { from: string; to: string }) => (Date.parse(today.to) - Date.parse(today.from)) / 3_600_000;

describe("the wall's today in the centre's zone", () => {
  it('rolls over at New York\'s midnight before the fall change, into a day of 25 hours', async () => {
    const clock = clockAt('2026-11-01T03:58:00Z'); // 23:58 on 31 October, EDT
    const { post, snapshot } = await start('America/New_York');
    await post([created('T-oct-31', Date.now() - 1000)]);
    const before = await snapshot();
    expect([before.windows.today.from, before.windows.today.tickets.created]).toEqual(['2026-10-31T04:00:00.000Z', 1]);
    clock.to('2026-11-01T04:00:30Z'); // 00:00:30 on 1 November
    const after = await snapshot();
    expect([after.windows.today.from, after.windows.today.to]).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
    expect(hours(after.windows.today)).toBe(25);
    expect(after.windows.today.tickets.created).toBe(0);
    expect(after.series.from).toBe('2026-11-01T04:00:00.000Z');
  });

  it('gives the spring change\'s day 23 hours, a ticket at 03:30 EDT counted in it', async () => {
    clockAt('2026-03-08T12:00:00Z'); // 08:00 EDT
    const { post, snapshot } = await start('America/New_York');
    await post([created('T-mar-8', Date.parse('2026-03-08T07:30:00Z')), created('T-mar-7', Date.parse('2026-03-08T04:30:00Z'))]);
    const s = await snapshot();
    expect([s.windows.today.from, s.windows.today.to]).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    expect(hours(s.windows.today)).toBe(23);
    expect(s.windows.today.tickets.created).toBe(1);
  });

  it('rolls over at Kolkata\'s midnight, 18:30 UTC', async () => {
    const clock = clockAt('2026-11-24T18:29:00Z');
    const { post, snapshot } = await start('Asia/Kolkata');
    await post([created('T-late', Date.now() - 1000)]);
    expect((await snapshot()).windows.today.tickets.created).toBe(1);
    clock.to('2026-11-24T18:30:30Z');
    const s = await snapshot();
    expect([s.windows.today.from, s.windows.today.to, s.windows.today.tickets.created]).toEqual(['2026-11-24T18:30:00.000Z', '2026-11-25T18:30:00.000Z', 0]);
  });
});

describe("the tickets' CSV for people in the centre's zone", () => {
  async function csv(zone: string, now: string, query: string, events: unknown[], measure = 'tickets.created') {
    const t = testApp({ timezone: zone, now: () => Date.parse(now) });
    expect((await t.post(events)).status).toBe(200);
    const res = await t.app.request(`/api/drill?measure=${measure}&format=csv&${query}`, { headers: { authorization: `Bearer ${t.tokens.manager}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    t.close();
    return lines;
  }

  it('reads New York\'s clock on the day it falls back: 01:30 EDT and 01:30 EST both, newest first, the zone named with no one offset', async () => {
    const lines = await csv('America/New_York', '2026-11-05T12:00:00Z', 'from=2026-11-01&to=2026-11-02&lang=en', [
      created('T-edt', Date.parse('2026-11-01T05:30:00Z')),
      created('T-est', Date.parse('2026-11-01T06:30:00Z')),
      created('T-evening', Date.parse('2026-11-02T04:30:00Z')) // 23:30 EST, still 1 November
    ]);
    expect(lines[0]).toContain('America/New_York');
    expect(lines[0]).not.toMatch(/GMT-[45]/);
    expect(lines.slice(1).map((l) => /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.exec(l)?.[0])).toEqual(['2026-11-01 23:30:00', '2026-11-01 01:30:00', '2026-11-01 01:30:00']);
    expect(lines.slice(1).map((l) => /T-[a-z]+/.exec(l)?.[0])).toEqual(['T-evening', 'T-est', 'T-edt']);
  });

  it('gives each time its offset from UTC where the zone changes its clocks, so the two 01:30s of the night it falls back read apart', async () => {
    const fallBack = [created('T-edt', Date.parse('2026-11-01T05:30:00Z')), created('T-est', Date.parse('2026-11-01T06:30:00Z'))];
    // The time stays as the centre's clock reads it (a spreadsheet takes it as a date); the offset is a column of its own, at the end.
    const rows = (lines: string[]) => lines.slice(1).map((l) => l.split(',')).map((c) => [c[1], c[3], c[16], c[15], c[17]]);
    const en = await csv('America/New_York', '2026-11-05T12:00:00Z', 'from=2026-11-01&to=2026-11-02&lang=en', fallBack);
    expect(en[0]).toMatch(/,"Due \(Eastern Time, America\/New_York\)",Time: UTC offset,Due: UTC offset$/);
    expect(rows(en)).toEqual([['T-est', '2026-11-01 01:30:00', 'GMT-5', '', ''], ['T-edt', '2026-11-01 01:30:00', 'GMT-4', '', '']]);
    const zh = await csv('America/New_York', '2026-11-05T12:00:00Z', 'from=2026-11-01&to=2026-11-02&lang=zh-CN', fallBack);
    expect(zh[0]).toMatch(/,时间的 UTC 偏移,到期时间的 UTC 偏移$/);
    expect(rows(zh)).toEqual(rows(en));
    // Berlin falls back at 03:00 on 25 October: a callback scheduled at 02:30 summer time, due at 02:30 winter time.
    const due = await csv('Europe/Berlin', '2026-10-26T12:00:00Z', 'from=2026-10-25&to=2026-10-26&lang=en', [
      { id: 'b1', type: 'callback.scheduled', at: '2026-10-25T00:30:00Z', callback: 'CB-1', reason: 'other', due: '2026-10-25T01:30:00Z', team: 'wallet' }
    ], 'backlog.callbacksPending');
    expect(rows(due)).toEqual([['CB-1', '2026-10-25 02:30:00', 'GMT+2', '2026-10-25 02:30:00', 'GMT+1']]);
  });

  it('reads Kolkata\'s clock, half an hour off, and names its offset', async () => {
    const lines = await csv('Asia/Kolkata', '2026-11-24T12:00:00Z', 'from=2026-11-24&to=2026-11-25&lang=zh-CN', [
      created('T-1', Date.parse('2026-11-24T04:15:00Z')),
      created('T-2', Date.parse('2026-11-23T18:45:00Z')) // 00:15 on the 24th
    ]);
    expect(lines[0]).toContain('GMT+5:30');
    expect(lines[0]).toContain('Asia/Kolkata');
    expect(lines.slice(1).map((l) => /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.exec(l)?.[0])).toEqual(['2026-11-24 09:45:00', '2026-11-24 00:15:00']);
  });
});
