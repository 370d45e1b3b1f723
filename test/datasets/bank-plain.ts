// The bank file's figures computed straight from its columns, in seconds from 1 February 1999 00:00 Israel
// time, sharing nothing with the import (bank.ts) that turns calls into events: the test compares the two.
// The rules are the issue's: answered = outcome AGENT; abandoned = HANG after queueing; first response =
// service start − queue entry (a call sent straight to an agent "queues" at vru_exit; a start before entry is
// zero). An AGENT call without service times is taken as answered when it left the queue. call_id is unique
// per line and day only.
import { readFileSync } from 'node:fs';

const DAY = 86_400;

export interface PlainCall {
  key: string;
  answered: boolean;
  abandoned: boolean;
  server: string;
  high: boolean;
  /** Seconds from the month's start: queue entry, service start and end, leaving the queue. */
  entry: number;
  start: number | null;
  end: number | null;
  left: number | null;
}

const seconds = (hms: string) => hms.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);

export function plainCalls(file: string): PlainCall[] {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const names = head.split('\t');
  const out: PlainCall[] = [];
  for (const row of rows) {
    const v = Object.fromEntries(row.split('\t').map((x, i) => [names[i], x]));
    const day0 = (Number(v.date.slice(4, 6)) - 1) * DAY;
    // Each stage is at or after the one before it; a smaller time of day is past midnight.
    const after = (hms: string, previous: number) => {
      let t = day0 + seconds(hms);
      while (t < previous - DAY / 2) t += DAY;
      return t;
    };
    const arrived = day0 + seconds(v.vru_entry);
    const queued = Number(v.q_time) > 0 || v.q_start !== '0:00:00';
    const entry = queued ? after(v.q_start, arrived) : after(v.vru_exit, arrived);
    const left = queued ? after(v.q_exit, entry) : null;
    const answered = v.outcome === 'AGENT';
    const served = v.ser_start !== '0:00:00';
    const start = !answered ? null : served ? after(v.ser_start, entry) : (left ?? entry);
    const end = start === null ? null : served ? after(v.ser_exit, start) : start;
    out.push({ key: `${v['vru+line']}|${v.date}|${v.call_id}`, answered, abandoned: v.outcome === 'HANG' && queued, server: v.server, high: v.priority === '2', entry, start, end, left });
  }
  return out;
}

/** Seconds to first response, and to resolution, of an answered call. */
export const waitOf = (c: PlainCall) => Math.max(0, c.start! - c.entry);
export const handledIn = (c: PlainCall) => Math.max(0, c.end! - c.entry);
