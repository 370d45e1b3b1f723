// Two non-team filters at once (channel=chat&priority=high) are answered by a scan of facts, not from rollups
// (windowTotals.ts): over 90 days at 1M tickets that reads millions of rows, ~3 s. On the main thread that was
// 3 s in which no request was answered, no batch acknowledged and no wall updated. Such queries run here, on a
// thread of their own, started at the first of them; so do GET /api/agents's with a channel, priority or
// category (getAgents.ts), one scan for every agent; and GET /api/trend's with two such filters (getTrend.ts), one
// scan summed into the chart's buckets.
import { Worker } from 'node:worker_threads';
import type { AgentFilters, AgentKpis, KpiFilters, Kpis } from '../kpi/types';
import type { Trend } from './getTrend';

export type ScanRequest = { id: number } & (
  | { what: 'kpis'; window: { from: number; to: number }; filters: KpiFilters; now: number }
  | { what: 'agents'; window: { from: number; to: number }; team: string | undefined; narrow: AgentFilters }
  | { what: 'trend'; window: { from: number; to: number }; filters: KpiFilters; tz: string }
);
type Answer = Kpis | AgentKpis[] | Trend;
export type ScanAnswer = { id: number; answer: Answer } | { id: number; message: string } | { refused: string };

/** A request as posted, before its id is given. */
type Ask = ScanRequest extends infer R ? (R extends ScanRequest ? Omit<R, 'id'> : never) : never;

interface Waiting {
  resolve: (answer: Answer) => void;
  reject: (e: Error) => void;
}

export class ScanThread {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private closed = false;
  /** Why the thread would not open the database: the file at its name is no longer the server's (db/same-file.mjs). */
  private refused: string | null = null;

  /** `sameFileAs`: the identity of the file the server opened, to which the thread's connection keeps. */
  constructor(
    private readonly path: string,
    private readonly sameFileAs?: string
  ) {}

  /** getKpis on the thread; rejects if the thread failed or ended before answering. */
  kpis(window: { from: number; to: number }, filters: KpiFilters, now: number): Promise<Kpis> {
    return this.ask({ what: 'kpis', window, filters, now }) as Promise<Kpis>;
  }

  /** getAgents on the thread; rejects if the thread failed or ended before answering. */
  agents(window: { from: number; to: number }, team: string | undefined, narrow: AgentFilters): Promise<AgentKpis[]> {
    return this.ask({ what: 'agents', window, team, narrow }) as Promise<AgentKpis[]>;
  }

  /** getTrend on the thread; rejects if the thread failed or ended before answering. */
  trend(window: { from: number; to: number }, filters: KpiFilters, tz: string): Promise<Trend> {
    return this.ask({ what: 'trend', window, filters, tz }) as Promise<Trend>;
  }

  private ask(request: Ask): Promise<Answer> {
    if (this.closed) return Promise.reject(new Error('the scan thread is closed'));
    // Started again, it would refuse again: until the restart, the main thread answers.
    if (this.refused) return Promise.reject(new Error(this.refused));
    const worker = (this.worker ??= this.spawn());
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...request } satisfies ScanRequest);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./scan-boot.mjs', import.meta.url), { workerData: { path: this.path, sameFileAs: this.sameFileAs } });
    worker.on('message', (a: ScanAnswer) => {
      if ('refused' in a) return void (this.refused = a.refused);
      const w = this.waiting.get(a.id);
      this.waiting.delete(a.id);
      if ('answer' in a) w?.resolve(a.answer);
      else w?.reject(new Error(a.message));
    });
    worker.on('error', (err) => console.error('KPI scan thread failed:', err));
    // What waited fails (the route answers it on the main thread); the next query starts a fresh thread.
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
      for (const w of this.waiting.values()) w.reject(new Error(this.refused ?? 'the scan thread ended before answering'));
      this.waiting.clear();
    });
    return worker;
  }

  /** Ends the thread once the scan in progress, if any, is done. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage('close');
    });
  }
}
