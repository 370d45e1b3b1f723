// Where a server process's CPU goes, thread by thread, from Linux's /proc/<pid>/task/<tid>/schedstat: time on
// a core and time runnable but waiting for one. The main thread is the process's own id; the ingest writer is
// the busiest of the others; the rest are V8's background threads (garbage collection, compilation) and idle
// helpers. Elsewhere than Linux there is no /proc, and the breakdown is left out.
import { readFileSync, readdirSync } from 'node:fs';

/** Nanoseconds on a core and waiting for one, by thread id. */
type Sample = Map<string, { run: number; wait: number }>;

export function sampleThreads(pid: number): Sample | null {
  try {
    const sample: Sample = new Map();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      sample.set(tid, { run, wait });
    }
    return sample;
  } catch {
    return null;
  }
}

export interface ThreadShare {
  /** µs an event, on a core and waiting for one. */
  run: number;
  wait: number;
}

/** Each part's CPU per event between two samples of the same process. */
export function threadShares(pid: number, before: Sample, after: Sample, events: number): { main: ThreadShare; writer: ThreadShare; others: ThreadShare } {
  const delta = [...after].map(([tid, t]) => {
    const b = before.get(tid) ?? { run: 0, wait: 0 };
    return { tid, run: (t.run - b.run) / 1000 / events, wait: (t.wait - b.wait) / 1000 / events };
  });
  const zero = { run: 0, wait: 0 };
  const main = delta.find((d) => d.tid === String(pid)) ?? zero;
  const rest = delta.filter((d) => d.tid !== String(pid)).sort((a, b) => b.run - a.run);
  const writer = rest[0] ?? zero;
  const others = rest.slice(1).reduce((sum, d) => ({ run: sum.run + d.run, wait: sum.wait + d.wait }), zero);
  return { main: { run: main.run, wait: main.wait }, writer: { run: writer.run, wait: writer.wait }, others };
}
