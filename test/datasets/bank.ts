// The Technion "anonymous bank" call centre, February 1999 (../shared/datasets), as Floorboard events.
// Each call that reached the queue or an agent becomes a phone ticket:
//   created at queue entry (q_start; vru_exit when the call went straight to an agent; a q_start of 0:00:00
//   with a queue time is a call that queued at midnight),
//   AGENT → assigned + replied at ser_start (first response = ser_start − entry), resolved at ser_exit,
//   HANG after queueing → abandoned at q_exit. HANG inside the VRU and PHANTOM calls never queued: skipped.
// 50 answered calls have no service times (ser_start 0:00:00); they are taken as answered when they left the
// queue (q_exit, or entry when not queued) with a zero-length service.
// call_id is unique only per line and day, so the ticket id is line-date-call_id.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BANK_FILE = join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets', 'anonymous_bank_callcenter_1999_february.tsv');
/** Israel in February 1999 was on standard time, UTC+2. */
export const BANK_OFFSET = '+02:00';
export const BANK_TIMEZONE = 'Asia/Jerusalem';

export interface BankCall {
  ticket: string;
  date: string; // 1999-02-01
  type: string;
  priority: string;
  outcome: 'AGENT' | 'HANG' | 'PHANTOM';
  queued: boolean;
  entry: number; // epoch ms
  serStart: number | null;
  serExit: number | null;
  qExit: number | null;
  server: string;
}

function toMs(date: string, hms: string, notBefore?: number): number {
  const [h, m, s] = hms.split(':');
  let ms = Date.parse(`${date}T${h.padStart(2, '0')}:${m}:${s}${BANK_OFFSET}`);
  // A time earlier than the call's previous stage means the call crossed midnight.
  if (notBefore !== undefined && ms < notBefore - 12 * 3_600_000) ms += 86_400_000;
  return ms;
}

export function readBankCalls(file = BANK_FILE): BankCall[] {
  if (!existsSync(file)) throw new Error(`dataset not found at ${file}: the project expects ../shared/datasets beside its checkout (as CI has)`);
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0].split('\t');
  const col = (name: string) => header.indexOf(name);
  const c = { line: col('vru+line'), id: col('call_id'), pri: col('priority'), type: col('type'), date: col('date'), vruEntry: col('vru_entry'), vruExit: col('vru_exit'), qStart: col('q_start'), qExit: col('q_exit'), qTime: col('q_time'), outcome: col('outcome'), serStart: col('ser_start'), serExit: col('ser_exit'), server: col('server') };
  return lines.slice(1).map((line) => {
    const f = line.split('\t');
    const d = f[c.date];
    const date = `19${d.slice(0, 2)}-${d.slice(2, 4)}-${d.slice(4, 6)}`;
    // 0:00:00 stands for "no queue", but a call may also have queued at midnight itself: q_time tells.
    const queued = f[c.qStart] !== '0:00:00' || Number(f[c.qTime]) > 0;
    // The date is the call's arrival (vru_entry): a queue entered after midnight is on the next day.
    const entry = toMs(date, queued ? f[c.qStart] : f[c.vruExit], toMs(date, f[c.vruEntry]));
    const outcome = f[c.outcome] as BankCall['outcome'];
    const qExit = queued ? toMs(date, f[c.qExit], entry) : null;
    const serviceKnown = f[c.serStart] !== '0:00:00';
    const serStart = outcome !== 'AGENT' ? null : serviceKnown ? toMs(date, f[c.serStart], entry) : (qExit ?? entry);
    return {
      ticket: `${f[c.line]}-${d}-${f[c.id]}`,
      date,
      type: f[c.type],
      priority: f[c.pri] === '2' ? 'high' : 'normal',
      outcome,
      queued,
      entry,
      serStart,
      serExit: serStart === null ? null : serviceKnown ? toMs(date, f[c.serExit], serStart) : serStart,
      qExit,
      server: f[c.server]
    };
  });
}

export const isTicket = (call: BankCall) => call.outcome === 'AGENT' || (call.outcome === 'HANG' && call.queued);

export function bankEvents(calls: BankCall[]): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const call of calls.filter(isTicket)) {
    const { ticket } = call;
    events.push({ id: `${ticket}:created`, type: 'ticket.created', at: call.entry, ticket, channel: 'phone', category: call.type, priority: call.priority, team: 'bank' });
    if (call.outcome === 'AGENT') {
      events.push(
        { id: `${ticket}:assigned`, type: 'ticket.assigned', at: call.serStart, ticket, agent: call.server },
        { id: `${ticket}:replied`, type: 'ticket.replied', at: call.serStart, ticket, agent: call.server },
        { id: `${ticket}:resolved`, type: 'ticket.resolved', at: call.serExit, ticket }
      );
    } else events.push({ id: `${ticket}:abandoned`, type: 'ticket.abandoned', at: call.qExit, ticket });
  }
  return events;
}
